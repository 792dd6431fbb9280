#!/usr/bin/env bash
# PostgreSQL benchmark, in one run against one server:
#  1. the same 1M rows inserted through the adapter (from MetricsData objects, one batchStore: binary
#     COPY in one transaction) and through `psql \copy ... (FORMAT binary)` of the same rows,
#     alternating for 3 rounds: both rates (median) and their ratio (goal: adapter >= 0.9 x psql);
#  2. a 1-minute-step avg over 10M points (encoded by the adapter, loaded with one psql \copy; rolled up
#     by the adapter's own rollup) from raw points and from the 1m rollup through the
#     adapter, beside the same SQL run by psql with \timing.
# Uses POSTGRES_URL when set, else starts a cluster with scripts/postgres.sh and stops it afterwards.
#
# Usage: scripts/bench-postgres.sh [rows=1000000] [query_points=10000000] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${POSTGRES_URL:-}" ]]; then
  POSTGRES_URL=$(scripts/postgres.sh start)
  trap 'scripts/postgres.sh stop' EXIT
fi

cp_file="$(pwd)/adapters-postgres/target/bench.classpath"
mvn -B -q test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -pl adapters-postgres -am -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
java -Xmx4g -cp "adapters-postgres/target/test-classes:adapters-postgres/target/classes:$(cat "$cp_file")" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  org.metricspipeline.adapters.postgres.PostgresAdapterBenchmark "$POSTGRES_URL" \
  "${1:-1000000}" "${2:-10000000}" "${3:-3}"
