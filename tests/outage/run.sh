#!/usr/bin/env bash
# PostgreSQL stopped under load: OrgKeys answers 503 in the contract's shape (never 500), and
# recovers by itself when the database returns. Starts its own throwaway cluster and server,
# removes both, and prints TAP-like "# pass N" / "# fail N" lines for test.sh to count.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[[ -x $bin ]] || { echo "outage: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }

work=$(mktemp -d /tmp/orgkeys-outage.XXXXXX)
export PG_CLUSTER_STATE=$work/pg.state
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -f $PG_CLUSTER_STATE ]]; then bash "$root/tests/pg-cluster.sh" stop >/dev/null 2>&1 || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT

pass=0 fail=0
check() { # check NAME EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "not ok - $1 (expected $2, got $3)"; fi
}

conn=$(bash "$root/tests/pg-cluster.sh" start)
cluster=$(cat "$PG_CLUSTER_STATE")
port=$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$conn")
as_pg() { runuser -u postgres -- "$@"; }

export ConnectionStrings__OrgKeys=$conn OrgKeys__DataDirectory=$work/data DOTNET_CLI_TELEMETRY_OPTOUT=1
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
"$bin" users create --username ann --email ann@example.com --name Ann --password "$password" --json >/dev/null
key=$("$bin" organizations create --name Outage --admin ann --json | tail -n 1 | sed 's/.*"apiKey":"\([^"]*\)".*/\1/')

http_port=$(free_port)
base=http://127.0.0.1:$http_port
"$bin" serve --urls "$base" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do curl -sf "$base/v1/api-health" >/dev/null && break; sleep 0.5; done

status() { curl -s -o "$work/body" -w '%{http_code}' --max-time 20 "$@"; }
login() { status "$base/v1/api-login" -H 'content-type: application/json' -d "{\"username\":\"ann\",\"password\":\"$password\"}"; }
new_key() { status "$base/v1/api/organizations/1/apikeys" -H "x-api-key: $key" -H 'content-type: application/json' -d '{"name":"k","role":"member"}'; }
error_shape() { grep -q '"success":false' "$work/body" && grep -q '"error":"' "$work/body" && echo yes || echo no; }

ready() { curl -s -o "$work/ready-body" -w '%{http_code}' --max-time 20 "$base/v1/api-ready"; }
# wait_ready STATUS: seconds (to the millisecond) until /v1/api-ready answers STATUS, or "timeout" after 10 s
wait_ready() {
  local start=$(date +%s%N)
  for _ in $(seq 1 100); do
    if [[ $(ready) == "$1" ]]; then echo "$(( ($(date +%s%N) - start) / 1000000 ))"; return; fi
    sleep 0.1
  done
  echo timeout
}

check "ready with the database up" 200 "$(wait_ready 200 | sed 's/^[0-9]*$/200/')"
check "login works with the database up" 200 "$(login)"
check "key creation works with the database up" 200 "$(new_key)"

# Load while the database goes away: every answer is 200 or 503, never 500.
statuses=$work/statuses
( for _ in $(seq 1 40); do new_key; echo; sleep 0.05; done ) >"$statuses" &
loader=$!
sleep 0.5
as_pg "$PG_BIN/pg_ctl" -D "$cluster/data" -m immediate -s stop
not_ready_ms=$(wait_ready 503)
echo "# readiness: 503 ${not_ready_ms} ms after PostgreSQL stopped"
check "not ready (503) within 5 s of stopping PostgreSQL" yes "$([[ $not_ready_ms =~ ^[0-9]+$ ]] && ((not_ready_ms <= 5000)) && echo yes || echo "no ($not_ready_ms)")"
grep -q '"error":"not ready: database' "$work/ready-body" && named=yes || named=no
check "the 503 names the failing check (database)" yes "$named"
wait "$loader"
check "no 500 while the database stopped under load" 0 "$(grep -c '^500$' "$statuses" || true)"
check "the database went away mid-load (some 503s)" yes "$(grep -q '^503$' "$statuses" && echo yes || echo no)"
check "only 200 or 503 under load" 0 "$(grep -cv -E '^(200|503)$' "$statuses" || true)"

check "login is 503 with the database down" 503 "$(login)"
check "the 503 has the contract's error shape" yes "$(error_shape)"
check "key creation is 503 with the database down" 503 "$(new_key)"
check "an uncached key is 503, not 401, with the database down" 503 \
  "$(status "$base/v1/api/organizations/1" -H 'x-api-key: ei_a-well-formed-custom-key-that-nobody-has')"

as_pg "$PG_BIN/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 -s start \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster/sock"
recovered=no
for _ in $(seq 1 20); do
  if [[ $(login) == 200 ]]; then recovered=yes; break; fi
  sleep 0.5
done
check "recovers by itself when the database returns" yes "$recovered"
check "key creation works again" 200 "$(new_key)"
ready_ms=$(wait_ready 200)
echo "# readiness: 200 again ${ready_ms} ms after recovery"
check "ready again (200) once PostgreSQL is back and the listener reconnected" yes "$([[ $ready_ms =~ ^[0-9]+$ ]] && echo yes || echo no)"

echo "# pass $pass"
echo "# fail $fail"
((fail == 0))
