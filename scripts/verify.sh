#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: starts the servers the tests need (later
# modules add theirs here), then `mvn -B verify` with the default JDK, then again with every other
# JDK 21+ found under /usr/lib/jvm (the project promises Java 17 and newer LTS releases).
#
#   scripts/verify.sh                      # all tests, default JDK + other installed JDKs
#   VERIFY_JDKS=none scripts/verify.sh     # default JDK only
#   VERIFY_JDKS="/path/to/jdk ..." scripts/verify.sh   # these extra JDKs
#   scripts/verify.sh -pl metrics-core -am # extra Maven arguments are passed on
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  echo "verify.sh needs Java 17+ and Maven 3.8+ on the PATH" >&2
  exit 1
fi

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

default_home=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')
extra=()
if [[ "${VERIFY_JDKS:-}" == none ]]; then
  :
elif [[ -n "${VERIFY_JDKS:-}" ]]; then
  read -r -a extra <<<"$VERIFY_JDKS"
else
  for home in /usr/lib/jvm/*/; do
    home=${home%/}
    [[ -x "$home/bin/javac" && ! -L "$home" ]] || continue
    [[ "$(readlink -f "$home")" == "$(readlink -f "$default_home")" ]] && continue
    major=$(java_major "$home")
    [[ -n "$major" && "$major" -ge 21 ]] && extra+=("$home")
  done
fi

# ClickHouse for the adapters-clickhouse ITs: a loopback server with a data dir under target/,
# unless CLICKHOUSE_URL already names one. Stopped on exit, whatever happens.
if [[ -z "${CLICKHOUSE_URL:-}" ]]; then
  CLICKHOUSE_URL=$(scripts/clickhouse.sh start)
  export CLICKHOUSE_URL
  trap 'scripts/clickhouse.sh stop' EXIT
  echo "== ClickHouse for the tests at $CLICKHOUSE_URL (scripts/clickhouse.sh)"
fi

# PostgreSQL for the adapters-postgres ITs: a private cluster under target/postgres, unless
# POSTGRES_URL already names one. Stopped on exit beside whatever the trap already stops.
if [[ -z "${POSTGRES_URL:-}" ]]; then
  POSTGRES_URL=$(scripts/postgres.sh start)
  export POSTGRES_URL
  previous_trap=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
  trap "scripts/postgres.sh stop; ${previous_trap:-:}" EXIT
  echo "== PostgreSQL for the tests at ${POSTGRES_URL%%\?*} (scripts/postgres.sh)"
fi

# Kafka for the adapters-kafka ITs: a KRaft broker (scripts/kafka.sh) with data under target/,
# unless KAFKA_BOOTSTRAP already names one. Stopped on exit (before what an earlier trap stops).
if [[ -z "${KAFKA_BOOTSTRAP:-}" ]]; then
  KAFKA_BOOTSTRAP=$(scripts/kafka.sh start)
  export KAFKA_BOOTSTRAP
  earlier_exit_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT\$/\1/")
  trap "scripts/kafka.sh stop${earlier_exit_trap:+; $earlier_exit_trap}" EXIT
  echo "== Kafka for the tests at $KAFKA_BOOTSTRAP (scripts/kafka.sh)"
fi

# The ClickHouse cluster for the adapters-clickhouse cluster ITs (ClusterConformanceIT, ClusterEquivalenceIT,
# ShardKillIT, InsertQuorumIT): zookeeper + three 18.16 servers (two shards, one a replica pair) under target/, started once
# and shared, unless CLICKHOUSE_CLUSTER_URL already names one. Stopped on exit with the rest.
if [[ -z "${CLICKHOUSE_CLUSTER_URL:-}" ]]; then
  scripts/clickhouse-cluster.sh start >/dev/null
  eval "$(scripts/clickhouse-cluster.sh env)"
  earlier_cluster_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT\$/\1/")
  trap "scripts/clickhouse-cluster.sh stop${earlier_cluster_trap:+; $earlier_cluster_trap}" EXIT
  echo "== ClickHouse cluster $CLICKHOUSE_CLUSTER for the tests at $CLICKHOUSE_CLUSTER_URL (scripts/clickhouse-cluster.sh)"
fi

# The chdb statement check: every statement shape the adapter generates, on the current engine.
run_chdb_check() {
  [[ "${VERIFY_CHDB:-yes}" == no ]] && return 0
  [[ -f adapters-clickhouse/target/chdb/statements.jsonl ]] || return 0
  echo "== chdb: the adapter's statements on the current ClickHouse engine"
  scripts/chdb-check.sh
}

# The dashboards' browser tests (examples' DashboardBrowserIT) drive Debian's Chromium: install it when
# missing and export CHROMIUM. Without it they fail under CI=true and skip elsewhere.
if ! source scripts/chromium.sh; then
  [[ "${CI:-}" == true ]] && { echo "verify.sh: Chromium could not be installed" >&2; exit 1; }
  echo "verify.sh: Chromium could not be installed; browser tests will skip" >&2
fi

# The guard's PrometheusIT parses GET /metrics with promtool (Debian's prometheus package): install it
# when missing and export PROMTOOL. Without it the IT fails under CI=true and skips elsewhere.
if PROMTOOL=$(scripts/promtool.sh); then
  export PROMTOOL
else
  [[ "${CI:-}" == true ]] && { echo "verify.sh: promtool could not be installed" >&2; exit 1; }
  echo "verify.sh: promtool could not be installed; PrometheusIT will skip" >&2
fi

# adapters-http's PrometheusRemoteWriteIT runs a real Prometheus server (scripts/prometheus.sh, which the IT
# calls itself): install the package when missing. Without it the IT fails under CI=true and skips elsewhere.
if PROMETHEUS=$(scripts/prometheus.sh install); then
  export PROMETHEUS
else
  [[ "${CI:-}" == true ]] && { echo "verify.sh: Prometheus could not be installed (scripts/prometheus.sh install)" >&2; exit 1; }
  echo "verify.sh: Prometheus could not be installed; PrometheusRemoteWriteIT will skip" >&2
fi

echo "== mvn -B verify with $(java -version 2>&1 | head -1)"
mvn -B verify "$@"
run_chdb_check

for home in "${extra[@]}"; do
  echo "== mvn -B verify with $("$home/bin/java" -version 2>&1 | head -1) ($home)"
  JAVA_HOME="$home" mvn -B verify "$@"
done
