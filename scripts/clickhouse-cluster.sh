#!/usr/bin/env bash
# Runs a throwaway ClickHouse cluster on loopback for the tests and benchmarks: Debian's zookeeper
# (3.8, standalone) and three Debian clickhouse-server 18.16 processes (the binary scripts/clickhouse.sh
# runs) forming two shards, the first of them a replica pair:
#
#   shard 01: s1 (replica r1), s3 (replica r2)     shard 02: s2 (replica r1)
#
# Two clusters are declared in every server's remote_servers:
#   metrics_cluster   shards 01 (s1, s3) and 02 (s2), internal_replication true: for
#                     ReplicatedMergeTree tables (the adapter's replication=true)
#   metrics_shards    shards 01 (s1) and 02 (s2), one replica each: for plain MergeTree tables
#   metrics_replicas  shard 01 (s1, s3) alone: every shard has two replicas (InsertQuorumIT's
#                     insert-quorum 2, which must reach every shard)
# Each server has macros {shard} (01/02) and {replica} (r1/r2), the zookeeper and distributed_ddl
# (ON CLUSTER) config. Data and logs stay under target/clickhouse-cluster/ (CLICKHOUSE_CLUSTER_DIR).
#
#   scripts/clickhouse-cluster.sh start      # installs zookeeper/clickhouse-server when missing,
#                                            # starts everything, prints the URL of s1
#   scripts/clickhouse-cluster.sh url        # the URL of s1 (fails when the cluster is not running)
#   scripts/clickhouse-cluster.sh env        # export lines: CLICKHOUSE_CLUSTER_URL, CLICKHOUSE_CLUSTER,
#                                            # CLICKHOUSE_CLUSTER_SHARDS, CLICKHOUSE_CLUSTER_S1..S3_URL
#   scripts/clickhouse-cluster.sh stop       # stops the servers, then zookeeper
#   scripts/clickhouse-cluster.sh stop-server s2|start-server s2   # one server (drills)
#   scripts/clickhouse-cluster.sh pid s2     # the pid of one server (a test kills it with -9)
#
#   export CLICKHOUSE_CLUSTER_URL=$(scripts/clickhouse-cluster.sh start)   # what scripts/verify.sh does
#   eval "$(scripts/clickhouse-cluster.sh env)"
#
# CLICKHOUSE_CLUSTER_REPLICA=no starts s1 and s2 only (no replica pair; use metrics_shards).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${CLICKHOUSE_CLUSTER_DIR:-$PWD/target/clickhouse-cluster}
servers=(s1 s2)
[[ ${CLICKHOUSE_CLUSTER_REPLICA:-yes} == no ]] || servers+=(s3)
[[ -f $dir/servers ]] && read -r -a servers <"$dir/servers"

# shellcheck source=lib/ports.sh
source scripts/lib/ports.sh
# shellcheck source=lib/clickhouse-config.sh
source scripts/lib/clickhouse-config.sh

running_pid() {
  local pidfile=$1 pid
  [[ -f $pidfile ]] || return 1
  pid=$(cat "$pidfile")
  pid_alive "$pid" && echo "$pid"
}

# Ports of every process, chosen once and kept (a restart reuses them while they are free).
ports() {
  if [[ ! -f $dir/ports ]]; then
    mkdir -p "$dir"
    {
      echo "zookeeper $(free_port)"
      for s in s1 s2 s3; do echo "$s $(free_port) $(free_port) $(free_port)"; done
    } >"$dir/ports"
  fi
}

port_of() { awk -v n="$1" -v i="$2" '$1 == n { print $(i + 1) }' "$dir/ports"; }
url_of() { echo "http://127.0.0.1:$(port_of "$1" 1)"; }

replica_xml() {
  echo "<replica><host>127.0.0.1</host><port>$(port_of "$1" 2)</port></replica>"
}

cluster_xml() {
  local shard1="$(replica_xml s1)"
  [[ " ${servers[*]} " == *" s3 "* ]] && shard1+="$(replica_xml s3)"
  cat <<XML
  <remote_servers>
    <metrics_cluster>
      <shard><internal_replication>true</internal_replication>$shard1</shard>
      <shard><internal_replication>true</internal_replication>$(replica_xml s2)</shard>
    </metrics_cluster>
    <metrics_shards>
      <shard>$(replica_xml s1)</shard>
      <shard>$(replica_xml s2)</shard>
    </metrics_shards>
    <metrics_replicas>
      <shard><internal_replication>true</internal_replication>$shard1</shard>
    </metrics_replicas>
  </remote_servers>
  <zookeeper>
    <node><host>127.0.0.1</host><port>$(port_of zookeeper 1)</port></node>
    <!-- 10 s, not 30: a server killed with -9 keeps its ephemeral nodes (replica is_active, the DDL
         worker's active node) until its session expires, and a server restarted before that finds
         its replica "already active" and its DDL worker never executes ON CLUSTER statements again;
         start-server waits out the expiry after an unclean stop -->
    <session_timeout_ms>10000</session_timeout_ms>
  </zookeeper>
  <distributed_ddl>
    <path>/clickhouse/task_queue/ddl</path>
    <!-- 18.16's DDLWorker dies for good when its queue cleaner (or another server's) deletes a task
         that its startup scan has listed but not read yet ("No node"; fixed upstream in 20.x,
         ClickHouse PR 9927): every later ON CLUSTER statement then times out with this server "not
         active". The cleaner deletes only beyond max_tasks_in_queue (default 1000, which one run of
         the cluster ITs passes) or after task_max_lifetime, so a throwaway test cluster keeps them all. -->
    <max_tasks_in_queue>1000000</max_tasks_in_queue>
  </distributed_ddl>
XML
}

macros_xml() {
  case $1 in
    s1) echo "  <macros><shard>01</shard><replica>r1</replica></macros>" ;;
    s2) echo "  <macros><shard>02</shard><replica>r1</replica></macros>" ;;
    s3) echo "  <macros><shard>01</shard><replica>r2</replica></macros>" ;;
  esac
}

# True when zookeeper answers the four-letter `stat` with its mode (it says "not currently serving
# requests" while it starts).
zookeeper_serves() {
  python3 -c 'import socket,sys
s=socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1); s.sendall(b"stat")
out=b""
while True:
    b=s.recv(4096)
    if not b: break
    out+=b
sys.exit(0 if b"Mode:" in out else 1)' "$1" 2>/dev/null
}

start_zookeeper() {
  local zk=$dir/zookeeper
  running_pid "$zk/pid" >/dev/null && return 0
  mkdir -p "$zk/data" "$zk/log"
  local port
  port=$(port_of zookeeper 1)
  cat >"$zk/zoo.cfg" <<CFG
tickTime=2000
dataDir=$zk/data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=200
admin.enableServer=false
4lw.commands.whitelist=ruok,stat
CFG
  cat >"$zk/log4j.properties" <<CFG
log4j.rootLogger=WARN, FILE
log4j.appender.FILE=org.apache.log4j.FileAppender
log4j.appender.FILE.File=$zk/log/zookeeper.log
log4j.appender.FILE.layout=org.apache.log4j.PatternLayout
log4j.appender.FILE.layout.ConversionPattern=%d %p %c: %m%n
CFG
  nohup java -Xms64m -Xmx256m -XX:+UseSerialGC -Dzookeeper.log.dir="$zk/log" \
    -Dlog4j.configuration="file:$zk/log4j.properties" \
    -cp "/usr/share/java/zookeeper.jar:/usr/share/java/log4j-1.2.jar:/usr/share/java/slf4j-log4j12.jar" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$zk/zoo.cfg" >"$zk/log/stdout.log" 2>&1 </dev/null &
  echo $! >"$zk/pid"
  # serving, not just listening: an 18.16 server that starts before zookeeper serves sessions fails
  # to load its Replicated tables and exits
  if ! wait_until 60 zookeeper_serves "$port"; then
    echo "zookeeper did not serve on 127.0.0.1:$port within 60 s; see $zk/log/" >&2
    tail -20 "$zk/log/stdout.log" >&2 || true
    return 1
  fi
}

start_server() {
  local s=$1 sdir=$dir/$1
  running_pid "$sdir/server.pid" >/dev/null && return 0
  if [[ -f "$sdir/server.pid" ]]; then
    # killed (a clean stop removes the file): let its zookeeper session (10 s) expire first
    echo "clickhouse-server $s was killed: waiting 13 s for its zookeeper session to expire" >&2
    sleep 13
  fi
  local server
  server=$(command -v clickhouse-server || echo /usr/bin/clickhouse-server)
  write_clickhouse_config "$sdir" "$(port_of "$s" 1)" "$(port_of "$s" 2)" "$(port_of "$s" 3)" \
    "$(cluster_xml)
$(macros_xml "$s")"
  rm -f "$sdir/server.pid"
  "$server" --config-file="$sdir/config.xml" --daemon --pid-file="$sdir/server.pid" >"$sdir/log/stdout.log" 2>&1
}

await_server() {
  local s=$1
  if ! wait_until 60 curl -sf "$(url_of "$s")/ping"; then
    echo "clickhouse-server $s did not answer $(url_of "$s")/ping within 60 s; see $dir/$s/log/" >&2
    tail -20 "$dir/$s/log/clickhouse-server.err.log" >&2 2>/dev/null || true
    return 1
  fi
}

start() {
  # shellcheck source=lib/packages.sh
  source scripts/lib/packages.sh
  ensure_packages clickhouse-server:clickhouse-server clickhouse-client:clickhouse-client \
    python3:python3 curl:curl java:default-jre-headless >&2
  [[ -f /usr/share/java/zookeeper.jar ]] || {
    # the package brings no command on the PATH: install by file
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    echo "installing Debian packages: zookeeper" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq install zookeeper >/dev/null \
      || { $sudo apt-get -qq update >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq install zookeeper >/dev/null; } \
      || { echo "could not install Debian's zookeeper" >&2; return 1; }
  }
  ports
  echo "${servers[*]}" >"$dir/servers"
  start_zookeeper
  local s
  for s in "${servers[@]}"; do start_server "$s"; done
  for s in "${servers[@]}"; do await_server "$s" || { stop >/dev/null 2>&1; return 1; }; done
  url_of s1
}

stop() {
  local s pid
  for s in s1 s2 s3; do
    if pid=$(running_pid "$dir/$s/server.pid"); then stop_pid "$pid" 30; fi
    rm -f "$dir/$s/server.pid"
  done
  if pid=$(running_pid "$dir/zookeeper/pid"); then stop_pid "$pid" 15; fi
  rm -f "$dir/zookeeper/pid" "$dir/servers"
}

require_running() {
  running_pid "$dir/s1/server.pid" >/dev/null || {
    echo "no ClickHouse cluster runs from $dir; run scripts/clickhouse-cluster.sh start" >&2
    return 1
  }
}

env_lines() {
  require_running
  echo "export CLICKHOUSE_CLUSTER_URL=$(url_of s1)"
  if [[ " ${servers[*]} " == *" s3 "* ]]; then
    echo "export CLICKHOUSE_CLUSTER=metrics_cluster"
  else
    echo "export CLICKHOUSE_CLUSTER=metrics_shards"
  fi
  echo "export CLICKHOUSE_CLUSTER_SHARDS=2"
  echo "export CLICKHOUSE_CLUSTER_DIR=$dir"
  for s in "${servers[@]}"; do echo "export CLICKHOUSE_CLUSTER_${s^^}_URL=$(url_of "$s")"; done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) require_running && url_of s1 ;;
  env) env_lines ;;
  pid) running_pid "$dir/${2:?server name}/server.pid" ;;
  stop-server) pid=$(running_pid "$dir/${2:?server name}/server.pid") && stop_pid "$pid" 30; rm -f "$dir/$2/server.pid" ;;
  start-server) start_server "${2:?server name}" && await_server "$2" ;;
  *) echo "usage: scripts/clickhouse-cluster.sh start|stop|url|env|pid S|stop-server S|start-server S" >&2; exit 2 ;;
esac
