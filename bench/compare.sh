#!/usr/bin/env bash
# Compares the hot path of this checkout with an older commit in ONE run: builds REV in a temporary
# worktree, starts both servers (SQLite, flood guard off) and bare Kestrel on 127.0.0.1, and measures
# rows 1, 2, 3, 5 and 6 of bench/run.sh on each, in interleaved rounds with bare Kestrel (row K)
# beside them. Prints each row's median req/s and its ratio to row K measured in the same rounds, so
# a change is judged against the machine's ceiling at that moment, not against another sitting.
#   bench/compare.sh REV   (e.g. bench/compare.sh 0c13b89)
#   BENCH_DURATION=10  BENCH_THREADS=2  BENCH_CONNECTIONS=50  BENCH_ROUNDS=3  BENCH_NO_BUILD=1
set -euo pipefail
rev=${1:?usage: bench/compare.sh REV}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds=${BENCH_ROUNDS:-3}
warmup=3

old_tree=$work/old
git -C "$root" worktree add --detach -q "$old_tree" "$rev"
trap 'git -C "$root" worktree remove --force "$old_tree" 2>/dev/null || true; cleanup' EXIT
log "building $rev"
(cd "$old_tree" && dotnet build src/OrgKeys -c Release -nologo -v quiet >/dev/null) || die "build of $rev failed"
(cd "$root" && dotnet build bench/BareKestrel -c Release -nologo -v quiet >/dev/null) || die "build of bench/BareKestrel failed"

write_made_up_keys "$work/made-up-keys.txt"
export BENCH_KEYS_FILE=$work/made-up-keys.txt

# Start one OrgKeys build as "new" or "old": its own data folder, port and tenant.
declare -A url pid key token organization
start_build() { # start_build NAME BINARY
  local name=$1
  bin=$2
  mkdir -p "$work/$name"
  start_server "$work/$name" OrgKeys__Throttle__FailedCredentialsPerWindow=0
  setup_tenant "$work/$name"
  url[$name]=$base_url pid[$name]=$server_pid key[$name]=$admin_key token[$name]=$jwt organization[$name]=$org
  server_pid= # stopped by name below, not by lib.sh's cleanup of the last one started
}
start_build new "$root/src/OrgKeys/bin/Release/net10.0/OrgKeys"
start_build old "$old_tree/src/OrgKeys/bin/Release/net10.0/OrgKeys"
bare_url=http://127.0.0.1:$(free_port)
"$root/bench/BareKestrel/bin/Release/net10.0/BareKestrel" --urls "$bare_url" >"$work/bare.log" 2>&1 </dev/null &
pid[bare]=$!
trap 'for p in "${pid[@]}"; do stop_process "$p"; done; git -C "$root" worktree remove --force "$old_tree" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 60); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$bare_url/") == 204 ]] && break
  sleep 0.5
done

run() { # run LABEL URL [wrk args...]: one measured run, appended to the label's runs
  local label=$1 target=$2
  shift 2
  wrk -t"$threads" -c"$connections" -d"${warmup}s" "$@" "$target" >/dev/null
  wrk -t"$threads" -c"$connections" -d"${duration}s" "$@" "$target" |
    awk '/^Requests\/sec:/ { printf "%.0f\n", $2 }' >>"$work/runs-$label.txt"
}
row() { # row ID NAME: the row's request on the build NAME
  local id=$1 name=$2 base=${url[$2]}
  case $id in
    1) run "$id-$name" "$base/v1/api-health" ;;
    2) run "$id-$name" "$base/v1/auth/check" -H "x-api-key: ${key[$name]}" ;;
    3) run "$id-$name" "$base/v1/auth/check" -H "x-jwt-token: ${token[$name]}" ;;
    5) run "$id-$name" "$base/v1/auth/check" -s "$here/made-up-keys.lua" ;;
    6) run "$id-$name" "$base/v1/api/organizations/${organization[$name]}" -H "x-api-key: ${key[$name]}" ;;
  esac
}

log "warming up"
for name in new old; do for id in 1 2 3 5 6; do row "$id" "$name"; done; done
rm -f "$work"/runs-*.txt
for round in $(seq 1 "$rounds"); do
  log "round $round of $rounds"
  for id in 1 2 3 5 6; do
    run K "$bare_url/"
    # Alternate which build goes first, so neither always follows bare Kestrel.
    if ((round % 2)); then row "$id" new; row "$id" old; else row "$id" old; row "$id" new; fi
  done
done

median() { sort -n "$work/runs-$1.txt" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
k=$(median K)
printf '| row | %s req/s | %s / K | this checkout req/s | this checkout / K | this / %s |\n' "$rev" "$rev" "$rev"
printf '|---|---:|---:|---:|---:|---:|\n'
for id in 1 2 3 5 6; do
  o=$(median "$id-old") n=$(median "$id-new")
  awk -v id="$id" -v o="$o" -v n="$n" -v k="$k" \
    'BEGIN { printf "| %s | %d | %.2f | %d | %.2f | %.2f |\n", id, o, o / k, n, n / k, n / o }'
done
echo "Row K (bare Kestrel): median $k req/s over $((rounds * 5)) runs; $rounds rounds of ${duration} s runs, ${threads} threads, ${connections} connections."
