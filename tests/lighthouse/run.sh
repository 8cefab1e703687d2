#!/usr/bin/env bash
# Lighthouse accessibility audits of the web console's main pages (npm lighthouse 12.2.3; 13 needs a newer
# Node) with Debian's Chromium: each page must score 1.0. Lighthouse's exit code does not fail on a low
# score, so the score is read from its JSON report. Starts the Release build on a free port with a fresh
# data folder and an organization seeded through the API and the operator CLI; the signed-in pages get the
# session cookie in the browser's cookie jar from a file (never in a URL). One Chromium, one Node process. Prints "ok -"/"not ok -" lines, "# pass N" and "# fail N"; exit 1 on any failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

[[ -x $bin ]] || { echo "lighthouse: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }
ensure_commands chromium:chromium jq:jq curl:curl || { echo "lighthouse: could not install chromium, jq or curl" >&2; exit 1; }
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

work=$(mktemp -d /tmp/orgkeys-lighthouse.XXXXXX)
server_pid= chrome_pid=
cleanup() {
  for pid in $chrome_pid $server_pid; do stop_process "$pid"; done
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# npm ci only when the lock file changed since the last install (it removes node_modules first: slow).
lock_hash=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [[ $(cat "$here/node_modules/.orgkeys-lock-hash" 2>/dev/null) != "$lock_hash" ]]; then
  echo "lighthouse: npm ci"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1) || { cat "$work/npm.log" >&2; exit 1; }
  echo "$lock_hash" >"$here/node_modules/.orgkeys-lock-hash"
fi

# --- OrgKeys, with one organization that has a key and a second member -----------------------------
export OrgKeys__DataDirectory=$work/data
base=http://127.0.0.1:$(free_port)
start_orgkeys "$bin" "$base" "$work/orgkeys.log" || exit 1

password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
for user in alice bob; do
  "$bin" users create --username "$user" --email "$user@example.com" --name "${user^} Example" --password "$password" --json </dev/null >/dev/null
done
org_json=$("$bin" organizations create --name "Acme Robotics" --admin alice --json </dev/null | tail -n 1)
org=$(jq -r .id <<<"$org_json") admin_key=$(jq -r .apiKey <<<"$org_json")
curl -fs -o /dev/null -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"Build server","role":"member"}' "$base/v1/api/organizations/$org/apikeys"
curl -fs -o /dev/null -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
  -d '{"usernameOrEmail":"bob","role":"member"}' "$base/v1/api/organizations/$org/members/add"
token=$(jq -n --arg u alice --arg p "$password" '{username: $u, password: $p}' \
  | curl -fs -H 'Content-Type: application/json' -d @- "$base/v1/api-login" | jq -r .token)
[[ -n $token && $token != null ]] || { echo "lighthouse: could not sign in through the API" >&2; exit 1; }
(umask 077 && printf '%s' "$token" >"$work/session")

# --- one Chromium for every audit, on its own loopback debugging port and throwaway profile ----------
chrome_port=$(free_port)
nice -n 10 "$CHROME_PATH" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --no-default-browser-check \
  --remote-debugging-address=127.0.0.1 --remote-debugging-port="$chrome_port" --user-data-dir="$work/chrome" about:blank \
  >"$work/chrome.log" 2>&1 </dev/null &
chrome_pid=$!
for _ in $(seq 1 60); do
  kill -0 "$chrome_pid" 2>/dev/null || { tail -n 30 "$work/chrome.log" >&2; exit 1; }
  curl -s -o /dev/null "http://127.0.0.1:$chrome_port/json/version" && break
  sleep 0.5
done

# --- the audits: the sign-in page signed out, the rest signed in as alice (an admin of Acme) -------
declare -A names=(
  [/signin]="sign-in page" [/account]="my account" ["/organizations/$org"]="organization overview"
  ["/organizations/$org/keys"]="API keys" ["/organizations/$org/keys/new"]="new API key" ["/organizations/$org/members"]="members"
  ["/organizations/$org/oauth-clients"]="OAuth clients"
)
nice -n 10 node "$here/audit.mjs" "$base" "$chrome_port" /signin "@$work/session" /account "/organizations/$org" \
  "/organizations/$org/keys" "/organizations/$org/keys/new" "/organizations/$org/members" \
  "/organizations/$org/oauth-clients" >"$work/results.jsonl" 2>"$work/audit.log" || true

pass=0 fail=0
for path in /signin /account "/organizations/$org" "/organizations/$org/keys" "/organizations/$org/keys/new" "/organizations/$org/members" \
  "/organizations/$org/oauth-clients"; do
  name=${names[$path]}
  result=$(jq -c --arg p "$path" 'select(.path == $p)' "$work/results.jsonl" 2>/dev/null || true)
  if [[ -z $result ]]; then
    fail=$((fail + 1)); echo "not ok - $name: no Lighthouse result: $(tail -n 5 "$work/audit.log" | tr '\n' ' ')"
  elif [[ $(jq -r .finalUrl <<<"$result") != "$base$path" ]]; then
    # A signed-in page that redirected to /signin would score the sign-in page instead.
    fail=$((fail + 1)); echo "not ok - $name: audited $(jq -r .finalUrl <<<"$result") instead of $base$path"
  elif [[ $(jq -r .score <<<"$result") == 1 ]]; then
    pass=$((pass + 1)); echo "ok - $name: accessibility 1 ($(jq -r .ms <<<"$result") ms)"
  else
    fail=$((fail + 1)); echo "not ok - $name: accessibility $(jq -r '"\(.score), failed: \(.failed | join(", ")) \(.error // "")"' <<<"$result")"
  fi
done

echo "# pass $pass"
echo "# fail $fail"
((fail == 0))
