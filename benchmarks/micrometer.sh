#!/usr/bin/env bash
# One publication step of 10,000 Micrometer meters: PipelineMeterRegistry into the in-memory store
# through a pipeline, beside Micrometer's Prometheus registry scraping the same meters. Runs the
# JMH benchmark RUNS times (default 2) and prints each run's medians, then the median over runs,
# meters published per second and the ratio to the Prometheus scrape.
#
#   benchmarks/micrometer.sh                 # JMH_OPTS="-f 1 -wi 3 -w 2s -i 5 -r 2s", RUNS=2
set -euo pipefail

cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 3 -w 2s -i 5 -r 2s"}
RUNS=${RUNS:-2}
QUIET_SLF4J=(-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -Dslf4j.internal.verbosity=WARN)

if [[ ! -f "$JAR" ]] || [[ -n "$(find pom.xml */pom.xml metrics-api/src metrics-core/src adapters-memory/src \
    metrics-micrometer/src benchmarks/src -newer "$JAR" -type f -print -quit)" ]]; then
  echo "== building $JAR"
  mvn -B -q -pl benchmarks -am package -DskipTests
fi
mkdir -p benchmarks/target
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $("$JAVA" -version 2>&1 | head -1)"
: > benchmarks/target/micrometer-medians.txt
for run in $(seq 1 "$RUNS"); do
  echo "== run $run of $RUNS: MicrometerStepBenchmark ($JMH_OPTS)"
  # shellcheck disable=SC2086
  "$JAVA" "${QUIET_SLF4J[@]}" -cp "$JAR" org.metricspipeline.benchmarks.MedianReport $JMH_OPTS \
      MicrometerStepBenchmark > "benchmarks/target/micrometer-run$run.log"
  sed -n '/^Medians/,$p' "benchmarks/target/micrometer-run$run.log"
  sed -n '/^Medians/,$p' "benchmarks/target/micrometer-run$run.log" | awk '/^MicrometerStepBenchmark\./ {print $1, $(NF-3)}' \
      >> benchmarks/target/micrometer-medians.txt
done
python3 - benchmarks/target/micrometer-medians.txt <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, value = line.split()
    runs.setdefault(name, []).append(float(value.replace(",", "")))
step = statistics.median(runs["MicrometerStepBenchmark.pipelineStep"])
scrape = statistics.median(runs["MicrometerStepBenchmark.prometheusScrape"])
print(f"== median over {len(runs['MicrometerStepBenchmark.pipelineStep'])} runs, 10,000 meters")
print(f"pipeline step (map + validate + store in memory): {step:.2f} ms/step = {10000 / step * 1000:,.0f} meters/s")
print(f"Prometheus scrape (render text):                  {scrape:.2f} ms/scrape = {10000 / scrape * 1000:,.0f} meters/s")
print(f"ratio step / scrape: {step / scrape:.2f}")
PY
