#!/usr/bin/env bash
# Regenerates the web console screenshots in docs/screenshots/ (PNG, 1280x800). Not part of ./test.sh.
# Starts the Release build on a free loopback port with a throwaway data folder, seeds it as a user would
# (the operator CLI and the API: an admin, an organization with keys and members, a white label with inner
# organizations), then drives Debian's Chromium with puppeteer-core (tests/lighthouse's node_modules) through
# the pages. Every key shown on a page is revoked before the end, and the data folder (with its server
# secret) is deleted, so no picture holds a secret that works anywhere.
# Usage: dotnet build OrgKeys.slnx -c Release && docs/screenshots/take.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
modules=$root/tests/lighthouse
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

[[ -x $bin ]] || { echo "screenshots: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }
ensure_commands chromium:chromium jq:jq curl:curl || { echo "screenshots: could not install chromium, jq or curl" >&2; exit 1; }
if [[ ! -d $modules/node_modules/puppeteer-core ]]; then
  (cd "$modules" && npm ci --no-audit --no-fund --loglevel=error) || { echo "screenshots: npm ci in $modules failed" >&2; exit 1; }
fi

work=$(mktemp -d /tmp/orgkeys-screenshots.XXXXXX)
server_pid=
cleanup() {
  stop_process "${server_pid:-0}"
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export OrgKeys__DataDirectory=$work/data
base=http://127.0.0.1:$(free_port)
start_orgkeys "$bin" "$base" "$work/orgkeys.log" || exit 1

cli() { "$bin" "$@" --json </dev/null | tail -n 1; }
api() { # api METHOD PATH [JSON] with the organization's admin key
  curl -fsS -X "$1" -H "x-api-key: $admin_key" -H 'Content-Type: application/json' ${3:+-d "$3"} "$base/v1/api$2"
}

# --- people and the organization --------------------------------------------------------------------
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
for who in "alice:Alice Martin" "bob:Bob Chen" "carol:Carol Diaz" "dave:Dave Okafor"; do
  cli users create --username "${who%%:*}" --email "${who%%:*}@example.com" --name "${who#*:}" --password "$password" >/dev/null
done
org_json=$(cli organizations create --name "Acme Robotics" --admin alice)
org=$(jq -r .id <<<"$org_json") admin_key=$(jq -r .apiKey <<<"$org_json")

# --- keys: a few live ones, one used (so "last used" has an address), one revoked ---------------------
for key in '{"name":"Build server","role":"member"}' '{"name":"Grafana dashboard","role":"member","ttl":7776000}' \
           '{"name":"Deploy pipeline","role":"admin","ttl":2592000}' '{"name":"Old laptop","role":"member"}'; do
  api POST "/organizations/$org/apikeys" "$key" >"$work/key.json"
  name=$(jq -r .name <<<"$key")
  secret=$(jq -r .apiKey "$work/key.json")
  [[ $name == "Build server" ]] && curl -fsS -o /dev/null -H "x-api-key: $secret" "$base/v1/api/organizations/$org"
  if [[ $name == "Old laptop" ]]; then
    api DELETE "/organizations/$org/apikeys/$(jq -r .id "$work/key.json")" >/dev/null
  fi
done

# --- members: bob joins as a member, carol as an admin; dave's invitation is still pending -------------
api POST "/organizations/$org/members/add" '{"usernameOrEmail":"bob","role":"member"}' >/dev/null
api POST "/organizations/$org/members/add" '{"usernameOrEmail":"carol@example.com","role":"admin"}' >/dev/null
api POST "/organizations/$org/members/add" '{"usernameOrEmail":"dave","role":"member"}' >/dev/null
for user in bob carol; do
  token=$(jq -n --arg u "$user" --arg p "$password" '{username: $u, password: $p}' \
    | curl -fsS -H 'Content-Type: application/json' -d @- "$base/v1/api-login" | jq -r .token)
  curl -fsS -o /dev/null -X POST -H "x-jwt-token: $token" "$base/v1/api/user/invitations/$org/accept"
done

# --- a white label administered by Acme Robotics, with three inner organizations ----------------------
cli whitelabels create --name "Acme Cloud" --domain acme.example.com --admin-organization "$org" >/dev/null
inner=
for name in "Northwind Traders" "Contoso Labs" "Fabrikam Sensors"; do
  id=$(api POST "/organizations/$org/whitelabel/organizations" "$(jq -n --arg n "$name" '{organizationName: $n}')" | jq -r .id)
  inner=${inner:-$id}
done

# --- the pictures: alice signs in through the sign-in page --------------------------------------------
(umask 077 && printf '%s' "$password" >"$work/password")
nice -n 10 env NODE_PATH="$modules/node_modules" SHOWN_FILE="$work/shown" node "$here/take.cjs" "$base" "$org" "$inner" "$work/password" "$here"

# Every secret a picture shows was revoked in the console: each must now be refused.
while read -r secret; do
  [[ -n $secret ]] || continue
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $secret" "$base/v1/api/organizations/$org")
  [[ $status == 401 ]] || { echo "screenshots: a key shown in a picture answers $status, not 401" >&2; exit 1; }
done <"$work/shown"
echo "screenshots: the $(grep -c . "$work/shown") keys shown in the pictures are refused (401)"
ls -l "$here"/*.png | awk '{print $5, $9}'
