#!/usr/bin/env bash
# Where the hot path spends its CPU: starts the Release build on 127.0.0.1 with the JIT's perf map on,
# loads it with wrk one row at a time (row 1: health, no credential; row 2: a valid x-api-key; row 5:
# made-up keys, flood guard off) and samples only the OrgKeys process with Linux perf meanwhile.
# Prints, for each row, the server's CPU time per request split by component, and row 2 and row 5
# minus row 1, then the hottest symbols of each row; writes it to bench/PROFILE.md.
#   BENCH_DURATION=10 (seconds per row)  BENCH_THREADS=2  BENCH_CONNECTIONS=50  BENCH_NO_BUILD=1
#   PROFILE_FREQUENCY=999 (samples per second per core)  PROFILE_SYMBOLS=DIR (keep every row's full symbol list there)
# Needs perf (Debian: apt-get install -y linux-perf) and perf_event_paranoid <= 2, as on this machine.
set -euo pipefail
command -v perf >/dev/null || { echo "profile: perf is missing (Debian: apt-get install -y linux-perf)" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
frequency=${PROFILE_FREQUENCY:-999}
data=$work/sqlite
mkdir -p "$data"
# The perf map names JIT-compiled methods for perf (written to /tmp/perf-PID.map). Precompiled
# (ReadyToRun) framework code is not in it, so it is turned off: after the warm-up every hot method is
# JIT-compiled at tier 1, as it would be after tiering up anyway. With W^X on, JIT code runs from a
# double-mapped memfd that perf cannot match to the map.
start_server "$data" OrgKeys__Throttle__FailedCredentialsPerWindow=0 \
  DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0
trap 'rm -f "/tmp/perf-$server_pid.map" "/tmp/perfinfo-$server_pid.map"; cleanup' EXIT
setup_tenant "$data"
write_made_up_keys "$work/made-up-keys.txt"
export BENCH_KEYS_FILE=$work/made-up-keys.txt

load() { # load ROW SECONDS: wrk against the row's URL with its credential
  local row=$1 seconds=$2
  case $row in
    1) wrk -t"$threads" -c"$connections" -d"${seconds}s" "$base_url/v1/api-health" ;;
    2) wrk -t"$threads" -c"$connections" -d"${seconds}s" -H "x-api-key: $admin_key" "$base_url/v1/auth/check" ;;
    5) wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$here/made-up-keys.lua" "$base_url/v1/auth/check" ;;
  esac
}
declare -A what=(
  [1]="\`GET /v1/api-health\`, no credential"
  [2]="\`/v1/auth/check\`, a valid \`x-api-key\`"
  [5]="\`/v1/auth/check\`, made-up keys (401)"
)
rows=(1 2 5)

log "warming up (JIT tiers, caches)"
for row in "${rows[@]}"; do
  load "$row" 5 >/dev/null
done

# Which part of the process a sample's symbol belongs to (perf's dso and symbol columns).
classify='
  function part(dso, sym) {
    if (dso ~ /kernel/ || sym ~ /^\[k\]/) return "kernel (sockets, scheduling)"
    if (dso ~ /libcrypto|Cryptography\.Native/) return "OpenSSL (the key HMAC)"
    if (dso ~ /libcoreclr|libclrjit/) return "runtime (GC, allocation, casts, stubs)"
    if (dso ~ /libc[.-]|libpthread|ld-linux/) return "libc"
    if (sym ~ /\[OrgKeys\]|OrgKeys\./) return "OrgKeys"
    if (sym ~ /EntityFrameworkCore/) return "EF Core"
    if (sym ~ /AspNetCore\.Authentication/) return "ASP.NET Core authentication"
    if (sym ~ /AspNetCore\.Authorization/) return "ASP.NET Core authorization"
    if (sym ~ /AspNetCore\.Routing|AspNetCore\.Http\.RequestDelegate/) return "ASP.NET Core routing and endpoint"
    if (sym ~ /Kestrel|System\.Net\.|System\.IO\.Pipelines|AspNetCore\.Http|AspNetCore\.HostFiltering|AspNetCore\.Hosting/) return "Kestrel and HTTP"
    if (sym ~ /System\.Text\.Json/) return "System.Text.Json"
    if (sym ~ /Microsoft\.Extensions\.(Logging|DependencyInjection|Options|Primitives)/) return "DI, options, logging"
    if (sym ~ /System\.Threading|ThreadPool/) return "thread pool, tasks"
    if (sym ~ /System\.Private\.CoreLib|\[System\./) return "BCL (strings, collections, ...)"
    return "other"
  }'

declare -A requests total_samples refused
for row in "${rows[@]}"; do
  log "row $row: ${duration}s under wrk, perf sampling pid $server_pid at ${frequency} Hz"
  load "$row" "$duration" >"$work/wrk-$row.txt" &
  wrk_pid=$!
  perf record -q -F "$frequency" -p "$server_pid" -o "$work/perf-$row.data" -- sleep "$duration" 2>/dev/null
  wait "$wrk_pid"
  requests[$row]=$(awk '/requests in/ { print $1 }' "$work/wrk-$row.txt")
  refused[$row]=$(awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' "$work/wrk-$row.txt")
  perf report -i "$work/perf-$row.data" --no-children --sort dso,sym --stdio -g none -F overhead,sample,dso,sym 2>/dev/null \
    | awk '/^ *[0-9.]+%/' | sort -k2,2nr >"$work/symbols-$row.txt"
  total_samples[$row]=$(awk '{ n += $2 } END { print n + 0 }' "$work/symbols-$row.txt")
  # part<TAB>samples
  awk "$classify"'
    { dso = $3; sym = ""; for (i = 4; i <= NF; i++) sym = sym " " $i; parts[part(dso, sym)] += $2 }
    END { for (p in parts) printf "%s\t%d\n", p, parts[p] }' "$work/symbols-$row.txt" >"$work/parts-$row.txt"
done

us_per_request() { # us_per_request SAMPLES ROW
  awk -v s="$1" -v f="$frequency" -v n="${requests[$2]}" 'BEGIN { printf "%.2f", (n > 0 ? s / f / n * 1e6 : 0) }'
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
{
  echo "# Where the hot path spends its CPU"
  echo
  echo "Written by \`bench/profile.sh\` on $started: $(nproc) cores, .NET $(dotnet --version), $(perf --version),"
  echo "wrk ${threads} threads, ${connections} connections, ${duration} s per row, perf sampling only the OrgKeys process at ${frequency} Hz"
  echo "(cpu-clock; methods named through \`DOTNET_PerfMapEnabled=1\`, with ReadyToRun and W^X off so perf can read them)."
  echo "Figures are the server's CPU time per request, in microseconds: samples ÷ frequency ÷ requests."
  echo
  echo "| row | what | requests/s | non-2xx | CPU µs per request |"
  echo "|---|---|---:|---:|---:|"
  for row in "${rows[@]}"; do
    echo "| $row | ${what[$row]} | $(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/wrk-$row.txt") | ${refused[$row]} | $(us_per_request "${total_samples[$row]}" "$row") |"
  done
  echo
  echo "CPU µs per request by component, and what rows 2 and 5 spend beyond row 1:"
  echo
  echo "| component | row 1 | row 2 | row 5 | row 2 − row 1 | row 5 − row 1 |"
  echo "|---|---:|---:|---:|---:|---:|"
  cut -f1 "$work"/parts-*.txt | sort -u | while IFS= read -r part; do
    declare -A us=()
    for row in "${rows[@]}"; do
      samples=$(awk -F'\t' -v p="$part" '$1 == p { print $2 }' "$work/parts-$row.txt")
      us[$row]=$(us_per_request "${samples:-0}" "$row")
    done
    printf '| %s | %s | %s | %s | %+.2f | %+.2f |\n' "$part" "${us[1]}" "${us[2]}" "${us[5]}" \
      "$(awk -v a="${us[2]}" -v b="${us[1]}" 'BEGIN { print a - b }')" \
      "$(awk -v a="${us[5]}" -v b="${us[1]}" 'BEGIN { print a - b }')"
  done | sort -t'|' -k7 -gr
  for row in "${rows[@]}"; do
    echo
    echo "Row $row, the 25 symbols with the most samples (self time, % of the process's samples):"
    echo
    echo '```'
    head -n 25 "$work/symbols-$row.txt" | awk '{ $2 = ""; print }' | cut -c1-160
    echo '```'
  done
} >"$work/profile.md"

if [[ -n ${PROFILE_SYMBOLS:-} ]]; then
  mkdir -p "$PROFILE_SYMBOLS" && cp "$work"/symbols-*.txt "$PROFILE_SYMBOLS"/
fi
cat "$work/profile.md"
cp "$work/profile.md" "$here/PROFILE.md"
log "wrote bench/PROFILE.md"
