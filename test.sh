#!/usr/bin/env bash
# Runs every test: format check, Release build, the xunit suite on SQLite and on a throwaway
# PostgreSQL 15 cluster, the Node conformance suite against the built service, Lighthouse on the
# console's main pages, nginx with
# auth_request in front of a service, and two nodes sharing one PostgreSQL.
# Every suite runs even when an earlier one fails; the last line is "N passed, N failed"
# and the exit code is 1 when anything failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work=$(mktemp -d /tmp/orgkeys-test.XXXXXX)
export PG_CLUSTER_STATE=$work/pg-cluster.state

cleanup() {
  if [[ -f $PG_CLUSTER_STATE ]]; then bash tests/pg-cluster.sh stop || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
failures=()

section() { printf '\n== %s ==\n' "$*"; }

# A step that fails without a failing test to show for it (format, build, a crashed test run)
# counts as one failure, so the summary never reads "0 failed" when the run failed.
fail_step() {
  failures+=("$1")
  if (($2 == 0)); then failed=$((failed + 1)); fi
}

strip_ansi() { sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1"; }

# dotnet test (VSTest) prints one line per test assembly:
#   Passed!  - Failed:     0, Passed:   123, Skipped:     0, Total:   123, Duration: ...
# Microsoft.Testing.Platform prints "  failed: N" / "  succeeded: N" lines instead (fallback).
xunit_counts() {
  strip_ansi "$1" | awk '/(Passed|Failed)! +- +Failed: /{
      vs = 1
      for (i = 1; i < NF; i++) { if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1) }
    }
    /^ +succeeded: [0-9]+$/ { mp += $2 }
    /^ +failed: [0-9]+$/ { mf += $2 }
    END { if (vs) print p + 0, f + 0; else print mp + 0, mf + 0 }'
}

# node --test (TAP) prints "# pass N", "# fail N", "# cancelled N" at the top level.
node_counts() {
  strip_ansi "$1" | awk '/^# pass [0-9]+$/ { p += $3 } /^# (fail|cancelled) [0-9]+$/ { f += $3 }
    END { print p + 0, f + 0 }'
}

run_xunit() { # run_xunit LABEL [VAR=value ...]
  local label=$1 log rc=0 p f
  shift
  log="$work/xunit-${label}.log"
  env "$@" dotnet test tests/OrgKeys.Tests -c Release --no-build 2>&1 | tee "$log" || rc=$?
  read -r p f < <(xunit_counts "$log")
  passed=$((passed + p))
  failed=$((failed + f))
  if ((p + f == 0)); then echo "warning: xunit ($label) reported no tests"; fi
  if ((rc != 0)); then fail_step "xunit ($label): dotnet test exited $rc" "$f"; fi
  # Name each failed test in the summary, with the start of its message and the test line that
  # failed: CI keeps only the end of the log.
  while IFS= read -r -d '' entry; do failures+=("xunit ($label): $entry"); done < <(strip_ansi "$log" | xunit_failures)
}

# One NUL-terminated entry per failed test: its name, up to six lines of its error message, and
# the first frame of the stack that is in a test file.
xunit_failures() {
  awk 'function flush() { if (name != "" && !(name in seen)) { seen[name] = 1; printf "%s%s%s%c", name, text, where, 0 } name = "" }
    /^  Failed .+ \[[^]]+\]$/ { flush(); name = substr($0, 10); sub(/ \[[^]]+\]$/, "", name); text = ""; where = ""; mode = ""; next }
    name == "" { next }
    /^  Error Message:$/ { mode = "message"; lines = 0; next }
    /^  Stack Trace:$/ { mode = "stack"; next }
    mode == "message" && lines < 6 { line = $0; sub(/^ +/, "", line); text = text "\n    " substr(line, 1, 200); lines++; next }
    mode == "stack" && where == "" && match($0, /[^\/]+\.cs:line [0-9]+/) { where = "\n    at " substr($0, RSTART, RLENGTH) }
    /^(Passed|Failed)! / { flush(); mode = "" }
    END { flush() }'
}

section "format"
format_ok=1
if [[ -f .config/dotnet-tools.json ]]; then
  dotnet tool restore || { format_ok=0; fail_step "dotnet tool restore" 0; }
fi
if ((format_ok)); then
  dotnet format OrgKeys.slnx --verify-no-changes || fail_step "dotnet format --verify-no-changes" 0
fi

section "build (Release)"
built=1
dotnet build OrgKeys.slnx -c Release || { built=0; fail_step "dotnet build" 0; }

if ((built)); then
  # The browser tests drive Debian's Chromium (never `playwright install`, which downloads).
  # shellcheck source=tests/lib.sh
  source tests/lib.sh
  ensure_commands chromium:chromium || fail_step "install chromium for the browser tests" 0

  section "xunit (SQLite)"
  run_xunit SQLite

  section "xunit (PostgreSQL)"
  if conn=$(bash tests/pg-cluster.sh start); then
    run_xunit PostgreSQL "ORGKEYS_TEST_POSTGRES=$conn"
    bash tests/pg-cluster.sh stop || fail_step "pg-cluster stop" 0
  else
    fail_step "pg-cluster start" 0
  fi

  section "conformance (edge-impulse-api client)"
  log=$work/conformance.log
  rc=0
  bash tests/conformance/run.sh 2>&1 | tee "$log" || rc=$?
  read -r p f < <(node_counts "$log")
  passed=$((passed + p))
  failed=$((failed + f))
  if ((rc != 0)); then fail_step "conformance: run.sh exited $rc" "$f"; fi

  # Shell suites that print node-style "# pass N" / "# fail N" lines.
  run_script_suite() { # run_script_suite LABEL SCRIPT
    local log=$work/$1.log rc=0 p f
    bash "$2" 2>&1 | tee "$log" || rc=$?
    read -r p f < <(node_counts "$log")
    passed=$((passed + p))
    failed=$((failed + f))
    if ((rc != 0)); then fail_step "$1: $2 exited $rc" "$f"; fi
  }

  section "Lighthouse accessibility of the console's main pages"
  run_script_suite lighthouse tests/lighthouse/run.sh

  section "nginx auth_request in front of a service"
  run_script_suite nginx tests/nginx/run.sh

  section "two nodes on one PostgreSQL"
  run_script_suite multinode tests/multinode/run.sh

  section "outage (PostgreSQL stopped under load)"
  run_script_suite outage tests/outage/run.sh

  section "crash (SIGKILL during a burst of key creations)"
  run_script_suite crash tests/crash/run.sh

  section "migration crash (SIGKILL at each step of a first start on SQLite)"
  run_script_suite migration-crash tests/migration-crash/run.sh

  section "backup and restore (SQLite during a burst; PostgreSQL by the README procedure)"
  run_script_suite backup tests/backup/run.sh

  section "server secret rotation (two nodes under traffic, by the README procedure)"
  run_script_suite rotation tests/rotation/run.sh

  section "publish (self-contained single file, systemd unit)"
  run_script_suite publish tests/publish/run.sh
else
  echo "skipping xunit and the script suites: the build failed"
fi

section "summary"
for step in "${failures[@]}"; do echo "FAILED: $step"; done
echo "$passed passed, $failed failed"
if ((${#failures[@]} > 0 || failed > 0)); then exit 1; fi
