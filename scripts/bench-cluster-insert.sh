#!/usr/bin/env bash
# The two ways to write into the ClickHouse cluster, same rows, same run: one INSERT into the
# Distributed table with insert_distributed_sync=1 (the entry server splits the rows by the sharding
# key and answers once every shard stored its part: what the adapter does), against the rows split
# by shard beforehand and inserted into each shard's local table directly, both shards at once (what
# an adapter computing the shard itself would do). RowBinary through clickhouse-client; prints
# rows/s per round, medians, the ratio, and the load average.
#
# Uses CLICKHOUSE_CLUSTER_DIR (scripts/clickhouse-cluster.sh env) or starts the cluster and stops it.
# Usage: scripts/bench-cluster-insert.sh [rows=1000000] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
rounds=${2:-3}
if [[ -z "${CLICKHOUSE_CLUSTER_DIR:-}" ]] || ! scripts/clickhouse-cluster.sh url >/dev/null 2>&1; then
  scripts/clickhouse-cluster.sh start >/dev/null
  trap 'scripts/clickhouse-cluster.sh stop' EXIT
fi
eval "$(scripts/clickhouse-cluster.sh env)"
port() { awk -v n="$1" '$1 == n { print $3 }' "$CLICKHOUSE_CLUSTER_DIR/ports"; }
ch() { local p=$1; shift; clickhouse-client --port "$p" "$@"; }
s1=$(port s1)
s2=$(port s2)
work=target/bench-cluster-insert
mkdir -p "$work"
db=bench_insert
cluster=$CLICKHOUSE_CLUSTER
replicated=$([[ $cluster == metrics_shards ]] && echo false || echo true)
cols="metric_type, name, unit, source, tag_keys, tag_values, timestamp_ms, value, day, context, insert_id"
key="cityHash64(metric_type, name, source, unit, tag_keys, tag_values)"
gen="SELECT 'node' AS metric_type, concat('m', toString(number % 20)) AS name, '' AS unit,
  concat('agent-', toString(number % 7)) AS source, ['env', 'host', 'region'] AS tag_keys,
  [if(number % 3 = 0, 'prod', 'staging'), concat('host-', toString(intDiv(number, 20) % 500)),
  concat('r', toString(number % 5))] AS tag_values, toInt64(1764800000000 + number * 150) AS timestamp_ms,
  toFloat64(number % 1000) / 10 AS value, toDate(intDiv(1764800000000 + number * 150, 86400000)) AS day,
  '' AS context, toUInt64(1) AS insert_id FROM numbers($rows)"
ch "$s1" --query "$gen FORMAT RowBinary" >"$work/all.bin"
ch "$s1" --query "SELECT * FROM ($gen) WHERE $key % 2 = 0 FORMAT RowBinary" >"$work/shard1.bin"
ch "$s1" --query "SELECT * FROM ($gen) WHERE $key % 2 = 1 FORMAT RowBinary" >"$work/shard2.bin"

schema() {
  ch "$s1" --query "DROP DATABASE IF EXISTS $db ON CLUSTER $cluster" >/dev/null
  ch "$s1" --query "CREATE DATABASE $db ON CLUSTER $cluster" >/dev/null
  local engine="MergeTree()"
  [[ $replicated == true ]] && engine="ReplicatedMergeTree('/clickhouse/tables/{shard}/$db/metrics_local_$1', '{replica}')"
  ch "$s1" --query "CREATE TABLE $db.metrics_local ON CLUSTER $cluster (metric_type String, name String, unit String,
    source String, tag_keys Array(String), tag_values Array(String), timestamp_ms Int64, value Float64, day Date,
    context String, insert_id UInt64) ENGINE = $engine PARTITION BY day
    ORDER BY (metric_type, name, source, unit, tag_keys, tag_values, timestamp_ms)" >/dev/null
  ch "$s1" --query "CREATE TABLE $db.metrics ON CLUSTER $cluster AS $db.metrics_local
    ENGINE = Distributed($cluster, $db, metrics_local, $key)" >/dev/null
}

seconds() { python3 -c 'import sys,time; print(time.time())'; }
distributed=()
direct=()
for r in $(seq 1 "$rounds"); do
  schema "d$r"
  t0=$(seconds)
  ch "$s1" --insert_distributed_sync=1 --query "INSERT INTO $db.metrics ($cols) FORMAT RowBinary" <"$work/all.bin"
  t1=$(seconds)
  n=$(ch "$s1" --query "SELECT count() FROM $db.metrics")
  distributed+=("$(python3 -c "print(round($n / ($t1 - $t0)))")")
  schema "l$r"
  t0=$(seconds)
  ch "$s1" --query "INSERT INTO $db.metrics_local ($cols) FORMAT RowBinary" <"$work/shard1.bin" &
  ch "$s2" --query "INSERT INTO $db.metrics_local ($cols) FORMAT RowBinary" <"$work/shard2.bin"
  wait
  t1=$(seconds)
  n=$(ch "$s1" --query "SELECT count() FROM $db.metrics")
  direct+=("$(python3 -c "print(round($n / ($t1 - $t0)))")")
  echo "round $r: Distributed (insert_distributed_sync=1) ${distributed[-1]} rows/s | local shards directly ${direct[-1]} rows/s | load $(cut -d' ' -f1-3 /proc/loadavg)"
done
ch "$s1" --query "DROP DATABASE IF EXISTS $db ON CLUSTER $cluster" >/dev/null
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
md=$(median "${distributed[@]}")
ml=$(median "${direct[@]}")
echo "median: Distributed $md rows/s, local shards directly $ml rows/s, ratio Distributed/direct $(python3 -c "print(round($md / $ml, 2))") ($rows rows, cluster $cluster, replicated $replicated)"
