#!/usr/bin/env bash
# Kafka benchmark, one broker, one run: the publisher vs a bare KafkaProducer loop with the same
# settings, and the adapter + MetricsPipeline into the memory store vs bare KafkaConsumer poll loops
# decoding the same records, with 1 and 3 consumers. Prints records/s, points/s, medians and ratios
# (goal: ours >= 0.9 x bare). Uses KAFKA_BOOTSTRAP, or starts a broker (scripts/kafka.sh) and stops it.
#
# Usage: scripts/bench-kafka.sh [records=100000] [rounds=3]   (after one uncounted warm-up round;
# the ratio is the median of the rounds' ours / bare, each pair run back to back in alternating order)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${KAFKA_BOOTSTRAP:-}" ]]; then
  KAFKA_BOOTSTRAP=$(scripts/kafka.sh start)
  export KAFKA_BOOTSTRAP
  trap 'scripts/kafka.sh stop' EXIT
fi
cp_file="$(pwd)/adapters-kafka/target/bench.classpath"
mvn -B -q test-compile dependency:build-classpath -pl adapters-kafka -am \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
# BENCH_JAVA_OPTS adds JVM options (a JFR recording: -XX:StartFlightRecording=filename=kafka.jfr).
# shellcheck disable=SC2086
java -Xms1g -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-} \
  -cp "adapters-kafka/target/test-classes:adapters-kafka/target/classes:$(cat "$cp_file")" \
  org.metricspipeline.adapters.kafka.KafkaBenchmark "$@"
