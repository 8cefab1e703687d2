# Shared by bench/run.sh and bench/profile.sh (sourced, not run): checks the tools, builds Release
# unless BENCH_NO_BUILD=1, makes the work folder and removes it (and any server or PostgreSQL) on exit.
# Sets here, root and bin, and the wrk settings every script shares (BENCH_ROUNDS: how many interleaved
# rounds of each row, 3 unless set; 1 for a quick check that the script runs).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
duration=${BENCH_DURATION:-10}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-50}
rounds=${BENCH_ROUNDS:-3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# One command on a fresh machine: missing tools are installed, as the test scripts install theirs.
source "$root/tests/lib.sh"
ensure_commands wrk curl jq sqlite3 node:nodejs || die "could not install the benchmark's tools"

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  log "building Release"
  (cd "$root" && dotnet build OrgKeys.slnx -c Release -nologo -v quiet >/dev/null) || die "build failed"
fi
[[ -x $bin ]] || die "$bin not found"

work=$(mktemp -d /tmp/orgkeys-bench.XXXXXX)
export PG_CLUSTER_STATE=$work/pg-cluster.state
server_pid=
stop_server() {
  if [[ -n $server_pid ]]; then stop_process "$server_pid"; fi
  server_pid=
}
cleanup() {
  stop_server
  if [[ -f $PG_CLUSTER_STATE ]]; then bash "$root/tests/pg-cluster.sh" stop 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() { # start_server DATA_DIR [VAR=value ...]: sets base_url and server_pid
  local data=$1 port
  shift
  port=$(free_port)
  base_url=http://127.0.0.1:$port
  env OrgKeys__DataDirectory="$data" "$@" "$bin" serve --urls "$base_url" >"$data.server.log" 2>&1 </dev/null &
  server_pid=$!
  for _ in $(seq 1 120); do
    kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$data.server.log" >&2; die "server exited"; }
    curl -fs "$base_url/v1/api-health" >/dev/null && return 0
    sleep 0.5
  done
  die "server did not come up"
}

setup_tenant() { # setup_tenant DATA_DIR [VAR=value ...]: sets org, admin_key, jwt
  local data=$1 password out
  shift
  password=$(node -e 'console.log(require("node:crypto").randomBytes(24).toString("base64url"))')
  env OrgKeys__DataDirectory="$data" "$@" "$bin" users create --username bench --email bench@example.com \
    --name Bench --password "$password" --json </dev/null >/dev/null
  out=$(env OrgKeys__DataDirectory="$data" "$@" "$bin" organizations create --name Bench --admin bench --json </dev/null | tail -n 1)
  org=$(jq -r .id <<<"$out")
  admin_key=$(jq -r .apiKey <<<"$out")
  jwt=$(curl -fs -H 'Content-Type: application/json' -d "{\"username\":\"bench\",\"password\":\"$password\"}" \
    "$base_url/v1/api-login" | jq -r .token)
  [[ $org =~ ^[0-9]+$ && $admin_key == ei_* && -n $jwt ]] || die "could not set up the tenant"
}

oauth_token() { # oauth_token: sets bearer, a client-credentials access token acting as the tenant's organization, and oauth_basic, its client's Basic credentials
  local out
  out=$(curl -fs -H "x-api-key: $admin_key" -H 'Content-Type: application/json' \
    -d '{"name":"bench","redirectUris":[],"scopes":["organizations:read"],"allowedGrantTypes":["client_credentials"]}' \
    "$base_url/v1/api/organizations/$org/oauth-clients")
  oauth_basic=$(printf '%s:%s' "$(jq -r .clientId <<<"$out")" "$(jq -r .clientSecret <<<"$out")" | base64 -w0)
  bearer=$(curl -fs -H "Authorization: Basic $oauth_basic" -d grant_type=client_credentials \
    -d scope=organizations:read "$base_url/v1/oauth/token" | jq -r .access_token)
  [[ -n $bearer && $bearer != null ]] || die "could not get an OAuth access token"
}

limited_keys() { # limited_keys: sets limited_key (two rate limits it never reaches, and credits) and refused_key (over its limit after one request)
  add_bench_key() {
    curl -fs -H "x-api-key: $admin_key" -H 'Content-Type: application/json' -d "$1" \
      "$base_url/v1/api/organizations/$org/apikeys" | jq -r .apiKey
  }
  limited_key=$(add_bench_key '{"name":"bench-limited","role":"admin","credits":{"remaining":1000000000000},
    "rateLimits":[{"name":"second","limit":1000000,"windowSeconds":1},{"name":"ten-seconds","limit":1000000,"windowSeconds":10}]}')
  refused_key=$(add_bench_key '{"name":"bench-refused","role":"admin","rateLimits":[{"name":"daily","limit":1,"windowSeconds":86400}]}')
  [[ $limited_key == ei_* && $refused_key == ei_* ]] || die "could not create the keys with limits"
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $refused_key" "$base_url/v1/auth/check") == 204 ]] || die "the refused key's first check failed"
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $refused_key" "$base_url/v1/auth/check") == 429 ]] || die "the refused key is not refused"
}

write_made_up_keys() { # write_made_up_keys FILE: 1,000 well-formed keys (valid checksum) that no one holds
  node -e '
    const { crc32 } = require("node:zlib"), { randomBytes } = require("node:crypto");
    for (let i = 0; i < 1000; i++) {
      const body = "ei_" + randomBytes(28).toString("hex");
      console.log(body + crc32(body).toString(16).padStart(8, "0"));
    }' >"$1"
}

rss_mib() { # rss_mib PID: "VmRSS VmHWM" of the process, in MiB
  awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } END { printf "%.0f %.0f\n", rss / 1024, hwm / 1024 }' "/proc/$1/status"
}

api_key_lookups() { # api_key_lookups: "hits misses" of the API key cache since start, from /metrics
  curl -fs "$base_url/metrics" | awk '/^orgkeys_auth_cache_lookups_total\{.*cache="api_keys"/ {
    if ($0 ~ /result="hit"/) h = $NF; else if ($0 ~ /result="miss"/) m = $NF } END { printf "%d %d\n", h, m }'
}

cached_keys_memory() { # cached_keys_memory DATA_DIR COUNT: the server's memory with COUNT known keys in its cache (sets mem_*)
  local data=$1 count=$2 keys=$work/known-keys.txt sample before after started
  started=$SECONDS
  log "storing $count keys whose plaintext the benchmark holds (bench/known-keys.mjs)"
  node "$here/known-keys.mjs" "$data/server-secret" "$keys" "$count" "$org" | sqlite3 "$data/orgkeys.db" >/dev/null
  mem_insert_seconds=$((SECONDS - started))
  # The cache's defaults (100,000 entries, each for a minute) could never hold them all: raised for
  # this server only, and /metrics opened to loopback to count its lookups.
  start_server "$data" OrgKeys__AuthCache__Capacity=$((count + 100000)) OrgKeys__AuthCache__Lifetime=02:00:00 \
    OrgKeys__Metrics__AllowedAddresses__0=127.0.0.1
  for sample in 1 $(((count + 1) / 2)) "$count"; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $(sed -n "${sample}p" "$keys")" "$base_url/v1/auth/check") == 204 ]] ||
      die "known key $sample of $count was not accepted: its stored hash is wrong"
  done
  wrk -t"$threads" -c"$connections" -d5s -H "x-api-key: $admin_key" "$base_url/v1/auth/check" >/dev/null
  wrk -t"$threads" -c"$connections" -d5s -H "x-api-key: $admin_key" "$base_url/v1/api/organizations/$org" >/dev/null
  sleep 2
  read -r mem_before_rss mem_before_hwm < <(rss_mib "$server_pid")
  log "filling the cache: each of $count keys sent once"
  mem_fill=$(node "$here/known-keys-send.mjs" "$base_url" "$keys" 16)
  read -r mem_fill_rss mem_fill_hwm < <(rss_mib "$server_pid")
  # The check: 10,000 keys spread over the whole list (the first ones sent are the first an expiry or a
  # full cache would drop) sent again; every one must come from the cache (hits, no misses).
  awk -v step=$(((count + 9999) / 10000)) 'NR % step == 1 || step == 1' "$keys" >"$work/known-keys-sample.txt"
  mem_check_keys=$(wc -l <"$work/known-keys-sample.txt")
  read -r -a before < <(api_key_lookups)
  mem_check=$(node "$here/known-keys-send.mjs" "$base_url" "$work/known-keys-sample.txt" 16)
  read -r -a after < <(api_key_lookups)
  mem_check_hits=$((after[0] - before[0]))
  mem_check_misses=$((after[1] - before[1]))
  read -r mem_check_rss mem_check_hwm < <(rss_mib "$server_pid")
  mem_seconds=$((SECONDS - started))
  stop_server
}
