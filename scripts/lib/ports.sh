#!/usr/bin/env bash
# Sourced by the project's server scripts: loopback ports, waiting for a server, stopping a pid.
#
#   source scripts/lib/ports.sh
#   port=$(free_port)                    # a free ephemeral port on 127.0.0.1
#   port_is_free 8123                    # true when the port can be bound now
#   port_answers 2181                    # true when something accepts a TCP connection there
#   wait_until 30 curl -sf URL/ping      # polls a command every 0.1 s, up to N seconds
#   stop_pid PID [seconds]               # SIGTERM, wait up to N seconds (30), then SIGKILL

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# True when the port can be bound on loopback now (as servers bind: SO_REUSEADDR, so closed
# connections of a stopped server in TIME_WAIT do not count).
port_is_free() {
  python3 -c 'import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.close()' "$1" 2>/dev/null
}

port_answers() {
  python3 -c 'import socket,sys
s=socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5); s.close()' "$1" 2>/dev/null
}

# Runs the command every 0.1 s until it succeeds (true) or the seconds have passed (false).
wait_until() {
  local seconds=$1 i
  shift
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

pid_alive() {
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null
}

# SIGTERM, then waits until the process is gone; SIGKILL after the seconds (default 30).
stop_pid() {
  local pid=$1 seconds=${2:-30}
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_until "$seconds" bash -c "! kill -0 $pid" && return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait_until 5 bash -c "! kill -0 $pid" || true
}
