#!/usr/bin/env bash
# Where the hot path spends its CPU: starts bare Kestrel (bench/BareKestrel) and the Release build on 127.0.0.1
# with the JIT's perf map on, loads them with wrk one row at a time (row K: bare Kestrel; row 1: health, no
# credential; row 2: a valid x-api-key; row 5: made-up keys, flood guard off; row 6: an organization read
# with a key) and samples only the server's process with Linux perf, call chains included, meanwhile.
# Prints, for each row, the server's CPU time per request split by component and by middleware (from the
# call chains: a middleware's own cost is its inclusive time less the next one's), then the hottest
# symbols of each row; writes it to bench/PROFILE.md.
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
# Row K: bare Kestrel, the ceiling, profiled the same way.
bare_bin=$root/bench/BareKestrel/bin/Release/net10.0/BareKestrel
[[ -x $bare_bin ]] || die "$bare_bin not found"
bare_url=http://127.0.0.1:$(free_port)
DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0 "$bare_bin" --urls "$bare_url" >"$work/bare.log" 2>&1 </dev/null &
bare_pid=$!
trap 'stop_process "$bare_pid"; rm -f /tmp/perf-{"$server_pid","$bare_pid"}.map /tmp/perfinfo-{"$server_pid","$bare_pid"}.map; cleanup' EXIT
for _ in $(seq 1 60); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$bare_url/") == 204 ]] && break
  sleep 0.5
done
setup_tenant "$data"
write_made_up_keys "$work/made-up-keys.txt"
export BENCH_KEYS_FILE=$work/made-up-keys.txt

load() { # load ROW SECONDS: wrk against the row's URL with its credential
  local row=$1 seconds=$2
  case $row in
    1) wrk -t"$threads" -c"$connections" -d"${seconds}s" "$base_url/v1/api-health" ;;
    2) wrk -t"$threads" -c"$connections" -d"${seconds}s" -H "x-api-key: $admin_key" "$base_url/v1/auth/check" ;;
    5) wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$here/made-up-keys.lua" "$base_url/v1/auth/check" ;;
    6) wrk -t"$threads" -c"$connections" -d"${seconds}s" -H "x-api-key: $admin_key" "$base_url/v1/api/organizations/$org" ;;
    K) wrk -t"$threads" -c"$connections" -d"${seconds}s" "$bare_url/" ;;
  esac
}
declare -A what=(
  [K]="bare Kestrel, \`GET /\` answered 204 with no middleware"
  [1]="\`GET /v1/api-health\`, no credential"
  [2]="\`/v1/auth/check\`, a valid \`x-api-key\`"
  [5]="\`/v1/auth/check\`, made-up keys (401)"
  [6]="\`GET /v1/api/organizations/{id}\`, a valid \`x-api-key\`"
)
rows=(K 1 2 5 6)

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

# The pipeline in order (src/OrgKeys/Program.cs), each stage named by a frame only it has on the stack.
# Samples taken outside a request's synchronous call chain (socket threads, continuations after an
# await) count in the total but in no stage, so the stages' figures are lower bounds.
stages='Kestrel, hosting and routing=HttpProtocol+<ProcessRequests>
security headers=<UseSecurityHeaders>
metrics scrape check=MapWhenMiddleware::Invoke
trusted proxies=ForwardedHeadersMiddleware::Invoke
API error handler=ExceptionHandlerMiddlewareImpl::Invoke
API status pages=StatusCodePagesMiddleware
NUL query check=<UseNulFreeQueryStrings>
credential flood guard=<UseCredentialFloodGuard>
forward-auth fast path=<UseForwardAuthFastPath>
OAuth server=<UseOAuthServer>
cookie forgery guard=<UseCookieForgeryGuard>
authentication=AuthenticationMiddleware+<Invoke>
key gate=<UseKeyGate>
authorization=AuthorizationMiddleware+<Invoke>
endpoint=EndpointMiddleware::Invoke'
inclusive='
  BEGIN { n = split(stages, lines, "\n"); for (i = 1; i <= n; i++) { split(lines[i], kv, "="); name[i] = kv[1]; pat[i] = kv[2] } }
  /^[^ \t]/ { flush(); sampling = 1; next }
  /^[ \t]*$/ { flush(); next }
  { for (i = 1; i <= n; i++) if (index($0, pat[i]) > 0) seen[i] = 1 }
  function flush() { if (sampling) for (i in seen) count[i]++; delete seen; sampling = 0 }
  END { flush(); for (i = 1; i <= n; i++) printf "%s\t%d\n", name[i], count[i] }'

declare -A requests total_samples refused cpu_ticks
ticks_per_second=$(getconf CLK_TCK)
for row in "${rows[@]}"; do
  log "row $row: ${duration}s under wrk, perf sampling the server at ${frequency} Hz"
  pid=$server_pid
  [[ $row == K ]] && pid=$bare_pid
  cpu_before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  load "$row" "$duration" >"$work/wrk-$row.txt" &
  wrk_pid=$!
  perf record -q -g -F "$frequency" -p "$pid" -o "$work/perf-$row.data" -- sleep "$duration" 2>/dev/null
  wait "$wrk_pid"
  cpu_ticks[$row]=$(( $(awk '{ print $14 + $15 }' "/proc/$pid/stat") - cpu_before ))
  requests[$row]=$(awk '/requests in/ { print $1 }' "$work/wrk-$row.txt")
  refused[$row]=$(awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' "$work/wrk-$row.txt")
  perf report -i "$work/perf-$row.data" --no-children --sort dso,sym --stdio -g none -F overhead,sample,dso,sym 2>/dev/null \
    | awk '/^ *[0-9.]+%/' | sort -k2,2nr >"$work/symbols-$row.txt"
  total_samples[$row]=$(awk '{ n += $2 } END { print n + 0 }' "$work/symbols-$row.txt")
  # part<TAB>samples
  awk "$classify"'
    { dso = $3; sym = ""; for (i = 4; i <= NF; i++) sym = sym " " $i; parts[part(dso, sym)] += $2 }
    END { for (p in parts) printf "%s\t%d\n", p, parts[p] }' "$work/symbols-$row.txt" >"$work/parts-$row.txt"
  # stage<TAB>samples whose call chain passes through it (inclusive)
  perf script -i "$work/perf-$row.data" -F comm,ip,sym 2>/dev/null | awk -v stages="$stages" "$inclusive" >"$work/stages-$row.txt"
done

# perf attaches some time after the load starts, so its samples are shares: the total is the server's
# CPU time over the whole load, from /proc (user + system), divided by the requests wrk completed.
cpu_per_request() { # cpu_per_request ROW
  awk -v t="${cpu_ticks[$1]}" -v hz="$ticks_per_second" -v n="${requests[$1]}" 'BEGIN { printf "%.2f", (n > 0 ? t / hz / n * 1e6 : 0) }'
}
us_per_request() { # us_per_request SAMPLES ROW: that share of the row's CPU per request
  awk -v s="$1" -v total="${total_samples[$2]}" -v cpu="$(cpu_per_request "$2")" 'BEGIN { printf "%.2f", (total > 0 ? s / total * cpu : 0) }'
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
{
  echo "# Where the hot path spends its CPU"
  echo
  echo "Written by \`bench/profile.sh\` on $started: $(nproc) cores, .NET $(dotnet --version), $(perf --version),"
  echo "wrk ${threads} threads, ${connections} connections, ${duration} s per row, perf sampling only the OrgKeys process at ${frequency} Hz"
  echo "(cpu-clock; methods named through \`DOTNET_PerfMapEnabled=1\`, with ReadyToRun and W^X off so perf can read them)."
  echo "Figures are the server's CPU time per request, in microseconds: its user and system time over the row (/proc) ÷ the"
  echo "requests wrk completed, split by the share of perf's samples in each part."
  echo
  echo "| row | what | requests/s | non-2xx | CPU µs per request |"
  echo "|---|---|---:|---:|---:|"
  for row in "${rows[@]}"; do
    echo "| $row | ${what[$row]} | $(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/wrk-$row.txt") | ${refused[$row]} | $(cpu_per_request "$row") |"
  done
  echo
  echo "CPU µs per request by component, and what each row spends beyond bare Kestrel (row K):"
  echo
  echo "| component | row K | row 1 | row 2 | row 5 | row 6 | 1 − K | 2 − K | 5 − K | 6 − K |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  cut -f1 "$work"/parts-*.txt | sort -u | while IFS= read -r part; do
    declare -A us=()
    for row in "${rows[@]}"; do
      samples=$(awk -F'\t' -v p="$part" '$1 == p { print $2 }' "$work/parts-$row.txt")
      us[$row]=$(us_per_request "${samples:-0}" "$row")
    done
    printf '| %s | %s | %s | %s | %s | %s | %+.2f | %+.2f | %+.2f | %+.2f |\n' "$part" "${us[K]}" "${us[1]}" "${us[2]}" "${us[5]}" "${us[6]}" \
      "$(awk -v a="${us[1]}" -v b="${us[K]}" 'BEGIN { print a - b }')" "$(awk -v a="${us[2]}" -v b="${us[K]}" 'BEGIN { print a - b }')" \
      "$(awk -v a="${us[5]}" -v b="${us[K]}" 'BEGIN { print a - b }')" "$(awk -v a="${us[6]}" -v b="${us[K]}" 'BEGIN { print a - b }')"
  done | sort -t'|' -k8 -gr
  echo
  echo "CPU µs per request of each middleware, in pipeline order: its own cost, i.e. its inclusive time (samples whose"
  echo "call chain passes through it) less that of the next stage the request reached. Row 1 is answered at routing;"
  echo "rows 2 and 5 by the forward-auth fast path; row 6 crosses the whole pipeline. Samples off a request's synchronous"
  echo "call chain (socket threads, continuations after an await) are in the total but in no stage: the last line."
  echo "A middleware that passes the request on as its last act leaves no frame in optimized code (a tail call): it"
  echo "shows —, and its few instructions count in the stage before it. Completions of awaited work resume inside"
  echo "the outer middleware's frames, so on row 6 (which awaits) the earlier stages also hold some of the later ones' work."
  echo
  echo "| stage | row 1 | row 2 | row 5 | row 6 |"
  echo "|---|---:|---:|---:|---:|"
  for row in 1 2 5 6; do
    awk -F'\t' -v cpu="$(cpu_per_request "$row")" -v total="${total_samples[$row]}" '
      { name[NR] = $1; c[NR] = $2 } END {
        for (i = 1; i <= NR; i++) { next_c = 0; for (j = i + 1; j <= NR; j++) if (c[j] > 0) { next_c = c[j]; break }
          own = c[i] > 0 ? (c[i] - next_c) / total * cpu : -1; printf "%s\t%s\n", name[i], own < 0 ? "—" : sprintf("%.2f", own) }
        printf "outside any stage (sockets, kernel threads, continuations)\t%.2f\n", (total - c[1]) / total * cpu }' "$work/stages-$row.txt" >"$work/own-$row.txt"
  done
  paste "$work/own-1.txt" "$work/own-2.txt" "$work/own-5.txt" "$work/own-6.txt" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $4, $6, $8 }'
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
