#!/usr/bin/env bash
# The durable store's figures beside the memory-only store, from a fresh clone:
# 10 million points in 1,000 series, 10 s apart, two-decimal values (sine plus noise).
#
#   scripts/bench-durable.sh          # two runs, then medians
#   RUNS=3 scripts/bench-durable.sh
#
# Prints: pipeline throughput (memory-only, durable with fsync every 1 s, durable with fsync per
# batch), on-disk and in-memory bytes per point, restart time, and the avg query (1-minute step over
# every point) on compressed vs uncompressed chunks. Data goes to benchmarks/target/bench-durable.
set -euo pipefail

cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
RUNS=${RUNS:-2}

if [[ ! -f "$JAR" ]] || [[ -n "$(find pom.xml */pom.xml metrics-api/src metrics-core/src adapters-memory/src \
    benchmarks/src -newer "$JAR" -type f -print -quit)" ]]; then
  echo "== building $JAR"
  mvn -B -q -pl benchmarks -am package -DskipTests
fi

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $("$JAVA" -version 2>&1 | head -1)"
"$JAVA" -Xms2g -Xmx2g -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -Dslf4j.internal.verbosity=WARN \
  -cp "$JAR" org.metricspipeline.benchmarks.DurableFigures "$RUNS" benchmarks/target/bench-durable
