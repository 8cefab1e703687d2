#!/usr/bin/env bash
# Rotating the server secret on two nodes that share one throwaway PostgreSQL, by the README's
# several-node procedure, while a request loop per node presents keys made before the rotation (and
# a session) the whole time: no request fails; `secret status` counts down as keys are used; every
# key made before (or made during it by a node not yet restarted) works after; and once the old
# secret is retired a node configured with only that secret refuses to start, saying why.
# A node being restarted is taken out of the loop first, as a load balancer would (by readiness).
# Uses the Release build. Prints "# pass N" and "# fail N".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[[ -x $bin ]] || { echo "rotation: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }

work=$(mktemp -d /tmp/orgkeys-rotation.XXXXXX)
export PG_CLUSTER_STATE=$work/pg-cluster.state
declare -A node_pid=() node_port=()
loops=()
cleanup() {
  touch "$work/stop"
  for pid in "${loops[@]}"; do stop_process "$pid"; done
  for pid in "${node_pid[@]}"; do stop_process "$pid"; done
  if [[ -f $PG_CLUSTER_STATE ]]; then bash "$root/tests/pg-cluster.sh" stop 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass=0 fail=0
check() { # check NAME COMMAND...
  local name=$1
  shift
  if "$@"; then pass=$((pass + 1)); echo "ok - $name"; else fail=$((fail + 1)); echo "not ok - $name"; fi
}
status() { curl -s -o /dev/null --max-time 10 -w '%{http_code}' "$@" || true; }
now_ms() { local us=${EPOCHREALTIME/./}; echo "${us%???}"; }

export ConnectionStrings__OrgKeys
ConnectionStrings__OrgKeys=$(bash "$root/tests/pg-cluster.sh" start)
old_secret=$(head -c 32 /dev/urandom | base64)
new_secret=$(head -c 32 /dev/urandom | base64)
# Each node's configuration, as its unit's environment would hold it: VAR=VALUE words.
declare -A node_env=([a]="OrgKeys__ServerSecret=$old_secret" [b]="OrgKeys__ServerSecret=$old_secret")

start_node() { # start_node NAME: on its port (the balancer's address for it) with its configuration
  mkdir -p "$work/$1"
  # shellcheck disable=SC2086 # node_env holds VAR=VALUE words without spaces (base64)
  env ${node_env[$1]} OrgKeys__DataDirectory="$work/$1" "$bin" serve --urls "http://127.0.0.1:${node_port[$1]}" \
    >>"$work/$1.log" 2>&1 </dev/null &
  node_pid[$1]=$!
}
wait_ready() { # wait_ready NAME: what a balancer waits for before sending it traffic
  for _ in $(seq 1 240); do
    [[ $(status "http://127.0.0.1:${node_port[$1]}/v1/api-ready") == 200 ]] && return 0
    kill -0 "${node_pid[$1]}" 2>/dev/null || break
    sleep 0.25
  done
  echo "rotation: node $1 did not become ready; its log:" >&2
  tail -n 30 "$work/$1.log" >&2
  return 1
}
cli() { # cli ARGS...: the operator CLI with node A's configuration; stdout's last line
  # shellcheck disable=SC2086
  { env ${node_env[a]} OrgKeys__DataDirectory="$work/cli" "$bin" "$@" </dev/null 2>>"$work/cli.err" | tail -n 1; } || true
}
set_phase() { echo "$1" >"$work/phase.new" && mv "$work/phase.new" "$work/phase"; }
url() { echo "${node_url[$1]}"; }

node_port[a]=$(free_port)
node_port[b]=$(free_port "${node_port[a]}")
declare -A node_url=([a]="http://127.0.0.1:${node_port[a]}" [b]="http://127.0.0.1:${node_port[b]}")
mkdir -p "$work/cli"
start_node a
start_node b
both_ready() { wait_ready a && wait_ready b; }
check "two nodes start on one database with one secret" both_ready

# Before: an organization, keys for the traffic, keys left idle to watch `secret status`, a session.
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
cli users create --username alice --email alice@example.com --name Alice --password "$password" --json >/dev/null
org_json=$(cli organizations create --name Acme --admin alice --json)
org=$(jq -r .id <<<"$org_json")
keys=("$(jq -r .apiKey <<<"$org_json")")
make_key() { # make_key NODE NAME: a member key made on that node
  curl -fs -H "x-api-key: ${keys[0]}" -H 'Content-Type: application/json' -d "{\"name\":\"$2\",\"role\":\"member\"}" \
    "$(url "$1")/v1/api/organizations/$org/apikeys" | jq -r .apiKey
}
for i in 1 2 3; do keys+=("$(make_key a "traffic$i")"); done
idle=()
for i in 1 2 3; do idle+=("$(make_key b "idle$i")"); done
jwt=$(curl -fs -H 'Content-Type: application/json' -d "{\"username\":\"alice\",\"password\":\"$password\"}" "$(url a)/v1/api-login" | jq -r .token)
made_before() { [[ ${#keys[@]} == 4 && ${#idle[@]} == 3 && ${keys[3]} == ei_* && ${idle[2]} == ei_* && $jwt == ey* ]]; }
check "keys and a session are made before the rotation" made_before

# The traffic: one loop per node, a key or the session each request, "ms node served-by phase what status".
set_phase before
traffic() { # traffic NODE OTHER
  local i=0 target phase code us what
  while [[ ! -f $work/stop ]]; do
    target=$1
    [[ -f $work/drain-$1 ]] && target=$2
    read -r phase <"$work/phase" || true
    if ((i % 5 == 4)); then
      code=$(status -H "x-jwt-token: $jwt" "${node_url[$target]}/v1/api/user")
      what=session
    else
      code=$(status -H "x-api-key: ${keys[i % 4]}" "${node_url[$target]}/v1/api/organizations/$org")
      what=key$((i % 4))
    fi
    us=${EPOCHREALTIME/./}
    echo "${us%???} $1 $target $phase $what $code"
    i=$((i + 1))
  done >>"$work/traffic-$1"
}
traffic a b &
loops+=($!)
traffic b a &
loops+=($!)

drain() { # drain NODE: the balancer stops sending to it; returns once neither loop can still be on its way there
  local since
  since=$(now_ms)
  touch "$work/drain-$1"
  # Each loop's second request logged after this began started after it, so it read the drain file.
  for log in "$work/traffic-a" "$work/traffic-b"; do
    for _ in $(seq 1 200); do
      (($(awk -v t="$since" '$1 > t' "$log" | wc -l) >= 2)) && break
      sleep 0.05
    done
  done
}
restart() { # restart NODE: out of the balancer, stopped, started with its configuration, back once ready
  drain "$1"
  stop_process "${node_pid[$1]}"
  start_node "$1"
  wait_ready "$1" || return 1
  rm -f "$work/drain-$1"
}
on_previous() { cli secret status --json | jq -r '.keysOnPreviousSecret // "none"'; }
sleep 2

# Step 1: every node gets the new secret, and the current one as previous; restarted one at a time.
set_phase step1
for node in a b; do node_env[$node]="OrgKeys__ServerSecret=$new_secret OrgKeys__PreviousServerSecret=$old_secret"; done
check "step 1: node A restarts with the new secret and the old as previous" restart a
check "step 1: node B restarts with the new secret and the old as previous" restart b
sleep 1

# Step 2: `secret rotate` once, with that configuration.
set_phase step2
rotated=$(cli secret rotate --json)
rotate_ok() { [[ $(jq -r .version <<<"$rotated") == 2 && $(jq -r .keysOnPreviousSecret <<<"$rotated") == 7 ]]; }
check "step 2: 'secret rotate' moves the database to secret version 2, with all 7 keys on the previous one ($rotated)" rotate_ok
sleep 1
# A node not restarted since still makes keys, under the old secret: one more on the previous one.
late=$(make_key b late || true)
late_counted() { [[ $late == ei_* && $(on_previous) == 8 ]]; }
check "step 2: a key made then on a node not yet restarted works and is counted on the previous secret" late_counted
idle+=("$late")

# Step 3: restart one at a time again; now each moves the keys it sees to the new secret.
set_phase step3
check "step 3: node A restarts" restart a
check "step 3: node B restarts" restart b
# The traffic's four keys move as the loops present them; the idle ones and the late one wait.
counts=("$(on_previous)")
settled() {
  for _ in $(seq 1 40); do
    counts+=("$(on_previous)")
    [[ ${counts[-1]} == 4 ]] && return 0
    sleep 0.25
  done
  return 1
}
check "step 3: the traffic's keys move on use: 'secret status' comes down to the 4 idle ones (${counts[*]})" settled
countdown=()
for i in "${!idle[@]}"; do
  node=$([[ $((i % 2)) == 0 ]] && echo a || echo b)
  countdown+=("$(status -H "x-api-key: ${idle[i]}" "$(url "$node")/v1/api/organizations/$org"):$(on_previous)")
done
counted_down() { [[ ${countdown[*]} == "200:3 200:2 200:1 200:0" ]]; }
check "step 3: each idle key works when first used, and 'secret status' counts down 3 2 1 0 (${countdown[*]})" counted_down

# Step 4: retire the old secret, then drop it from every node at its next restart.
set_phase step4
retired=$(cli secret retire-old --json)
retired_ok() { [[ $(jq -r .retired <<<"$retired") == true && $(jq -r .keysBroken <<<"$retired") == 0 ]]; }
check "step 4: 'secret retire-old' succeeds without --force, breaking no key ($retired)" retired_ok
for node in a b; do node_env[$node]="OrgKeys__ServerSecret=$new_secret"; done
check "step 4: node A restarts with only the new secret" restart a
check "step 4: node B restarts with only the new secret" restart b
set_phase after
sleep 2
touch "$work/stop"
for pid in "${loops[@]}"; do wait "$pid" || true; done
loops=()

# The whole traffic log: every request answered 200, in every phase, by both nodes.
cat "$work/traffic-a" "$work/traffic-b" | sort -n >"$work/traffic"
total=$(wc -l <"$work/traffic")
failed=$(awk '$6 != 200' "$work/traffic" | wc -l)
echo "# $total requests during the rotation; $failed failed"
awk '$6 != 200' "$work/traffic" | head -n 10 | sed 's/^/#   /'
no_failure() { ((total > 0 && failed == 0)); }
check "no request failed in the whole traffic log ($total requests, $failed failed)" no_failure
every_phase() {
  local phase node n
  for phase in before step1 step2 step3 step4 after; do
    for node in a b; do
      n=$(awk -v p="$phase" -v n="$node" '$4 == p && $3 == n' "$work/traffic" | wc -l)
      echo "# phase $phase: $n requests served by node $node"
      ((n > 0)) || return 1
    done
  done
}
check "both nodes served the old keys and the session in every phase" every_phase

all_keys_work() {
  local key node
  for node in a b; do
    for key in "${keys[@]}" "${idle[@]}"; do
      [[ $(status -H "x-api-key: $key" "$(url "$node")/v1/api/organizations/$org") == 200 ]] || return 1
    done
    [[ $(status -H "x-jwt-token: $jwt" "$(url "$node")/v1/api/user") == 200 ]] || return 1
  done
}
check "after the rotation every key made before it, and the session, work on both nodes" all_keys_work
new_key_works() { local k; k=$(make_key a after) && [[ $(status -H "x-api-key: $k" "$(url b)/v1/api/organizations/$org") == 200 ]]; }
check "a key made after the rotation on A works on B" new_key_works

# A node configured with only the retired secret: refused at start, with the reason, and never serves.
stale_port=$(free_port "${node_port[a]}" "${node_port[b]}")
mkdir -p "$work/stale"
stale_rc=0
OrgKeys__ServerSecret=$old_secret OrgKeys__DataDirectory=$work/stale timeout 60 "$bin" serve --urls "http://127.0.0.1:$stale_port" \
  >"$work/stale.log" 2>&1 </dev/null || stale_rc=$?
stale_refused() { ((stale_rc == 1)) && [[ $(tail -n 1 "$work/stale.log") == "error: This node's server secret was rotated out of this database and retired"* ]]; }
check "a node with only the retired secret refuses to start: exit 1 ($stale_rc), the reason on its last line" stale_refused
tail -n 1 "$work/stale.log" | sed 's/^/#   /'
never_served() { ! grep -q 'Now listening on' "$work/stale.log"; }
check "it never listened" never_served
stale_cli_rc=0
OrgKeys__ServerSecret=$old_secret OrgKeys__DataDirectory=$work/stale "$bin" secret status --json </dev/null >/dev/null 2>"$work/stale-cli.err" || stale_cli_rc=$?
stale_cli() { ((stale_cli_rc == 1)) && [[ $(wc -l <"$work/stale-cli.err") == 1 ]] && grep -q '^error: .*retired' "$work/stale-cli.err"; }
check "the operator CLI with only the retired secret is refused too: exit 1, one line on stderr" stale_cli

echo "# rotation test took ${SECONDS} s"
echo "# pass $pass"
echo "# fail $fail"
((fail == 0))
