#!/usr/bin/env bash
# ClickHouse benchmark, in one run against one server:
#  1. the same 1M rows inserted through the adapter (from MetricsData objects, one batchStore) and
#     through `curl --data-binary` RowBinary, alternating for 3 rounds: both rates (median) and their
#     ratio (goal: adapter >= 0.9 x curl);
#  2. a 1-minute-step avg over 10M points from raw points and from the 1m rollup through the
#     adapter, beside the same SQL run with clickhouse-client --time.
# Uses CLICKHOUSE_URL when set (plus CLICKHOUSE_TCP_PORT for clickhouse-client), else starts a
# server with scripts/clickhouse.sh and stops it afterwards.
#
# Usage: scripts/bench-clickhouse.sh [rows=1000000] [query_points=10000000] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${CLICKHOUSE_URL:-}" ]]; then
  CLICKHOUSE_URL=$(scripts/clickhouse.sh start)
  trap 'scripts/clickhouse.sh stop' EXIT
fi
tcp_port=${CLICKHOUSE_TCP_PORT:-$(cut -d' ' -f2 "${CLICKHOUSE_DIR:-target/clickhouse}/ports")}

cp_file="$(pwd)/adapters-clickhouse/target/bench.classpath"
mvn -B -q test-compile dependency:build-classpath -pl adapters-clickhouse -am \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
java -Xmx3g -cp "adapters-clickhouse/target/test-classes:adapters-clickhouse/target/classes:$(cat "$cp_file")" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  org.metricspipeline.adapters.clickhouse.ClickHouseAdapterBenchmark "$CLICKHOUSE_URL" "$tcp_port" \
  "${1:-1000000}" "${2:-10000000}" "${3:-3}"
