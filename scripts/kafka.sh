#!/usr/bin/env bash
# Runs a throwaway single-node Apache Kafka broker (KRaft mode, no ZooKeeper) on loopback for the
# tests and the quick start. The broker is Kafka's own server artifact (org.apache.kafka:kafka_2.13,
# resolved from Maven Central by scripts/kafka/pom.xml) run as a plain Java process.
#
#   scripts/kafka.sh start   # resolves the broker jars when missing, formats a data dir under
#                            # target/kafka/ (once), starts the broker, prints its bootstrap address
#   scripts/kafka.sh bootstrap   # prints the bootstrap address of the running broker (fails when none)
#   scripts/kafka.sh stop    # stops it (SIGTERM, a clean shutdown) and waits until it is gone
#
#   export KAFKA_BOOTSTRAP=$(scripts/kafka.sh start)   # what scripts/verify.sh does
#
# Ports are free ephemeral ports on 127.0.0.1; a restart on the same dir keeps them (and the data)
# while they are free, so clients holding the address reconnect to the same broker. Set KAFKA_DIR to
# put the config and data somewhere else than target/kafka, KAFKA_HEAP (default 512m) for the heap.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${KAFKA_DIR:-$PWD/target/kafka}
pidfile=$dir/broker.pid
bootstrapfile=$dir/bootstrap
classpathfile=${KAFKA_CLASSPATH_FILE:-$PWD/target/kafka-broker.classpath}

# free_port, port_is_free, port_answers
# shellcheck source=lib/ports.sh
source scripts/lib/ports.sh

running_pid() {
  [[ -f $pidfile ]] || return 1
  local pid
  pid=$(cat "$pidfile")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# The broker's class path, resolved once from Maven Central (no -o: a fresh machine has nothing).
classpath() {
  if [[ -f $classpathfile ]]; then
    local ok=yes jar
    IFS=: read -r -a jars <"$classpathfile"
    for jar in "${jars[@]}"; do [[ -f $jar ]] || { ok=no; break; }; done
    [[ $ok == yes ]] && { cat "$classpathfile"; return 0; }
  fi
  mkdir -p "$(dirname "$classpathfile")"
  mvn -B -q -f scripts/kafka/pom.xml dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$classpathfile.new" >&2
  mv "$classpathfile.new" "$classpathfile"
  cat "$classpathfile"
}

write_config() {
  local broker_port=$1 controller_port=$2
  mkdir -p "$dir/data" "$dir/log"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$broker_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$broker_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
PROPS
  cat >"$dir/log4j2.properties" <<PROPS
status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = $dir/log/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
PROPS
}

start() {
  if running_pid >/dev/null; then
    cat "$bootstrapfile"
    return 0
  fi
  # shellcheck source=lib/packages.sh
  source scripts/lib/packages.sh
  ensure_packages python3:python3 >&2
  command -v java >/dev/null || { echo "kafka.sh needs java (17+) on the PATH" >&2; return 1; }
  command -v mvn >/dev/null || { echo "kafka.sh needs mvn on the PATH to resolve the broker jars" >&2; return 1; }
  local cp
  cp=$(classpath)
  local broker_port controller_port
  if [[ -f $dir/ports ]] && read -r broker_port controller_port <"$dir/ports" \
      && port_is_free "$broker_port" && port_is_free "$controller_port"; then
    :
  else
    broker_port=$(free_port)
    controller_port=$(free_port)
    while [[ $controller_port == "$broker_port" ]]; do controller_port=$(free_port); done
  fi
  mkdir -p "$dir"
  write_config "$broker_port" "$controller_port"
  local java_opts=(-Xms128m "-Xmx${KAFKA_HEAP:-512m}" -XX:+UseSerialGC -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$dir/log4j2.properties")
  if [[ ! -f $dir/data/meta.properties ]]; then
    local cluster_id
    cluster_id=$(java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool random-uuid)
    java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
      -c "$dir/server.properties" >"$dir/log/format.log" 2>&1 \
      || { echo "formatting $dir/data failed; see $dir/log/format.log" >&2; return 1; }
  fi
  rm -f "$pidfile" "$bootstrapfile"
  nohup java -cp "$cp" "${java_opts[@]}" kafka.Kafka "$dir/server.properties" \
    >"$dir/log/stdout.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pidfile"
  local bootstrap="127.0.0.1:$broker_port"
  for _ in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the Kafka broker exited while starting; see $dir/log/" >&2
      tail -20 "$dir/log/stdout.log" >&2 2>/dev/null || true
      rm -f "$pidfile"
      return 1
    fi
    # The broker's own log lines go nowhere (its slf4j 1.7 has no binding): the listener answering
    # is the sign it is up (the broker opens it once its metadata is loaded).
    if port_answers "$broker_port"; then
      echo "$bootstrap" >"$bootstrapfile"
      echo "$broker_port $controller_port" >"$dir/ports"
      echo "$bootstrap"
      return 0
    fi
    sleep 0.1
  done
  echo "the Kafka broker did not start within 60 s; see $dir/log/" >&2
  stop >/dev/null 2>&1 || true
  return 1
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$pidfile" "$bootstrapfile"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile" "$bootstrapfile"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile" "$bootstrapfile"
}

bootstrap() {
  running_pid >/dev/null || { echo "no Kafka broker runs from $dir; run scripts/kafka.sh start" >&2; return 1; }
  cat "$bootstrapfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  bootstrap) bootstrap ;;
  *) echo "usage: scripts/kafka.sh start|stop|bootstrap" >&2; exit 2 ;;
esac
