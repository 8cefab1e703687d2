#!/usr/bin/env bash
# Backup while a burst of key creations runs, restore elsewhere with the same server secret: every
# key acknowledged before the backup started works on the restored server, and the restored audit
# log is the original's up to the backup. Restore refuses a non-empty folder, a damaged file and
# another secret. Then README's PostgreSQL procedure (pg_dump/pg_restore) under the same burst.
# Prints "# pass N" / "# fail N" for test.sh to count.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
[[ -x $bin ]] || { echo "backup: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }
pgbin=/usr/lib/postgresql/15/bin

work=$(mktemp -d /tmp/orgkeys-backup.XXXXXX)
export PG_CLUSTER_STATE=$work/pg.state DOTNET_CLI_TELEMETRY_OPTOUT=1
pids=()
cleanup() {
  for pid in "${pids[@]}"; do stop_process "$pid"; done
  if [[ -f $PG_CLUSTER_STATE ]]; then bash "$root/tests/pg-cluster.sh" stop >/dev/null 2>&1 || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT

pass=0 fail=0
check() { # check NAME yes|no [DETAIL]
  if [[ $2 == yes ]]; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "not ok - $1${3:+ ($3)}"; fi
}
yes_if() { if "$@"; then echo yes; else echo no; fi; }

start_server() { # start_server LOG: sets base and server_pid
  local attempt port
  for attempt in 1 2 3; do
    port=$(free_port)
    base=http://127.0.0.1:$port
    "$bin" serve --urls "$base" >>"$1" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 1 240); do
      curl -sf "$base/v1/api-ready" >/dev/null && return 0
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.25
    done
    stop_process "$server_pid"
  done
  tail -n 30 "$1" | sed 's/^/#   /' >&2
  return 1
}

# One key creation; prints "<ns when acknowledged> 200 <key>" or the status alone.
create() {
  local out status
  out=$(curl -s --max-time 10 -w '\n%{http_code}' "$base/v1/api/organizations/1/apikeys" -H "x-api-key: $admin_key" \
    -H 'content-type: application/json' -d "{\"name\":\"backup-$1\",\"role\":\"member\"}") || { echo "000"; return 0; }
  status=${out##*$'\n'}
  if [[ $status == 200 ]]; then echo "$(date +%s%N) 200 $(sed -n 's/.*"apiKey":"\([^"]*\)".*/\1/p' <<<"$out")"; else echo "$status"; fi
}
export -f create

audit() { # audit BASE: every entry of organization 1, oldest first, as compact JSON lines
  curl -s "$1/v1/api/organizations/1/audit?limit=1000" -H "x-api-key: $admin_key" | jq -c '.entries | sort_by(.id)[]'
}

# Runs the burst, calls BACKUP-COMMAND in its middle; sets t0 (ns before the backup started).
burst_with_backup() { # burst_with_backup RUN-DIR COMMAND...
  local run=$1 burst
  shift
  export base admin_key
  seq 1 300 | xargs -P 4 -I{} bash -c 'create {}' >"$run/results" 2>/dev/null &
  burst=$!
  # The backup starts once the burst is under way: 20 keys acknowledged (a slow machine may take a while).
  for _ in $(seq 1 600); do
    (($(grep -c ' 200 ' "$run/results" || true) >= 20)) && break
    sleep 0.1
  done
  t0=$(date +%s%N)
  backup_status=0
  "$@" || backup_status=$?
  wait "$burst" || true
}

verify_restored() { # verify_restored LABEL RUN-DIR ORIGINAL-BASE RESTORED-BASE
  local label=$1 run=$2 before after broken=0 key ts
  before=$(awk -v t="$t0" '$2 == 200 && $1 < t' "$run/results" | wc -l)
  after=$(awk -v t="$t0" '$2 == 200 && $1 >= t' "$run/results" | wc -l)
  check "$label: keys were acknowledged before the backup started, and more after" "$(yes_if test "$before" -gt 0 -a "$after" -gt 0)" "$before before, $after after"
  while read -r ts _ key; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$4/v1/api/organizations/1" -H "x-api-key: $key") == 200 ]] || broken=$((broken + 1))
  done < <(awk -v t="$t0" '$2 == 200 && $1 < t' "$run/results")
  check "$label: every key acknowledged before the backup works on the restored server ($before keys)" "$(yes_if test "$broken" -eq 0)" "$broken broken"

  audit "$3" >"$run/audit-original"
  audit "$4" >"$run/audit-restored"
  local restored original
  restored=$(wc -l <"$run/audit-restored")
  original=$(wc -l <"$run/audit-original")
  check "$label: the restored audit log is the original's, entry for entry, up to the backup" \
    "$(yes_if cmp -s "$run/audit-restored" <(head -n "$restored" "$run/audit-original"))" "$restored restored, $original original"
  local created
  created=$(jq -r 'select(.action == "apikey.create") | .id' "$run/audit-restored" | wc -l)
  check "$label: the restored log holds a creation entry for every key acknowledged before the backup" "$(yes_if test "$created" -ge "$before")" "$created entries, $before keys"
  check "$label: the backup is a snapshot (the original went on past it)" "$(yes_if test "$original" -gt "$restored")" "$original vs $restored"
}

setup_org() { # users and an organization through the CLI; sets admin_key
  "$bin" users create --username backup --email backup@example.com --name Backup --password "$(head -c 18 /dev/urandom | base64)" --json >/dev/null
  admin_key=$("$bin" organizations create --name Backup --admin backup --json | tail -n 1 | jq -r .apiKey)
}

# ---------------------------------------------------------------- SQLite
sqlite_scenario() {
  local run=$work/sqlite original restored
  mkdir -p "$run"
  unset ConnectionStrings__OrgKeys OrgKeys__ServerSecret
  export OrgKeys__DataDirectory=$run/data
  setup_org
  start_server "$run/original.log" || { check "sqlite: server starts" no; return; }
  original=$base

  burst_with_backup "$run" "$bin" backup --output "$run/orgkeys.backup" --json >"$run/backup.json" 2>"$run/backup.err"
  check "sqlite: backup succeeds while the server serves" "$(yes_if test "$backup_status" -eq 0)" "$(cat "$run/backup.err")"
  check "sqlite: the manifest names the last migration, and the output gives the file's SHA-256" \
    "$(yes_if test "$(unzip -p "$run/orgkeys.backup" manifest.json | jq -r .lastMigration)" = "$(jq -r .lastMigration "$run/backup.json")" -a \
      "$(sha256sum "$run/orgkeys.backup" | cut -d' ' -f1)" = "$(jq -r .sha256 "$run/backup.json")")"
  check "sqlite: the server secret is not in the backup" \
    "$(yes_if bash -c '! unzip -l "$1" | grep -q server-secret && ! unzip -p "$1" orgkeys.db | grep -aqF "$(cat "$2")"' _ "$run/orgkeys.backup" "$run/data/server-secret")"
  local status=0
  "$bin" backup --output "$run/orgkeys.backup" >/dev/null 2>"$run/again.err" || status=$?
  check "sqlite: backup refuses an existing file" "$(yes_if test "$status" -ne 0)" "$(cat "$run/again.err")"

  # README: the secret travels apart from the backup; put it in the new folder, then restore.
  mkdir -p "$run/restored"
  cp -p "$run/data/server-secret" "$run/restored/server-secret"
  export OrgKeys__DataDirectory=$run/restored
  status=0
  "$bin" restore --input "$run/orgkeys.backup" --json >"$run/restore.json" 2>"$run/restore.err" || status=$?
  check "sqlite: restore into an empty folder succeeds" "$(yes_if test "$status" -eq 0)" "$(cat "$run/restore.err")"
  start_server "$run/restored.log" || { check "sqlite: the restored server starts" no; return; }
  restored=$base
  verify_restored sqlite "$run" "$original" "$restored"

  status=0
  "$bin" restore --input "$run/orgkeys.backup" >/dev/null 2>"$run/nonempty.err" || status=$?
  check "sqlite: restore refuses a folder that has a database" "$(yes_if test "$status" -ne 0 -a -n "$(grep 'not empty' "$run/nonempty.err")")" "$(cat "$run/nonempty.err")"
  mkdir -p "$run/stray" && touch "$run/stray/notes.txt"
  status=0
  OrgKeys__DataDirectory=$run/stray "$bin" restore --input "$run/orgkeys.backup" >/dev/null 2>"$run/stray.err" || status=$?
  check "sqlite: restore refuses a folder with any other file in it" "$(yes_if test "$status" -ne 0 -a ! -e "$run/stray/orgkeys.db")" "$(cat "$run/stray.err")"

  # A damaged file: bytes flipped in the middle of the database entry.
  cp "$run/orgkeys.backup" "$run/damaged.backup"
  local size
  size=$(stat -c %s "$run/damaged.backup")
  printf '\xde\xad\xbe\xef\xde\xad\xbe\xef' | dd of="$run/damaged.backup" bs=1 seek=$((size / 2)) conv=notrunc status=none
  mkdir -p "$run/damaged"
  cp -p "$run/data/server-secret" "$run/damaged/server-secret"
  status=0
  OrgKeys__DataDirectory=$run/damaged "$bin" restore --input "$run/damaged.backup" >/dev/null 2>"$run/damaged.err" || status=$?
  check "sqlite: restore refuses a damaged file and leaves no database" "$(yes_if test "$status" -ne 0 -a ! -e "$run/damaged/orgkeys.db")" "$(cat "$run/damaged.err")"

  mkdir -p "$run/other-secret"
  status=0
  OrgKeys__DataDirectory=$run/other-secret OrgKeys__ServerSecret=$(head -c 32 /dev/urandom | base64) \
    "$bin" restore --input "$run/orgkeys.backup" >/dev/null 2>"$run/secret.err" || status=$?
  check "sqlite: restore refuses a node with another server secret" "$(yes_if test "$status" -ne 0 -a ! -e "$run/other-secret/orgkeys.db")" "$(cat "$run/secret.err")"
}

# ---------------------------------------------------------------- SQLite: a backup from before a rotation
# README "Backups and rotation": the backup above was made under the first secret; the live server then
# rotates. The backup restores beside the secret files as they are after the rotation (the new secret and
# the old one kept as server-secret.previous), its keys work, and 'secret rotate' there moves it on too.
rotation_scenario() {
  local run=$work/sqlite restored status=0 rotated before_count after_count used=0 key ts
  export OrgKeys__DataDirectory=$run/data
  rotated=$("$bin" secret rotate --json 2>"$run/rotate.err" | tail -n 1) || status=$?
  check "rotation: the original server's secret rotates after the backup" \
    "$(yes_if test "$status" -eq 0 -a "$(jq -r .version <<<"$rotated")" = 2 -a -f "$run/data/server-secret.previous")" "$rotated $(cat "$run/rotate.err")"

  mkdir -p "$run/new-secret-only"
  cp -p "$run/data/server-secret" "$run/new-secret-only/"
  status=0
  OrgKeys__DataDirectory=$run/new-secret-only "$bin" restore --input "$run/orgkeys.backup" >/dev/null 2>"$run/new-only.err" || status=$?
  check "rotation: with only the new secret, restoring the older backup is refused, naming the old secret, and writes nothing" \
    "$(yes_if test "$status" -ne 0 -a ! -e "$run/new-secret-only/orgkeys.db" -a -n "$(grep 'server-secret.previous' "$run/new-only.err")")" "$(cat "$run/new-only.err")"

  mkdir -p "$run/after-rotation"
  cp -p "$run/data/server-secret" "$run/data/server-secret.previous" "$run/after-rotation/"
  export OrgKeys__DataDirectory=$run/after-rotation
  status=0
  "$bin" restore --input "$run/orgkeys.backup" --json >/dev/null 2>"$run/after-rotation.err" || status=$?
  check "rotation: the backup restores beside the secret files as they are after the rotation" "$(yes_if test "$status" -eq 0)" "$(cat "$run/after-rotation.err")"
  start_server "$run/after-rotation.log" || { check "rotation: the restored server starts" no; return; }
  restored=$base
  local broken=0
  while read -r ts _ key; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$restored/v1/api/organizations/1" -H "x-api-key: $key") == 200 ]] || broken=$((broken + 1))
  done < <(awk -v t="$t0" '$2 == 200 && $1 < t' "$run/results")
  check "rotation: every key acknowledged before the backup works on the server restored after the rotation" "$(yes_if test "$broken" -eq 0)" "$broken broken"

  # README: then 'secret rotate' on the restored server, restart it, and its keys move as they are used.
  status=0
  rotated=$("$bin" secret rotate --json 2>"$run/rotate-restored.err" | tail -n 1) || status=$?
  before_count=$(jq -r .keysOnPreviousSecret <<<"$rotated")
  check "rotation: 'secret rotate' on the restored server moves it to the new secret" \
    "$(yes_if test "$status" -eq 0 -a "$(jq -r .version <<<"$rotated")" = 2 -a "${before_count:-0}" -gt 0)" "$rotated $(cat "$run/rotate-restored.err")"
  stop_process "$server_pid"
  start_server "$run/after-rotation.log" || { check "rotation: the restored server restarts" no; return; }
  broken=0
  while read -r ts _ key; do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/v1/api/organizations/1" -H "x-api-key: $key") == 200 ]]; then used=$((used + 1)); else broken=$((broken + 1)); fi
  done < <(awk -v t="$t0" '$2 == 200 && $1 < t' "$run/results"; echo "0 200 $admin_key")
  check "rotation: after that rotation the same keys and the admin key still work" "$(yes_if test "$broken" -eq 0 -a "$used" -gt 1)" "$broken broken"
  after_count=$("$bin" secret status --json 2>/dev/null | tail -n 1 | jq -r .keysOnPreviousSecret) || true
  check "rotation: 'secret status' counted down by one for each of them ($before_count - $used = $after_count)" \
    "$(yes_if test "$((before_count - used))" -eq "${after_count:-x}")"
}

# ---------------------------------------------------------------- PostgreSQL, README's procedure
postgres_scenario() {
  local run=$work/postgres conn port original status=0
  mkdir -p "$run"
  conn=$(bash "$root/tests/pg-cluster.sh" start)
  port=$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$conn")
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
  "$pgbin/psql" -qAtc 'CREATE DATABASE orgkeys' postgres >/dev/null
  export OrgKeys__DataDirectory=$run/data OrgKeys__ServerSecret=$(head -c 32 /dev/urandom | base64)
  export ConnectionStrings__OrgKeys="Host=127.0.0.1;Port=$port;Username=postgres;Database=orgkeys"
  setup_org
  start_server "$run/original.log" || { check "postgres: server starts" no; return; }
  original=$base

  "$bin" backup --output "$run/refused.backup" >/dev/null 2>"$run/backup.err" || status=$?
  check "postgres: 'OrgKeys backup' points to the README procedure" "$(yes_if test "$status" -ne 0 -a -n "$(grep -i 'pg_dump.*README' "$run/backup.err")")" "$(cat "$run/backup.err")"

  # README: pg_dump --format=custom while the server runs (one snapshot), then pg_restore into a new database.
  burst_with_backup "$run" "$pgbin/pg_dump" --format=custom --file="$run/orgkeys.dump" --dbname=orgkeys
  check "postgres: pg_dump succeeds while the server serves" "$(yes_if test "$backup_status" -eq 0)"
  "$pgbin/psql" -qAtc 'CREATE DATABASE orgkeys_restored' postgres >/dev/null
  status=0
  "$pgbin/pg_restore" --no-owner --exit-on-error --dbname=orgkeys_restored "$run/orgkeys.dump" 2>"$run/restore.err" || status=$?
  check "postgres: pg_restore into a new database succeeds" "$(yes_if test "$status" -eq 0)" "$(cat "$run/restore.err")"

  export ConnectionStrings__OrgKeys="Host=127.0.0.1;Port=$port;Username=postgres;Database=orgkeys_restored" OrgKeys__DataDirectory=$run/restored
  start_server "$run/restored.log" || { check "postgres: the restored server starts" no; return; }
  verify_restored postgres "$run" "$original" "$base"
}

sqlite_scenario
rotation_scenario
postgres_scenario

echo "# pass $pass"
echo "# fail $fail"
((fail == 0))
