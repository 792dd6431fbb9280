#!/usr/bin/env bash
# Fault drills of issue 13: real servers, real child processes, every point counted. Prints one line
# per drill with acknowledged / stored / distinct / lost / duplicates:
#
#   freeze drill              ClickHouse frozen (SIGSTOP) for 10 s, longer than the pipeline's store
#                             timeout and the adapter's socket timeout, during 5 ack=stored-like
#                             batches, then SIGCONT (FreezeIT)                   goal: 0 duplicates
#   kill -9 drill             a child JVM storing into ClickHouse with ack=stored killed with SIGKILL
#                             a third of the way through 40,000 points (CrashDrillIT)
#                                                                 goal: 0 acknowledged points lost
#   stop-during-outage drill  ack=accepted items in a channel that cannot keep them, storage down,
#                             graceful stop (StopDuringOutageIT)   goal: every unstored item reported
#   SQS kill -9 drill         a child JVM consuming 20,000 SQS messages (ElasticMQ) with 4 receivers
#                             killed with SIGKILL, a second one finishes (ConsumerCrashIT)
#                             goal: 0 lost, duplicates <= the in-flight window (batch 10 x 4 = 40)
#
# Usage: scripts/drills.sh     (starts a ClickHouse with scripts/clickhouse.sh unless CLICKHOUSE_URL
#                               is set, and stops what it started)
set -euo pipefail
cd "$(dirname "$0")/.."

started=
if [[ -z ${CLICKHOUSE_URL:-} ]]; then
  CLICKHOUSE_URL=$(scripts/clickhouse.sh start)
  export CLICKHOUSE_URL
  started=1
fi
log=$(mktemp)
cleanup() {
  rm -f "$log"
  if [[ -n $started ]]; then scripts/clickhouse.sh stop >/dev/null; fi
}
trap cleanup EXIT

status=0
mvn -B -pl adapters-clickhouse,adapters-sqs -am verify \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test='FreezeIT,CrashDrillIT,StopDuringOutageIT,ConsumerCrashIT' >"$log" 2>&1 || status=$?

echo "== drills (issue 13) =="
grep -E '^(freeze drill|kill -9 drill|stop-during-outage drill|SQS kill -9 drill)' "$log" || true
grep -E 'Tests run:.*(Fail|Err)' "$log" | grep -E 'FAIL|Tests run: [0-9]+, Failures: [1-9]|Errors: [1-9]' || true
if [[ $status -ne 0 ]]; then
  echo "drills FAILED (maven exit $status); the last lines of the build:" >&2
  tail -40 "$log" >&2
fi
exit "$status"
