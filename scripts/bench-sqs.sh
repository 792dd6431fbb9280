#!/usr/bin/env bash
# SQS consuming benchmark: the SQS adapter + MetricsPipeline into the memory store vs a bare AWS SDK
# receive-and-delete loop with the same client and concurrency, both against embedded ElasticMQ in
# one JVM. Prints both rates and their ratio (goal: adapter >= 0.9 x bare).
#
# Usage: scripts/bench-sqs.sh [messages=20000] [concurrency=4] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$(pwd)/adapters-sqs/target/bench.classpath"
mvn -B -q test-compile dependency:build-classpath -pl adapters-sqs -am \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
exec java -Xmx1g -cp "adapters-sqs/target/test-classes:adapters-sqs/target/classes:$(cat "$cp_file")" \
  org.metricspipeline.adapters.sqs.SqsAdapterBenchmark "$@"
