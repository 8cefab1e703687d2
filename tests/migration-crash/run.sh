#!/usr/bin/env bash
# A first start killed (SIGKILL) at each step of migrating a fresh SQLite database: the next start
# finishes the job, without waiting on a stale lock, and the schema is the same as a clean one's.
# Also: a fresh first start of the server logs no warning. Prints "# pass N" / "# fail N" for test.sh.
# MIGRATION_CRASH_STRIDE=k tries every k-th SQL command (default 3; 1 for all of them).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
[[ -x $bin ]] || { echo "migration-crash: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }
stride=${MIGRATION_CRASH_STRIDE:-3}

work=$(mktemp -d /tmp/orgkeys-migration-crash.XXXXXX)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then stop_process "$server_pid"; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1

pass=0 fail=0
check() { # check NAME EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "not ok - $1 (expected $2, got $3)"; fi
}

# Every table, index and trigger as SQLite stores it, and the applied migrations.
schema() {
  python3 - "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name <> '__EFMigrationsLock' ORDER BY type, name"):
    print(row)
for row in c.execute('SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY 1'):
    print(row)
for row in c.execute("PRAGMA foreign_key_check"):
    print("foreign key violation", row)
PY
}

# A clean first start of the server: no warning, and the reference schema.
http_port=$(free_port)
OrgKeys__DataDirectory=$work/clean "$bin" serve --urls "http://127.0.0.1:$http_port" >"$work/clean.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$http_port/v1/api-ready" >/dev/null && break; sleep 0.5; done
stop_process "$server_pid"
server_pid=
check "a fresh first start logs no warning or error" 0 "$(grep -cE '^(warn|fail|crit):' "$work/clean.log" || true)"
schema "$work/clean/orgkeys.db" >"$work/clean.schema"
check "the clean schema has the white label foreign keys" 2 "$(grep -c 'REFERENCES "WhiteLabels"' "$work/clean.schema" || true)"

crashes=0 resumed=0 same=0 n=1
while true; do
  dir=$work/run-$n
  rc=0
  OrgKeys__DataDirectory=$dir ORGKEYS_TEST_KILL_AFTER_COMMANDS=$n "$bin" migrate >"$dir.kill.log" 2>&1 || rc=$?
  if ((rc == 0)); then break; fi # the whole migration ran in fewer than n commands
  if ((rc != 137)); then echo "not ok - killed after command $n: exit $rc, not SIGKILL"; fail=$((fail + 1)); break; fi
  crashes=$((crashes + 1))
  rc=0
  OrgKeys__DataDirectory=$dir timeout 120 "$bin" migrate >"$dir.log" 2>&1 || rc=$?
  if ((rc == 0)); then resumed=$((resumed + 1)); else echo "  after command $n: the next start exited $rc"; cat "$dir.log"; fi
  if schema "$dir/orgkeys.db" | cmp -s - "$work/clean.schema"; then
    same=$((same + 1))
  else
    echo "  after command $n: schema differs from a clean one"
    schema "$dir/orgkeys.db" | diff - "$work/clean.schema" | head -20 || true
  fi
  n=$((n + stride))
done
echo "# migration crash: killed after $crashes different commands (every ${stride}), migration done in fewer than $n"
check "the first start was killed at several points" yes "$( ((crashes >= 5)) && echo yes || echo no)"
check "every next start finished migrating (no stale lock, no half-applied migration)" "$crashes" "$resumed"
check "every resumed schema is the same as a clean one" "$crashes" "$same"

echo "# pass $pass"
echo "# fail $fail"
((fail == 0))
