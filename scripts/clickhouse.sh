#!/usr/bin/env bash
# Runs a throwaway ClickHouse server (Debian's clickhouse-server, 18.16) on loopback for the tests.
#
#   scripts/clickhouse.sh start   # installs the Debian packages when missing, starts the server with
#                                 # a data dir under target/clickhouse/, prints its HTTP URL
#   scripts/clickhouse.sh url     # prints the URL of the running server (fails when none runs)
#   scripts/clickhouse.sh stop    # stops it and waits until it is gone
#
#   export CLICKHOUSE_URL=$(scripts/clickhouse.sh start)   # what scripts/verify.sh does
#
# Ports are free ephemeral ports on 127.0.0.1 (other servers may run beside it). Set
# CLICKHOUSE_DIR to put the config and data somewhere else than target/clickhouse.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${CLICKHOUSE_DIR:-$PWD/target/clickhouse}
pidfile=$dir/server.pid
urlfile=$dir/url

# shellcheck source=lib/ports.sh
source scripts/lib/ports.sh
# shellcheck source=lib/clickhouse-config.sh
source scripts/lib/clickhouse-config.sh

running_pid() {
  [[ -f $pidfile ]] || return 1
  local pid
  pid=$(cat "$pidfile")
  pid_alive "$pid" && echo "$pid"
}

start() {
  if pid=$(running_pid); then
    cat "$urlfile"
    return 0
  fi
  # shellcheck source=lib/packages.sh
  source scripts/lib/packages.sh
  ensure_packages clickhouse-server:clickhouse-server clickhouse-client:clickhouse-client \
    python3:python3 curl:curl >&2
  local server
  server=$(command -v clickhouse-server || echo /usr/bin/clickhouse-server)
  local http_port tcp_port interserver_port
  # A restart (stop, then start on the same dir) keeps the ports when they are still free, so a
  # client holding the URL reconnects to the same server and data.
  if [[ -f $dir/ports ]] && read -r http_port tcp_port interserver_port <"$dir/ports" \
      && port_is_free "$http_port" && port_is_free "$tcp_port" && port_is_free "$interserver_port"; then
    :
  else
    http_port=$(free_port)
    tcp_port=$(free_port)
    interserver_port=$(free_port)
  fi
  mkdir -p "$dir"
  write_clickhouse_config "$dir" "$http_port" "$tcp_port" "$interserver_port"
  echo "$http_port $tcp_port $interserver_port" >"$dir/ports.new"
  local url="http://127.0.0.1:$http_port"
  rm -f "$pidfile"
  # "Include not found: networks" on stderr is harmless (no remote_servers/networks config).
  "$server" --config-file="$dir/config.xml" --daemon --pid-file="$pidfile" >"$dir/log/stdout.log" 2>&1
  if wait_until 30 curl -sf "$url/ping"; then
    echo "$url" >"$urlfile"
    mv "$dir/ports.new" "$dir/ports"
    echo "$url"
    return 0
  fi
  echo "clickhouse-server did not answer $url/ping within 30 s; see $dir/log/" >&2
  tail -20 "$dir/log/clickhouse-server.err.log" >&2 2>/dev/null || true
  stop >/dev/null 2>&1 || true
  return 1
}

stop() {
  local pid
  if pid=$(running_pid); then
    stop_pid "$pid" 30
  fi
  rm -f "$pidfile" "$urlfile"
}

url() {
  running_pid >/dev/null || { echo "no ClickHouse server runs from $dir; run scripts/clickhouse.sh start" >&2; return 1; }
  cat "$urlfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: scripts/clickhouse.sh start|stop|url" >&2; exit 2 ;;
esac
