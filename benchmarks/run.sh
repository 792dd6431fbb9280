#!/usr/bin/env bash
# Runs the benchmarks with settings for a small (2-core) machine and prints medians.
#
#   benchmarks/run.sh                  # throughput (1, 2, 4 producers; reused and fresh tags) + memory
#   benchmarks/run.sh reusedTags       # only the benchmarks matching a JMH regex, then memory
#   JMH_OPTS="-f 1 -wi 1 -i 3" benchmarks/run.sh     # other JMH settings
#   POINTS=1000000 benchmarks/run.sh   # a smaller memory footprint run
#   SKIP_MEMORY=1 / SKIP_THROUGHPUT=1 / SKIP_QUERY=1  # leave a part out
#
# Builds benchmarks/target/benchmarks.jar first when it is missing or older than the sources.
# Absolute figures are only comparable within one run on one machine; look at medians.
set -euo pipefail

cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 2 -w 2s -i 5 -r 2s"}
POINTS=${POINTS:-10000000}
# The library logs through SLF4J; benchmarks have no binding: pick SLF4J's own no-op provider.
QUIET_SLF4J=(-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -Dslf4j.internal.verbosity=WARN)

if [[ ! -f "$JAR" ]] || [[ -n "$(find pom.xml */pom.xml metrics-api/src metrics-core/src adapters-memory/src \
    benchmarks/src -newer "$JAR" -type f -print -quit)" ]]; then
  echo "== building $JAR"
  mvn -B -q -pl benchmarks -am package -DskipTests
fi

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $("$JAVA" -version 2>&1 | head -1)"

if [[ -z "${SKIP_THROUGHPUT:-}" ]]; then
  echo "== PipelineThroughputBenchmark: end-to-end points/s ($JMH_OPTS)"
  # shellcheck disable=SC2086
  "$JAVA" "${QUIET_SLF4J[@]}" -cp "$JAR" org.metricspipeline.benchmarks.MedianReport $JMH_OPTS \
      "PipelineThroughputBenchmark.${1:-}" | tee benchmarks/target/throughput.log \
      | sed -u -n '/^# Benchmark:/p; /^Medians/,$p'
  echo "(full JMH output: benchmarks/target/throughput.log)"
  echo "goal: >= 5,000,000 points/s end to end"
fi

if [[ -z "${SKIP_QUERY:-}" ]]; then
  echo "== MemoryAvgBenchmark: avg, 1-minute step, 10M points, raw vs 1m rollup ($JMH_OPTS)"
  # shellcheck disable=SC2086
  "$JAVA" "${QUIET_SLF4J[@]}" -cp "$JAR" org.metricspipeline.benchmarks.MedianReport $JMH_OPTS \
      "MemoryAvgBenchmark" | tee benchmarks/target/query.log \
      | sed -u -n '/^# Benchmark:/p; /^Medians/,$p'
  echo "goal: < 40 ms from raw, < 5 ms from the 1m rollup"
fi

if [[ -z "${SKIP_MEMORY:-}" ]]; then
  echo "== MemoryFootprint: $POINTS points"
  "$JAVA" -Xms3g -Xmx3g "${QUIET_SLF4J[@]}" -cp "$JAR" org.metricspipeline.benchmarks.MemoryFootprint "$POINTS"
fi
