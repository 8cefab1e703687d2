# Sourced (bash) by the test scripts and the benchmarks: loopback ports, stopping what they started,
# and the Debian packages they need on a fresh machine.

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() { # free_port [TAKEN...]: a port from 20000 to 59999 that nothing listens on and is not one of TAKEN
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port" && [[ " $* " != *" $port "* ]]; then
      echo "$port"
      return 0
    fi
  done
}

stop_process() { # stop_process PID: SIGTERM, up to 5 s to exit, then SIGKILL
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

ensure_commands() { # ensure_commands COMMAND[:PACKAGE]...: installs the Debian package of each missing command
  local spec missing=() sudo_=()
  for spec in "$@"; do command -v "${spec%%:*}" >/dev/null || missing+=("${spec#*:}"); done
  ((${#missing[@]})) || return 0
  echo "installing ${missing[*]}" >&2
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || { echo "need root to install: ${missing[*]}" >&2; return 1; }
    sudo_=(sudo -n)
  fi
  "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
  "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 || return 1
  for spec in "$@"; do command -v "${spec%%:*}" >/dev/null || { echo "${spec%%:*} is still missing" >&2; return 1; }; done
}

start_orgkeys() { # start_orgkeys BIN BASE_URL LOG: runs `BIN serve` on BASE_URL in the background (server_pid), returns once /v1/api-health answers; 1, with the log's end, if it exits or never answers
  local bin=$1 base=$2 log=$3
  "$bin" serve --urls "$base" >"$log" 2>&1 </dev/null &
  server_pid=$!
  for _ in $(seq 1 120); do
    kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$log" >&2; return 1; }
    curl -s -o /dev/null "$base/v1/api-health" && return 0
    sleep 0.5
  done
  tail -n 30 "$log" >&2
  return 1
}
