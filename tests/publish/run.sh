#!/usr/bin/env bash
# The release build as an operator installs it: publishes the self-contained single file
# (publish profile linux-x64), starts it from a folder of its own on a free loopback port with no
# .NET on PATH, checks /v1/api-health and /v1/api-ready, and verifies deploy/orgkeys.service with
# systemd-analyze where there is one. Prints "# pass N" / "# fail N" for test.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"

work=$(mktemp -d /tmp/orgkeys-publish.XXXXXX)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then stop_process "$server_pid"; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

pass=0 fail=0
check() { # check NAME EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "not ok - $1 (expected $2, got $3)"; fi
}

rc=0
dotnet publish "$root/src/OrgKeys" -c Release -p:PublishProfile=linux-x64 -o "$work/publish" >"$work/publish.log" 2>&1 || rc=$?
check "dotnet publish (linux-x64, self-contained, single file) succeeds" 0 "$rc"
if ((rc != 0)); then tail -20 "$work/publish.log"; fi

# Installed as the README says: the executable and its appsettings.json, nothing else.
mkdir -p "$work/opt"
cp "$work/publish/OrgKeys" "$work/publish/appsettings.json" "$work/opt/" 2>/dev/null || true
# (The web SDK also writes OrgKeys.staticwebassets.endpoints.json; OrgKeys serves none, and the copy above leaves it out.)
check "the publish folder holds one executable and its settings" "OrgKeys appsettings.json" \
  "$(cd "$work/publish" && ls | grep -v -E '\.(pdb|xml)$|\.staticwebassets\.endpoints\.json$' | sort | tr '\n' ' ' | sed 's/ $//')"

port=$(free_port)
base=http://127.0.0.1:$port
env -i PATH=/usr/bin:/bin HOME="$work" OrgKeys__DataDirectory="$work/state" DOTNET_BUNDLE_EXTRACT_BASE_DIR="$work/cache" \
  "$work/opt/OrgKeys" serve --urls "$base" >"$work/server.log" 2>&1 &
server_pid=$!
up=no
for _ in $(seq 1 120); do
  if curl -sf "$base/v1/api-health" >/dev/null; then up=yes; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.5
done
check "the single file starts with no .NET on PATH" yes "$up"
check "GET /v1/api-health" '{"success":true}' "$(curl -s "$base/v1/api-health")"
check "GET /v1/api-ready (database and migrations)" '{"success":true}' "$(curl -s "$base/v1/api-ready")"
check "the state folder holds the database and the secret" yes \
  "$([[ -f $work/state/orgkeys.db && -f $work/state/server-secret ]] && echo yes || echo no)"
if [[ $up != yes ]]; then tail -20 "$work/server.log"; fi
stop_process "$server_pid"
server_pid=

if command -v systemd-analyze >/dev/null; then
  # The unit as shipped, pointed at this executable (verify wants ExecStart to exist).
  sed "s#/usr/local/lib/orgkeys/OrgKeys#$work/opt/OrgKeys#" "$root/deploy/orgkeys.service" >"$work/orgkeys.service"
  rc=0
  SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$work/orgkeys.service" >"$work/verify.log" 2>&1 || rc=$?
  cat "$work/verify.log"
  check "systemd-analyze verify deploy/orgkeys.service" 0 "$rc"
  check "systemd-analyze verify printed no warning about the unit" 0 "$(grep -c 'orgkeys.service' "$work/verify.log" || true)"
else
  echo "# skip systemd-analyze verify: systemd-analyze is not installed here"
fi

echo "# pass $pass"
echo "# fail $fail"
((fail == 0))
