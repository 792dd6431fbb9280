#!/usr/bin/env bash
# Scale-out benchmark: 1, 2 and 3 pipeline processes (separate JVMs) in one Kafka consumer group, and
# separately on one SQS queue (ElasticMQ), storing into the two-shard ClickHouse cluster. Prints the
# throughput per process count and its ratio to one process, points lost (must be 0) and duplicated,
# with one process killed (kill -9) mid-run, and the load average beside every figure.
#
# Uses CLICKHOUSE_CLUSTER_URL/CLICKHOUSE_CLUSTER and KAFKA_BOOTSTRAP when set; otherwise starts the
# cluster (scripts/clickhouse-cluster.sh) and a broker (scripts/kafka.sh) and stops them on exit.
#
# Usage: scripts/bench-scaleout.sh [kafka|sqs|both=both] [items=20000] [processes=1,2,3] [repeats=1]
#        (an item is one host's scrape of 20 metrics: 20,000 items = 400,000 points; the counts run in
#        interleaved rounds, medians and their ratio to one process printed at the end)
#
# SCALEOUT_CPUS=0.4 (or any fraction; "none" turns it off) puts every worker process in its own
# cgroup-v1 cpu group with that CFS quota (cpu.cfs_quota_us = period x CPUs), like separate small
# machines: on a 2-core box shared with the servers, unlimited workers only fight over the same
# cores. Needs a writable /sys/fs/cgroup/cpu (root, cgroup v1); without one the script says so and
# runs the workers unlimited.
set -euo pipefail
cd "$(dirname "$0")/.."
cleanup=()
on_exit() { for c in "${cleanup[@]}"; do $c || true; done; }
trap on_exit EXIT
remove_cgroups() {
  local g
  for g in "$1"/w*/; do [[ -d $g ]] && rmdir "$g" 2>/dev/null; done
  rmdir "$1"
}
if [[ -z "${CLICKHOUSE_CLUSTER_URL:-}" ]]; then
  scripts/clickhouse-cluster.sh start >/dev/null
  eval "$(scripts/clickhouse-cluster.sh env)"
  cleanup+=("scripts/clickhouse-cluster.sh stop")
fi
if [[ "${1:-both}" != sqs && -z "${KAFKA_BOOTSTRAP:-}" ]]; then
  KAFKA_BOOTSTRAP=$(scripts/kafka.sh start)
  export KAFKA_BOOTSTRAP
  cleanup+=("scripts/kafka.sh stop")
fi
cp_file="$(pwd)/benchmarks/target/scaleout.classpath"
mvn -B -q test-compile dependency:build-classpath -pl benchmarks -am \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
cpu_root=/sys/fs/cgroup/cpu
cpus=${SCALEOUT_CPUS:-0.4}
if [[ $cpus != none ]]; then
  group=$cpu_root/metrics-scaleout-$$
  if mkdir "$group" 2>/dev/null && [[ -w $group/cpu.cfs_quota_us ]]; then
    export SCALEOUT_CGROUP=$group SCALEOUT_CPUS=$cpus
    # the workers' groups (w1, w2, ...) are removed once their processes are gone
    cleanup+=("remove_cgroups $group")
    echo "== workers limited to $cpus CPU each, one cgroup each under $group"
  else
    rmdir "$group" 2>/dev/null || true
    echo "== NOTE: $cpu_root is not writable (needs root and cgroup v1's cpu controller):" \
      "workers run WITHOUT a CPU limit and share the machine's cores; ratios show contention, not scale-out"
  fi
fi
echo "== $(nproc) cores, uptime: $(uptime)"
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.com.clickhouse=error \
  -Dorg.slf4j.simpleLogger.log.org.apache.pekko=warn -Dorg.slf4j.simpleLogger.log.org.elasticmq=warn \
  -cp "benchmarks/target/test-classes:benchmarks/target/classes:$(cat "$cp_file")" \
  org.metricspipeline.benchmarks.ScaleOutBenchmark "$@"
