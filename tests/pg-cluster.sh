#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test suite.
#
#   tests/pg-cluster.sh start   initdb + start; prints ONE stdout line, the connection string:
#                               Host=127.0.0.1;Port=NNNN;Username=postgres;Database=postgres
#   tests/pg-cluster.sh stop    stops the cluster and removes its folder
#
# The cluster folder is recorded in the state file $PG_CLUSTER_STATE
# (default /tmp/orgkeys-pg-cluster.state), which is how `stop` finds it; give each
# concurrent run its own PG_CLUSTER_STATE. Progress and errors go to stderr.
# Trust auth, 127.0.0.1 only, unix socket inside the folder, fsync off: never use it for real data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
STATE=${PG_CLUSTER_STATE:-/tmp/orgkeys-pg-cluster.state}

log() { printf 'pg-cluster: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() {
  if [[ $(id -u) == 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo -n "$@"
  else die "need root to run: $*"
  fi
}

# initdb and postgres refuse to run as root: run them as the postgres user then.
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_postgres() {
  if [[ ! -x $PG_BIN/initdb || ! -x $PG_BIN/pg_ctl ]]; then
    log "PostgreSQL 15 not found in $PG_BIN; installing postgresql-15"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  fi
  if [[ $(id -u) == 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

start() {
  [[ -f $STATE ]] && die "state file $STATE exists: a cluster is already running (run stop first)"
  ensure_postgres

  local dir
  dir=$(mktemp -d /tmp/orgkeys-pg.XXXXXX)
  echo "$dir" >"$STATE"
  mkdir -p "$dir/sock"
  if [[ $(id -u) == 0 ]]; then chown -R postgres: "$dir"; fi
  chmod 700 "$dir"

  log "initdb in $dir"
  if ! as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
      >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    stop
    die "initdb failed"
  fi

  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    # Another process may take the port between the check and the bind: then retry.
    if as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -s start -o "\
        -c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/sock \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >&2
    then
      if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30; then
        log "started on 127.0.0.1:$port"
        echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
        return 0
      fi
      as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -s stop >&2 || true
    fi
    log "start attempt $attempt on port $port failed; server log:"
    tail -n 20 "$dir/server.log" >&2 || true
  done
  stop
  die "could not start PostgreSQL"
}

stop() {
  [[ -f $STATE ]] || { log "no state file $STATE: nothing to stop"; return 0; }
  local dir
  dir=$(<"$STATE")
  case $dir in /tmp/orgkeys-pg.?*) ;; *) die "refusing to remove unexpected folder '$dir'" ;; esac
  if [[ -f $dir/data/postmaster.pid ]]; then
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 -s stop >&2 \
      || as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -s stop >&2 || true
  fi
  rm -rf -- "$dir"
  rm -f -- "$STATE"
  log "stopped; removed $dir"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
