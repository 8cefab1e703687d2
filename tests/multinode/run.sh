#!/usr/bin/env bash
# Two OrgKeys nodes on one throwaway PostgreSQL: both migrate the same empty database at once,
# a key created on A works on B, a key revoked on A is refused by B within one second (measured),
# a JWT issued by A is valid on B, and an OAuth token issued on A works on B and stops there at once when
# revoked, its client deleted or its consent withdrawn on A. Uses the Release build. Prints "# pass N" and "# fail N".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

[[ -x $bin ]] || { echo "multinode: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }

work=$(mktemp -d /tmp/orgkeys-multinode.XXXXXX)
export PG_CLUSTER_STATE=$work/pg-cluster.state
pids=()
cleanup() {
  for pid in "${pids[@]}"; do stop_process "$pid"; done
  if [[ -f $PG_CLUSTER_STATE ]]; then bash "$root/tests/pg-cluster.sh" stop 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }

pass=0 fail=0
check() { # check NAME COMMAND...
  local name=$1
  shift
  if "$@"; then pass=$((pass + 1)); echo "ok - $name"; else fail=$((fail + 1)); echo "not ok - $name"; fi
}
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# Every node on one database shares the server secret; each has its own data folder.
export ConnectionStrings__OrgKeys
ConnectionStrings__OrgKeys=$(bash "$root/tests/pg-cluster.sh" start)
export OrgKeys__ServerSecret
OrgKeys__ServerSecret=$(head -c 32 /dev/urandom | base64)
# /metrics is off the public port unless its scrapers are listed (issue 14): this machine scrapes.
export OrgKeys__Metrics__AllowedAddresses__0=127.0.0.1
# The OAuth endpoints on plain HTTP: both nodes listen on loopback only. Nodes behind one balancer share
# one public URL, which is the issuer of their tokens: here two ports, so it is set (else B refuses A's tokens).
export OrgKeys__OAuth__RequireHttps=false OrgKeys__Issuer=http://orgkeys.multinode.test/

start_node() { # start_node NAME [VAR=VALUE...]: sets node_url (not in a subshell, so cleanup knows the pid)
  local port
  port=$(free_port)
  mkdir -p "$work/$1"
  env "${@:2}" OrgKeys__DataDirectory="$work/$1" "$bin" serve --urls "http://127.0.0.1:$port" >"$work/$1.log" 2>&1 </dev/null &
  pids+=($!)
  node_url=http://127.0.0.1:$port
}
wait_up() { # wait_up URL LOG
  for _ in $(seq 1 120); do
    [[ $(status "$1/v1/api-health") == 200 ]] && return 0
    sleep 0.5
  done
  echo "multinode: $1 did not come up; its log:" >&2
  tail -n 30 "$2" >&2
  return 1
}

# Both start at once on an empty database: both run the migrations.
start_node a
a=$node_url
# B logs in JSON, as an operator feeding a log pipeline would ask.
start_node b Logging__Console__FormatterName=json
b=$node_url
both_up() { wait_up "$a" "$work/a.log" && wait_up "$b" "$work/b.log"; }
check "both nodes migrate the same empty database at once and start" both_up
sql() { # sql QUERY: one value from the shared database
  local port
  port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$ConnectionStrings__OrgKeys")
  psql -XAtq -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "$1"
}
migrated_once() {
  [[ $(sql 'SELECT count(*) = count(DISTINCT "MigrationId") AND count(*) > 0 FROM "__EFMigrationsHistory"') == t ]]
}
check "the migrations are recorded once" migrated_once
# The JWT signing key and the secret check, and one generation of OAuth signing and encryption keys.
one_key_set() {
  [[ $(sql "SELECT count(*) FILTER (WHERE \"Purpose\" NOT LIKE 'oauth-%') = 2
    AND count(*) FILTER (WHERE \"Purpose\" LIKE 'oauth-signing:%') = 1
    AND count(*) FILTER (WHERE \"Purpose\" LIKE 'oauth-encryption:%') = 1 FROM \"ServerKeys\"") == t ]]
}
check "one set of shared server keys, whichever node created it" one_key_set
no_crash() { ! grep -E -A5 "^crit:|Unhandled exception" "$work/a.log" "$work/b.log" >&2; }
check "neither node crashed while starting" no_crash

password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
OrgKeys__DataDirectory=$work/a "$bin" users create --username alice --email alice@example.com --name Alice \
  --password "$password" --json </dev/null >/dev/null
org_json=$(OrgKeys__DataDirectory=$work/a "$bin" organizations create --name Acme --admin alice --json </dev/null | tail -n 1)
org=$(jq -r .id <<<"$org_json") admin_key=$(jq -r .apiKey <<<"$org_json")

# A key created on A works on B.
key_json=$(curl -fs -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"shared","role":"member"}' "$a/v1/api/organizations/$org/apikeys")
key_id=$(jq -r .id <<<"$key_json") key=$(jq -r .apiKey <<<"$key_json")
works_on_b() { [[ $(status -H "x-api-key: $key" "$b/v1/auth/check?organization=$org") == 204 ]]; }
check "a key created on A works on B" works_on_b

# A custom key that B has just called unknown works on B as soon as A creates it.
custom=ei_multinode-custom-key-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
unknown_on_b() { [[ $(status -H "x-api-key: $custom" "$b/v1/auth/check") == 401 ]]; }
check "a made-up custom key is refused on B" unknown_on_b
# A refusal goes out in one write with its length (not chunked), and no answer names the server.
refusal_framing() {
  local headers
  headers=$(curl -s -D - -o /dev/null -H "x-api-key: $custom" "$b/v1/auth/check" | tr -d '\r')
  grep -qi '^content-length: [1-9]' <<<"$headers" && ! grep -qi '^transfer-encoding:' <<<"$headers" \
    && ! grep -qi '^server:' <<<"$headers"
}
check "a refusal carries its length rather than chunks, and no Server header" refusal_framing
curl -fs -o /dev/null -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
  -d "{\"name\":\"custom\",\"role\":\"member\",\"apiKey\":\"$custom\"}" "$a/v1/api/organizations/$org/apikeys"
custom_on_b() {
  for _ in $(seq 1 50); do
    [[ $(status -H "x-api-key: $custom" "$b/v1/auth/check") == 204 ]] && return 0
    sleep 0.02
  done
  return 1
}
check "once created on A, it works on B within one second" custom_on_b

# A JWT issued by A is valid on B.
jwt=$(curl -fs -H 'Content-Type: application/json' -d "{\"username\":\"alice\",\"password\":\"$password\"}" "$a/v1/api-login" | jq -r .token)
jwt_on_b() { [[ $(status -H "x-jwt-token: $jwt" "$b/v1/api/user") == 200 ]]; }
check "a JWT issued by A is valid on B" jwt_on_b

# Revoked on A: refused on B within one second, though B has the key cached.
for _ in 1 2 3 4 5; do works_on_b || true; done
revoked_at=$(now_ms)
curl -fs -o /dev/null -X DELETE -H "x-api-key: $admin_key" "$a/v1/api/organizations/$org/apikeys/$key_id"
refused_after=-1
while (($(now_ms) - revoked_at < 5000)); do
  if [[ $(status -H "x-api-key: $key" "$b/v1/auth/check") == 401 ]]; then
    refused_after=$(($(now_ms) - revoked_at))
    break
  fi
  sleep 0.02
done
echo "# revoked on A at t=0 ms; refused by B at t=$refused_after ms"
within_a_second() { ((refused_after >= 0 && refused_after <= 1000)); }
check "a key revoked on A is refused by B within one second ($refused_after ms)" within_a_second

# A key minted by a key: revoking the parent on A stops the child on B within one second, though B has it cached.
parent_json=$(curl -fs -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"parent","role":"admin"}' "$a/v1/api/organizations/$org/apikeys")
parent_id=$(jq -r .id <<<"$parent_json") parent=$(jq -r .apiKey <<<"$parent_json")
child=$(curl -fs -H "x-api-key: $parent" -H 'Content-Type: application/json' \
  -d '{"name":"child","role":"member"}' "$a/v1/api/organizations/$org/apikeys" | jq -r .apiKey)
child_on_b() { [[ $(status -H "x-api-key: $child" "$b/v1/auth/check") == 204 ]]; }
check "a key minted by a key on A works on B" child_on_b
for _ in 1 2 3 4 5; do child_on_b || true; done
revoked_at=$(now_ms)
curl -fs -o /dev/null -X DELETE -H "x-api-key: $admin_key" "$a/v1/api/organizations/$org/apikeys/$parent_id"
child_refused_after=-1
while (($(now_ms) - revoked_at < 5000)); do
  if [[ $(status -H "x-api-key: $child" "$b/v1/auth/check") == 401 ]]; then
    child_refused_after=$(($(now_ms) - revoked_at))
    break
  fi
  sleep 0.02
done
echo "# parent revoked on A at t=0 ms; its child refused by B at t=$child_refused_after ms"
child_within_a_second() { ((child_refused_after >= 0 && child_refused_after <= 1000)); }
check "a revoked parent on A stops its child on B within one second ($child_refused_after ms)" child_within_a_second

# OAuth: a client-credentials token issued on A works on B; revoked on A (the token, then the client), B refuses it at once.
client_json=$(curl -fs -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"robot","redirectUris":[],"scopes":["organizations:read"],"allowedGrantTypes":["client_credentials"]}' \
  "$a/v1/api/organizations/$org/oauth-clients")
client_db_id=$(jq -r .id <<<"$client_json") client_id=$(jq -r .clientId <<<"$client_json") client_secret=$(jq -r .clientSecret <<<"$client_json")
grant_on_a() { # an access token from A's token endpoint
  curl -fs -u "$client_id:$client_secret" -d grant_type=client_credentials -d scope=organizations:read "$a/v1/oauth/token" | jq -r .access_token
}
bearer_status_on_b() { status -H "Authorization: Bearer $1" "$b/v1/api/organizations/$org"; }
refused_on_b_after() { # refused_on_b_after TOKEN START_MS: ms until B answers 401, or -1 after 5 s
  while (($(now_ms) - $2 < 5000)); do
    if [[ $(bearer_status_on_b "$1") == 401 ]]; then echo $(($(now_ms) - $2)); return; fi
    sleep 0.02
  done
  echo -1
}
token=$(grant_on_a)
token_on_b() { [[ $(bearer_status_on_b "$token") == 200 ]]; }
check "a client-credentials token issued on A works on B" token_on_b
for _ in 1 2 3 4 5; do token_on_b || true; done
revoked_at=$(now_ms)
curl -fs -o /dev/null -u "$client_id:$client_secret" -d "token=$token" -d token_type_hint=access_token "$a/v1/oauth/revoke"
answered_at=$(now_ms)
token_refused_after=$(refused_on_b_after "$token" "$revoked_at")
echo "# token revoked on A at t=0 ms (A answered at t=$((answered_at - revoked_at)) ms); refused by B at t=$token_refused_after ms"
token_within_a_second() { ((token_refused_after >= 0 && token_refused_after <= 1000)); }
check "an access token revoked on A is refused by B within one second ($token_refused_after ms)" token_within_a_second
token=$(grant_on_a)
check "a second token issued on A works on B" token_on_b
for _ in 1 2 3 4 5; do token_on_b || true; done
revoked_at=$(now_ms)
curl -fs -o /dev/null -X DELETE -H "x-api-key: $admin_key" "$a/v1/api/organizations/$org/oauth-clients/$client_db_id"
answered_at=$(now_ms)
client_refused_after=$(refused_on_b_after "$token" "$revoked_at")
echo "# client deleted on A at t=0 ms (A answered at t=$((answered_at - revoked_at)) ms); its token refused by B at t=$client_refused_after ms"
client_within_a_second() { ((client_refused_after >= 0 && client_refused_after <= 1000)); }
check "deleting its client on A stops a token on B within one second ($client_refused_after ms)" client_within_a_second

# OAuth consent: alice allows a code-flow client on A's consent page; withdrawing the consent on A stops its token on B.
code_client=$(curl -fs -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"dashboard","redirectUris":["http://127.0.0.1:9/callback"],"scopes":["user:read"],"allowedGrantTypes":["authorization_code"]}' \
  "$a/v1/api/organizations/$org/oauth-clients")
code_id=$(jq -r .clientId <<<"$code_client") code_secret=$(jq -r .clientSecret <<<"$code_client")
verifier=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
challenge=$(printf '%s' "$verifier" | openssl dgst -binary -sha256 | base64 | tr '+/' '-_' | tr -d '=\n')
jar=$work/consent.cookies
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tjwt\t%s\n' "$jwt" >"$jar"
location() { curl -s -o /dev/null -b "$jar" -c "$jar" -w '%{redirect_url}' "$@"; }
consented_token() { # the code flow through A's consent page, by hand: prints an access token
  local consent page authorize antiforgery back code
  consent=$(location "$a/v1/oauth/authorize?response_type=code&client_id=$code_id&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&scope=user%3Aread&state=s&code_challenge=$challenge&code_challenge_method=S256")
  page=$(curl -fs -b "$jar" -c "$jar" "$consent")
  authorize=$(grep -o 'name="authorize" value="[^"]*"' <<<"$page" | sed 's/.*value="//; s/"$//; s/&amp;/\&/g')
  antiforgery=$(grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' <<<"$page" | head -n 1 | sed 's/.*value="//; s/"$//')
  back=$(location --data-urlencode "authorize=$authorize" --data-urlencode "__RequestVerificationToken=$antiforgery" -d decision=allow "$consent")
  code=$(location "$(cd "$root" && node -e 'console.log(new URL(process.argv[1], process.argv[2]).href)' "$back" "$a")" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
  curl -fs -u "$code_id:$code_secret" -d grant_type=authorization_code --data-urlencode "code=$code" \
    -d redirect_uri=http://127.0.0.1:9/callback -d "code_verifier=$verifier" "$a/v1/oauth/token" | jq -r .access_token
}
token=$(consented_token || true)
consent_id=$(curl -fs -H "x-jwt-token: $jwt" "$a/v1/api/user/oauth-consents" | jq -r '.consents[0].id // empty')
user_token_on_b() { [[ -n $consent_id && $(status -H "Authorization: Bearer $token" "$b/v1/api/user") == 200 ]]; }
check "a token alice consented to on A works on B" user_token_on_b
for _ in 1 2 3 4 5; do user_token_on_b || true; done
revoked_at=$(now_ms)
curl -fs -o /dev/null -X DELETE -H "x-jwt-token: $jwt" "$a/v1/api/user/oauth-consents/$consent_id"
consent_refused_after=-1
while (($(now_ms) - revoked_at < 5000)); do
  if [[ $(status -H "Authorization: Bearer $token" "$b/v1/api/user") == 401 ]]; then
    consent_refused_after=$(($(now_ms) - revoked_at))
    break
  fi
  sleep 0.02
done
echo "# consent withdrawn on A at t=0 ms; its token refused by B at t=$consent_refused_after ms"
consent_within_a_second() { ((consent_refused_after >= 0 && consent_refused_after <= 1000)); }
check "withdrawing the consent on A stops its token on B within one second ($consent_refused_after ms)" consent_within_a_second

# A membership change on B reaches A at once too: the channel runs both ways.
removed_org() { curl -fs -o /dev/null -X DELETE -H "x-api-key: $admin_key" "$b/v1/api/organizations/$org"; }
check "the organization is deleted on B" removed_org
stopped_on_a() {
  for _ in $(seq 1 50); do
    [[ $(status -H "x-api-key: $admin_key" "$a/v1/auth/check") == 401 ]] && return 0
    sleep 0.02
  done
  return 1
}
check "its keys stop on A within one second" stopped_on_a

# Issue 17: a key's rate limit and credits hold across both nodes. Each node spends only shares it
# reserved in the database: together they never admit more than the limit, and refuse early by at most
# the shares the other node holds (limit / 20 each, so 5 of 100 here).
limits_json=$(OrgKeys__DataDirectory=$work/a "$bin" organizations create --name Limits --admin alice --json </dev/null | tail -n 1)
limits_org=$(jq -r .id <<<"$limits_json") limits_admin=$(jq -r .apiKey <<<"$limits_json")
add_limited() { # add_limited JSON: the new key's id and secret
  curl -fs -H "x-api-key: $limits_admin" -H 'Content-Type: application/json' -d "$1" \
    "$a/v1/api/organizations/$limits_org/apikeys" | jq -r '"\(.id) \(.apiKey)"'
}
burst_both() { # burst_both KEY FILE: 500 checks on each node at once, 20 at a time each; their status codes into FILE
  local urls_a=() urls_b=() on_a on_b
  for _ in $(seq 1 500); do urls_a+=("$a/v1/auth/check"); urls_b+=("$b/v1/auth/check"); done
  # -o applies to one URL only: the bodies go to /dev/null, the codes to stderr.
  curl -s --no-progress-meter --parallel --parallel-max 20 -w '%{stderr}%{http_code}\n' -H "x-api-key: $1" "${urls_a[@]}" >/dev/null 2>"$2.a" &
  on_a=$!
  curl -s --no-progress-meter --parallel --parallel-max 20 -w '%{stderr}%{http_code}\n' -H "x-api-key: $1" "${urls_b[@]}" >/dev/null 2>"$2.b" &
  on_b=$!
  wait "$on_a" "$on_b" # not the nodes, which run in the background too
  cat "$2.a" "$2.b" >"$2"
}
read -r _ limited_key < <(add_limited '{"name":"limited","role":"member","rateLimits":[{"name":"hourly","limit":100,"windowSeconds":3600}]}')
burst_both "$limited_key" "$work/limited-codes"
limited_admitted=$(grep -c '^204$' "$work/limited-codes" || true)
limited_refused=$(grep -c '^429$' "$work/limited-codes" || true)
within_limit() { ((limited_admitted + limited_refused == 1000 && limited_admitted <= 100 && limited_admitted >= 90)); }
check "1,000 checks on two nodes against a limit of 100: $limited_admitted admitted (90 to 100), $limited_refused refused with 429 ($(sort "$work/limited-codes" | uniq -c | tr -s ' \n' ' '))" within_limit

read -r credits_id credits_key < <(add_limited '{"name":"metered","role":"member","credits":{"remaining":300}}')
burst_both "$credits_key" "$work/credit-codes"
credits_admitted=$(grep -c '^204$' "$work/credit-codes" || true)
never_over() { ((credits_admitted <= 300)); }
check "1,000 checks on two nodes against 300 credits: $credits_admitted admitted, never more than 300" never_over
sleep 3 # each node gives back what it holds once the key has been idle for 2 s
credits_left=$(sql "SELECT \"CreditsRemaining\" FROM \"ApiKeys\" WHERE \"Id\" = $credits_id")
all_accounted() { ((credits_admitted + credits_left == 300)); }
check "once idle, every credit is accounted for: $credits_admitted spent + $credits_left left = 300" all_accounted

# Observability: Prometheus metrics for this machine only, JSON logs on request.
scrape_a() { curl -fs "$a/metrics" >"$work/a.metrics"; }
counted_on_a() {
  scrape_a && grep -E '^orgkeys_authentications_total\{[^}]*scheme="x-api-key"' "$work/a.metrics" >/dev/null \
    && grep -E '^http_server_request_duration_seconds_count\{' "$work/a.metrics" >/dev/null
}
check "A's /metrics counts the key checks and requests it served" counted_on_a
proxied_metrics() { [[ $(status -H "X-Forwarded-For: 203.0.113.7" "$a/metrics") == 404 ]]; }
check "/metrics through a proxy (X-Forwarded-For) is a 404" proxied_metrics
json_logs() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(l => l.trim());
    if (lines.length === 0) { console.error("no log lines"); process.exit(1); }
    for (const l of lines) { const e = JSON.parse(l); if (!e.Timestamp && !e.LogLevel) { console.error("not a log entry: " + l); process.exit(1); } }
  ' "$work/b.log"
}
check "node B, started with Logging__Console__FormatterName=json, logs one JSON object per line" json_logs

echo "# pass $pass"
echo "# fail $fail"
((fail == 0))
