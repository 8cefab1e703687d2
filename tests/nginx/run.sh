#!/usr/bin/env bash
# nginx in front of a service, with auth_request asking OrgKeys' /v1/auth/check on every request:
# a valid key passes (and the service sees who it is), while a missing, revoked, expired, made-up
# or other organization's key is stopped. Uses the Release build (dotnet build OrgKeys.slnx -c Release)
# and Debian's nginx (installed when missing). Prints "# pass N" and "# fail N"; exit 1 on any failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

[[ -x $bin ]] || { echo "nginx: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }
ensure_commands nginx || { echo "nginx: could not install nginx" >&2; exit 1; }

work=$(mktemp -d /tmp/orgkeys-nginx.XXXXXX)
chmod 755 "$work"
server_pid= nginx_pid=
cleanup() {
  for pid in $nginx_pid $server_pid; do stop_process "$pid"; done
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_http() { # wait_http URL PID LOG
  for _ in $(seq 1 120); do
    kill -0 "$2" 2>/dev/null || { tail -n 30 "$3" >&2; return 1; }
    curl -s -o /dev/null "$1" && return 0
    sleep 0.5
  done
  return 1
}

# --- OrgKeys, with two organizations --------------------------------------------------------------
export OrgKeys__DataDirectory=$work/data
# nginx is the one trusted proxy; the host's own switch is on too, and must not make every peer trusted.
export OrgKeys__ForwardedHeaders__KnownProxies__0=127.0.0.1 ASPNETCORE_FORWARDEDHEADERS_ENABLED=true
orgkeys_port=$(free_port)
orgkeys=http://127.0.0.1:$orgkeys_port
"$bin" serve --urls "$orgkeys" >"$work/orgkeys.log" 2>&1 </dev/null &
server_pid=$!
wait_http "$orgkeys/v1/api-health" "$server_pid" "$work/orgkeys.log" || { echo "nginx: OrgKeys did not start" >&2; exit 1; }

password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
for user in alice bob; do
  "$bin" users create --username "$user" --email "$user@example.com" --name "$user" --password "$password" --json </dev/null >/dev/null
done
org_json=$("$bin" organizations create --name Acme --admin alice --json </dev/null | tail -n 1)
org=$(jq -r .id <<<"$org_json") admin_key=$(jq -r .apiKey <<<"$org_json")
other_key=$("$bin" organizations create --name Other --admin bob --json </dev/null | tail -n 1 | jq -r .apiKey)

add_key() { # add_key JSON -> "ID KEY"
  curl -fs -H "x-api-key: $admin_key" -H 'Content-Type: application/json' -d "$1" \
    "$orgkeys/v1/api/organizations/$org/apikeys" | jq -r '"\(.id) \(.apiKey)"'
}
read -r _ member_key < <(add_key '{"name":"member","role":"member"}')
read -r revoked_id revoked_key < <(add_key '{"name":"revoked","role":"member"}')
read -r _ expiring_key < <(add_key '{"name":"expiring","role":"member","ttl":1}')

# --- nginx: a front with auth_request, and a tiny upstream that echoes who nginx says is calling ---
front_port=$(free_port)
upstream_port=$(free_port)
mkdir -p "$work/nginx"
user_line=""
[[ $(id -u) == 0 ]] && user_line="user root;"
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;

  upstream orgkeys { server 127.0.0.1:$orgkeys_port; keepalive 16; }

  server {
    listen 127.0.0.1:$front_port;

    location / {
      auth_request /_orgkeys;
      auth_request_set \$orgkeys_subject \$upstream_http_x_orgkeys_subject;
      auth_request_set \$orgkeys_role \$upstream_http_x_orgkeys_role;
      # auth_request passes on 401 and 403 only; any other answer (a key's 429) becomes a 500, so the
      # check's status and rate limit fields are kept and @orgkeys_refused answers with them.
      auth_request_set \$orgkeys_status \$upstream_status;
      auth_request_set \$orgkeys_retry_after \$upstream_http_retry_after;
      auth_request_set \$orgkeys_ratelimit_policy \$upstream_http_ratelimit_policy;
      auth_request_set \$orgkeys_ratelimit \$upstream_http_ratelimit;
      error_page 500 = @orgkeys_refused;
      proxy_set_header X-OrgKeys-Subject \$orgkeys_subject;
      proxy_set_header X-OrgKeys-Role \$orgkeys_role;
      proxy_pass http://127.0.0.1:$upstream_port;
    }

    location @orgkeys_refused {
      default_type application/json;
      add_header Retry-After \$orgkeys_retry_after always;
      add_header RateLimit-Policy \$orgkeys_ratelimit_policy always;
      add_header RateLimit \$orgkeys_ratelimit always;
      if (\$orgkeys_status = 429) {
        return 429 '{"success":false,"error":"Too many requests for this API key."}';
      }
      return 500;
    }

    # The API itself, through nginx: the client's address goes in X-Forwarded-For.
    location /v1/ {
      proxy_pass http://orgkeys;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }

    location = /_orgkeys {
      internal;
      proxy_pass http://orgkeys/v1/auth/check?organization=$org&role=member;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }

  server {
    listen 127.0.0.1:$upstream_port;
    location / { return 200 "service: \$http_x_orgkeys_subject \$http_x_orgkeys_role\n"; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g 'daemon off;' </dev/null >"$work/nginx/stdout.log" 2>&1 &
nginx_pid=$!
wait_http "http://127.0.0.1:$front_port/" "$nginx_pid" "$work/nginx/stdout.log" || { echo "nginx: nginx did not start" >&2; exit 1; }

# --- the checks -----------------------------------------------------------------------------------
pass=0 fail=0
expect() { # expect NAME STATUS [curl args...]
  local name=$1 want=$2 got
  shift 2
  got=$(curl -s -o "$work/body" -w '%{http_code}' "$@" "http://127.0.0.1:$front_port/anything")
  if [[ $got == "$want" ]]; then
    pass=$((pass + 1)); echo "ok - $name ($got)"
  else
    fail=$((fail + 1)); echo "not ok - $name: expected $want, got $got: $(head -c 200 "$work/body")"
  fi
}

expect "valid member key passes" 200 -H "x-api-key: $member_key"
if grep -q "service: apikey:[0-9]* member" "$work/body"; then
  pass=$((pass + 1)); echo "ok - the service is told who calls"
else
  fail=$((fail + 1)); echo "not ok - the service is told who calls: $(cat "$work/body")"
fi
expect "admin key passes" 200 -H "x-api-key: $admin_key"
expect "no credential is stopped" 401
expect "made-up key is stopped" 401 -H "x-api-key: ei_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
expect "other organization's key is stopped" 403 -H "x-api-key: $other_key"
expect "Bearer token is stopped" 401 -H "Authorization: Bearer not-an-orgkeys-token"

curl -fs -o /dev/null -X DELETE -H "x-api-key: $admin_key" "$orgkeys/v1/api/organizations/$org/apikeys/$revoked_id"
expect "revoked key is stopped" 401 -H "x-api-key: $revoked_key"
sleep 2
expect "expired key (ttl 1 s, 2 s later) is stopped" 401 -H "x-api-key: $expiring_key"

# --- trusted proxies: the audit log and lastUsed name the real client, never a forged address -----
# Each client binds its own loopback address (127.0.0.0/8 is all loopback), so nginx's peer (127.0.0.1) differs from it.
record() { # record NAME CONDITION...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "ok - $name"; else fail=$((fail + 1)); echo "not ok - $name"; fi
}
mint_from() { # mint_from CLIENT_ADDRESS URL [curl args...]: mints a key, as the admin, from CLIENT_ADDRESS
  local from=$1 url=$2; shift 2
  curl -fs -o /dev/null --interface "$from" -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
    -d '{"name":"proxied","role":"member"}' "$@" "$url/v1/api/organizations/$org/apikeys"
}
audited() { # audited ADDRESS: some audit entry was recorded from ADDRESS
  curl -fs -H "x-api-key: $admin_key" "$orgkeys/v1/api/organizations/$org/audit?limit=100" \
    | jq -e --arg a "$1" '[.entries[] | select(.address == $a)] | length > 0' >/dev/null
}
front=http://127.0.0.1:$front_port
mint_from 127.0.0.7 "$front"
record "through nginx, the audit log records the client's address (X-Forwarded-For from a known proxy)" audited 127.0.0.7
mint_from 127.0.0.8 "$front" -H 'X-Forwarded-For: 203.0.113.7'
record "a client's forged X-Forwarded-For through nginx is not believed" eval 'audited 127.0.0.8 && ! audited 203.0.113.7'
mint_from 127.0.0.9 "$orgkeys" -H 'X-Forwarded-For: 203.0.113.8'
record "a direct caller's X-Forwarded-For is ignored (not a known proxy, FORWARDEDHEADERS_ENABLED or not)" eval 'audited 127.0.0.9 && ! audited 203.0.113.8'
curl -fs -o /dev/null --interface 127.0.0.6 -H "x-api-key: $member_key" "$front/v1/api/organizations/$org"
last_used() {
  curl -fs -H "x-api-key: $admin_key" "$orgkeys/v1/api/organizations/$org/apikeys" \
    | jq -e '[.apiKeys[] | select(.name == "member") | .lastUsed.ipAddress] == ["127.0.0.6"]' >/dev/null
}
record "lastUsed of a key used through nginx is the client's address" last_used

# --- issue 14, as a new user would try it behind this nginx ---------------------------------------
# A flood of made-up keys from one client (127.0.0.20) goes over the flood guard's limit (100 refusals in
# 10 s); another client's valid key keeps working, from the same address and from another one.
flood_url="$front/anything"
flood_urls=()
for _ in $(seq 1 150); do flood_urls+=("$flood_url"); done
curl -s --interface 127.0.0.20 -w '%{stderr}%{http_code}\n' -H "x-api-key: ei_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  "${flood_urls[@]}" >/dev/null 2>"$work/flood-codes"
refused_by_guard() { [[ $(tail -n 1 "$work/flood-codes") != 401 && $(grep -c '^401$' "$work/flood-codes") -ge 100 ]]; }
record "a flood of 150 made-up keys from one client is cut off after its 100 refusals ($(sort "$work/flood-codes" | uniq -c | tr -s ' \n' ' '))" refused_by_guard
status_from() { curl -s -o /dev/null -w '%{http_code}' --interface "$1" -H "x-api-key: $2" "$flood_url"; }
record "meanwhile a valid key from the flooding address still passes" eval '[[ $(status_from 127.0.0.20 "$member_key") == 200 ]]'
record "and a valid key from another client passes" eval '[[ $(status_from 127.0.0.21 "$member_key") == 200 ]]'
record "and another client's made-up key is refused as made-up (401), not throttled" \
  eval '[[ $(status_from 127.0.0.21 "ei_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n")") == 401 ]]'

# A key minted by a key is refused at once when its parent is revoked.
read -r parent_id parent_key < <(add_key '{"name":"parent","role":"admin"}')
child_key=$(curl -fs -H "x-api-key: $parent_key" -H 'Content-Type: application/json' -d '{"name":"child","role":"member"}' \
  "$orgkeys/v1/api/organizations/$org/apikeys" | jq -r .apiKey)
expect "a key minted by a key passes" 200 -H "x-api-key: $child_key"
curl -fs -o /dev/null -X DELETE -H "x-api-key: $admin_key" "$orgkeys/v1/api/organizations/$org/apikeys/$parent_id"
expect "once its parent is revoked, the minted key is stopped at once" 401 -H "x-api-key: $child_key"

# --- issue 17: a key limited to 10 requests per second is refused at the 11th, through nginx -------
read -r _ limited_key < <(add_key '{"name":"limited","role":"member","rateLimits":[{"name":"per-second","limit":10,"windowSeconds":1}]}')
limited_urls=()
for _ in $(seq 1 11); do limited_urls+=("$front/anything"); done
sleep 1 # start in a window of its own
curl -s -D "$work/limited-headers" -w '%{stderr}%{http_code}\n' -H "x-api-key: $limited_key" "${limited_urls[@]}" 2>"$work/limited-codes" >/dev/null
limited_codes=$(tr '\n' ' ' <"$work/limited-codes")
record "a key limited to 10/s: 10 requests pass and the 11th gets 429 ($limited_codes)" \
  eval '[[ $(head -n 10 "$work/limited-codes" | grep -c "^200$") == 10 && $(tail -n 1 "$work/limited-codes") == 429 ]]'
last_headers() { tr -d '\r' <"$work/limited-headers" | awk '/^HTTP\//{block=""} {block = block $0 "\n"} END {printf "%s", block}'; }
record "the 429 carries Retry-After and the RateLimit fields ($(last_headers | grep -iE '^(retry-after|ratelimit)' | tr '\n' ' '))" \
  eval 'last_headers | grep -qiE "^retry-after: [0-9]+$" && last_headers | grep -qiE "^ratelimit-policy: \"per-second\";q=10;w=1$" && last_headers | grep -qiE "^ratelimit: \"per-second\";r=0;t=[0-9]+$"'
sleep 2
expect "two seconds later the limited key passes again" 200 -H "x-api-key: $limited_key"

# --- a framework 413 says what is wrong -----------------------------------------------------------
big=$(head -c 70000 /dev/zero | tr '\0' a)
too_large() {
  local got
  got=$(curl -s -o "$work/body" -w '%{http_code}' -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
    --data-binary "{\"name\":\"$big\",\"role\":\"member\"}" "$orgkeys/v1/api/organizations/$org/apikeys")
  [[ $got == 413 ]] && jq -e '.success == false and .error == "The request body is larger than 64 KiB."' "$work/body" >/dev/null
}
record "a body over 64 KiB gets 413 with a sentence a person can act on" too_large

echo "# pass $pass"
echo "# fail $fail"
((fail == 0))
