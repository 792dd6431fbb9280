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

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# True when the port can be bound on loopback now (as the server binds: SO_REUSEADDR, so closed
# connections of a stopped server in TIME_WAIT do not count).
port_is_free() {
  python3 -c 'import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.close()' "$1" 2>/dev/null
}

running_pid() {
  [[ -f $pidfile ]] || return 1
  local pid
  pid=$(cat "$pidfile")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

write_config() {
  local http_port=$1 tcp_port=$2 interserver_port=$3
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
  cp /etc/clickhouse-server/users.xml "$dir/users.xml"
  cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$dir/log/clickhouse-server.log</log>
    <errorlog>$dir/log/clickhouse-server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http_port</http_port>
  <tcp_port>$tcp_port</tcp_port>
  <interserver_http_port>$interserver_port</interserver_http_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
EOF
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
  write_config "$http_port" "$tcp_port" "$interserver_port"
  echo "$http_port $tcp_port $interserver_port" >"$dir/ports.new"
  local url="http://127.0.0.1:$http_port"
  rm -f "$pidfile"
  # "Include not found: networks" on stderr is harmless (no remote_servers/networks config).
  "$server" --config-file="$dir/config.xml" --daemon --pid-file="$pidfile" >"$dir/log/stdout.log" 2>&1
  for _ in $(seq 1 300); do
    if curl -sf "$url/ping" >/dev/null 2>&1; then
      echo "$url" >"$urlfile"
      mv "$dir/ports.new" "$dir/ports"
      echo "$url"
      return 0
    fi
    sleep 0.1
  done
  echo "clickhouse-server did not answer $url/ping within 30 s; see $dir/log/" >&2
  tail -20 "$dir/log/clickhouse-server.err.log" >&2 2>/dev/null || true
  stop >/dev/null 2>&1 || true
  return 1
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$pidfile" "$urlfile"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile" "$urlfile"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
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
