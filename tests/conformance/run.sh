#!/usr/bin/env bash
# Conformance: the unmodified edge-impulse-api npm client against the Release build of OrgKeys.
# Starts the service on a free port with a fresh data folder, creates users with the operator
# CLI, runs `node --test` on test/*.test.js, then stops the service and removes the folder.
# Contract check: the tests talk to the service through a Prism proxy (@stoplight/prism-cli)
# that validates every response against the service's own /v1/openapi.json; any violation it
# logs (error or warning) fails the run, counted as one more test ("contract check"). Prism hangs
# on request bodies that are not JSON (stoplightio/prism#2664), so the few tests that send broken
# JSON on purpose send it straight to the service (ORGKEYS_UPSTREAM_URL); everything else goes through Prism.
# Build first: dotnet build OrgKeys.slnx -c Release. Exit code: the test runner's, or 1 on a violation.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys

[[ -x $bin ]] || { echo "conformance: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }

work=$(mktemp -d /tmp/orgkeys-conformance.XXXXXX)
server_pid=
prism_pid=

cleanup() {
  if [[ -n $prism_pid ]] && kill -0 "$prism_pid" 2>/dev/null; then
    kill "$prism_pid" 2>/dev/null || true
  fi
  if [[ -n $server_pid ]]; then stop_process "$server_pid"; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "conformance: npm ci"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1) || { cat "$work/npm.log" >&2; exit 1; }

export OrgKeys__DataDirectory=$work/data
# Plain HTTP on loopback for the OAuth endpoints (README, OAuth settings): openid-client talks to them directly.
export OrgKeys__OAuth__RequireHttps=false
# Webhooks reach the test receiver on loopback; secret-scanning reports are signed with a P-256 pair made here.
export OrgKeys__Webhooks__AllowPrivateNetworks=true OrgKeys__Webhooks__PollIntervalMs=100
node -e 'const { publicKey: p, privateKey: k } = require("node:crypto").generateKeyPairSync("ec", { namedCurve: "P-256" }); const fs = require("node:fs");
  fs.writeFileSync(process.argv[1], JSON.stringify({ public_keys: [{ key_identifier: "conformance", key: p.export({ type: "spki", format: "pem" }), is_current: true }] }));
  fs.writeFileSync(process.argv[2], k.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });' "$work/github-keys.json" "$work/github-private.pem"
export OrgKeys__SecretScanning__GitHub__KeysUrl=$work/github-keys.json ORGKEYS_GITHUB_PRIVATE_KEY=$work/github-private.pem
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

http_ok() { # 0 when GET $1 answers 200
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$1"
}

server_log=$work/server.log
start_server() {
  local deadline=$((SECONDS + 60))
  port=$(free_port)
  base_url=http://127.0.0.1:$port
  "$bin" serve --urls "$base_url" >"$server_log" 2>&1 </dev/null &
  server_pid=$!
  while ((SECONDS < deadline)); do
    kill -0 "$server_pid" 2>/dev/null || return 1
    if http_ok "$base_url/v1/api-health"; then return 0; fi
    sleep 0.5
  done
  return 1
}

started=0
for attempt in 1 2 3; do
  if start_server; then started=1; break; fi
  echo "conformance: server did not come up (attempt $attempt, port $port); its log:" >&2
  tail -n 40 "$server_log" >&2 || true
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
done
((started)) || exit 1
echo "conformance: server up at $base_url (data in $OrgKeys__DataDirectory)"

password=$(node -e 'console.log(require("node:crypto").randomBytes(24).toString("base64url"))')

create_user() { # create_user USERNAME NAME -> prints its id
  local out id
  out=$("$bin" users create --username "$1" --email "$1@example.com" --name "$2" \
    --password "$password" --json </dev/null) || { echo "conformance: could not create user $1" >&2; return 1; }
  id=$(printf '%s\n' "$out" | tail -n 1 | node -e '
    const line = require("node:fs").readFileSync(0, "utf8").trim();
    const id = JSON.parse(line).id;
    if (!Number.isInteger(id)) { console.error(`no integer id in: ${line}`); process.exit(1); }
    console.log(id);')
  echo "$id"
}

users='{'
for spec in alice:Alice bob:Bob carol:Carol dave:Dave wally:Wally ingrid:Ingrid; do
  username=${spec%%:*} name=${spec#*:}
  id=$(create_user "$username" "$name")
  users+="\"$username\":{\"id\":$id,\"username\":\"$username\",\"email\":\"$username@example.com\",\"name\":\"$name\"},"
done
users="${users%,}}"
echo "conformance: users created: $users"

# A white label for the white label suite, made the way an operator would: its admin organization
# (administered by wally) and the white label itself, both from the CLI.
last_json_field() { # last_json_field FIELD: reads a CLI's --json output, prints FIELD of its last line
  tail -n 1 | node -e '
    const line = require("node:fs").readFileSync(0, "utf8").trim();
    const value = JSON.parse(line)[process.argv[1]];
    if (!Number.isInteger(value)) { console.error(`no integer ${process.argv[1]} in: ${line}`); process.exit(1); }
    console.log(value);' "$1"
}
wl_admin_org=$("$bin" organizations create --name "Conformance white label admins" --admin wally --json </dev/null | last_json_field id)
wl_id=$("$bin" whitelabels create --name "Conformance" --domain conformance.example.com \
  --admin-organization "$wl_admin_org" --json </dev/null | last_json_field id)
whitelabel="{\"id\":$wl_id,\"adminOrganizationId\":$wl_admin_org}"
echo "conformance: white label created: $whitelabel"

# The contract check: Prism in front of the service, validating each response against our own
# document. Requests are not validated (the suites send bad input on purpose), and the copy Prism
# reads has no security requirements, since Prism would otherwise answer 401 itself, never asking us.
node -e '
  fetch(process.argv[1]).then((r) => r.json()).then((doc) => {
    delete doc.security;
    for (const path of Object.values(doc.paths)) for (const op of Object.values(path)) if (op && typeof op === "object") delete op.security;
    require("node:fs").writeFileSync(process.argv[2], JSON.stringify(doc));
  }).catch((e) => { console.error(e); process.exit(1); });' "$base_url/v1/openapi.json" "$work/openapi.json"
prism_port=$(free_port "$port")
prism_url=http://127.0.0.1:$prism_port
prism_log=$work/prism.log
# Without --errors Prism forwards the service's own answer and logs each violation in detail.
"$here/node_modules/.bin/prism" proxy "$work/openapi.json" "$base_url" --validate-request=false \
  -h 127.0.0.1 -p "$prism_port" >"$prism_log" 2>&1 </dev/null &
prism_pid=$!
deadline=$((SECONDS + 60))
until http_ok "$prism_url/v1/api-health"; do
  if ! kill -0 "$prism_pid" 2>/dev/null || ((SECONDS >= deadline)); then
    echo "conformance: the Prism proxy did not come up; its log:" >&2
    tail -n 40 "$prism_log" >&2 || true
    exit 1
  fi
  sleep 0.5
done
echo "conformance: contract check through Prism at $prism_url"

export ORGKEYS_BASE_URL=$prism_url ORGKEYS_UPSTREAM_URL=$base_url ORGKEYS_PASSWORD=$password ORGKEYS_USERS=$users ORGKEYS_WHITELABEL=$whitelabel

# Readable output on stdout; TAP to a file, whose top-level "# pass N" / "# fail N" lines end the output.
rc=0
(cd "$here" && node --test --test-timeout=120000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$work/results.tap" \
  test/*.test.js) || rc=$?

if ((rc != 0)); then
  echo "conformance: tests failed; last lines of the server log:"
  tail -n 30 "$server_log" || true
fi
grep -E '^# (tests|pass|fail|cancelled|skipped|todo) [0-9]+$' "$work/results.tap" || echo "# fail 1"

# Prism logs each response that does not match the document as "Violation: …" (warnings too,
# such as a status the operation does not list), and its own failures as "Request terminated
# with error": any one fails the contract check.
forwarded=$(grep -c 'Received forward response' "$prism_log" || true)
if grep -qE 'Violation|Request terminated with error' "$prism_log"; then
  echo "conformance: contract check failed: responses that do not match /v1/openapi.json:"
  grep -E -B3 'Violation|Request terminated with error' "$prism_log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | head -n 80
  echo "# fail 1"
  exit 1
fi
echo "conformance: contract check passed: $forwarded responses matched /v1/openapi.json"
echo "# pass 1"
exit "$rc"
