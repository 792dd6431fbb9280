#!/usr/bin/env bash
# Load benchmark of the HTTP ingestion endpoint against VictoriaMetrics, both on loopback.
#
# wrk posts the same 1,000 points per request to
#   - our quick-start server: POST /api/v1/ingest, JSON, 10 items x 100 metrics
#   - VictoriaMetrics (Debian's victoria-metrics): POST /write, InfluxDB line protocol,
#     10 lines x 100 fields (the same 10 series groups, 1,000 samples)
# with 1 connection (-t1 -c1) and 4 connections (-t2 -c4), DURATION seconds each, and prints
# points/s (= requests/s x 1000), p50/p99 latency, the ratio, and each server's CPU time per
# 1,000 points (from /proc, so it holds up better than points/s on a busy machine). Each measured
# run follows a WARMUP-second run with the same settings against the same server process (both
# servers alike; the JVM compiles its hot paths meanwhile), whose figures are discarded.
# Everything goes under target/.
#
# Usage: benchmarks/http-load.sh            (from the repository root or anywhere)
# Env:   DURATION=15  WARMUP=5  ACK=accepted|stored   (our server's acknowledgement mode, default accepted)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-5}"
MAX_POINTS="${MAX_POINTS:-200000000}"
ACK="${ACK:-accepted}"
OUT="$ROOT/target/http-load"
JAR="$ROOT/examples/target/metrics-examples.jar"
mkdir -p "$OUT"
LOAD_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"

log() { printf '[http-load] %s\n' "$*" >&2; }

# 1. The examples jar.
if [[ ! -f "$JAR" ]]; then
  log "building $JAR"
  mvn -B -q package -DskipTests -pl examples -am
fi

# 2. wrk and victoria-metrics from Debian.
source "$ROOT/scripts/lib/packages.sh"
ensure_packages wrk:wrk victoria-metrics:victoria-metrics

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

wait_http() { # url what
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  log "$2 did not answer $1"; return 1
}

# 3. Our server, started afresh for each run: the in-memory store keeps every posted point (up to
#    MAX_POINTS, 200,000,000 by default, beyond which items are dead-lettered), so one store per run
#    keeps the runs independent; what it stored and dead-lettered is read from its shutdown log line.
MP_PORT="$(free_port)"
start_mp() { # log file
  log "starting the quick-start server on 127.0.0.1:$MP_PORT (--ack $ACK)"
  # --rate-limits off: the default per-IP limits (seed 001) would turn most of the load into 429s
  java -jar "$JAR" --serve --port "$MP_PORT" --no-synthetic --ack "$ACK" --max-points "$MAX_POINTS" --rate-limits off --data-dir "$(mktemp -d)" >"$1" 2>&1 &
  PIDS[0]=$!
  wait_http "http://127.0.0.1:$MP_PORT/health" "metrics pipeline server"
}
stop_mp() { # log file; sets MP_STORED to "stored_points dead_lettered" (not in a subshell: it waits)
  kill "${PIDS[0]}" 2>/dev/null; wait "${PIDS[0]}" 2>/dev/null || true; PIDS[0]=""
  MP_STORED=$(sed -n 's/.*(\([0-9]*\) points) in total, rejected \([0-9]*\), dead-lettered \([0-9]*\).*/\1 \3/p' "$1" | tail -1)
}

# 4. Bodies: 10 items (hosts) x 100 metrics = 1,000 points, recent timestamps.
#    The same body is posted again and again (both servers accept repeated samples).
python3 - "$OUT" <<'PY'
import json, sys, time
out = sys.argv[1]
now = int(time.time()) - 5
items, lines = [], []
for h in range(10):
    host = f"host-{h:02d}"
    metrics = [{"name": f"bench_m{m:03d}", "value": h * 100 + m + 0.5, "unit": "1",
                "tags": {"host": host}} for m in range(100)]
    items.append({"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
                  "metric_type": "bench", "source": "wrk", "metrics": metrics})
    fields = ",".join(f"m{m:03d}={h * 100 + m + 0.5}" for m in range(100))
    lines.append(f"bench,host={host} {fields} {now * 1_000_000_000}")
with open(f"{out}/body.json", "w") as f:
    json.dump(items, f, separators=(",", ":"))
with open(f"{out}/body.influx", "w") as f:
    f.write("\n".join(lines) + "\n")
PY

write_lua() { # file body content-type
  cat >"$1" <<LUA
local f = assert(io.open("$2", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "$3"
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
}
write_lua "$OUT/post-json.lua" "$OUT/body.json" "application/json"
write_lua "$OUT/post-influx.lua" "$OUT/body.influx" "text/plain"

start_mp "$OUT/server-check.log"
log "one request each first:"
curl -sS -o "$OUT/mp-first.txt" -w 'metrics pipeline %{http_code}\n' -X POST -H 'Content-Type: application/json' \
  --data-binary @"$OUT/body.json" "http://127.0.0.1:$MP_PORT/api/v1/ingest" >&2
head -c 300 "$OUT/mp-first.txt" >&2; echo >&2
stop_mp "$OUT/server-check.log"

# 5. wrk against us. 6. VictoriaMetrics, then the same.
run_wrk() { # name url lua threads conns pid -> "name conns points/s p50ms p99ms non2xx sockerr cpu_us_per_1000pts [stored deadlettered]"
  local name=$1 url=$2 lua=$3 t=$4 c=$5 pid=$6 res before after
  if [[ "$WARMUP" -gt 0 ]]; then
    log "wrk $name -t$t -c$c -d${WARMUP}s (warm-up, discarded)"
    timeout $((WARMUP + 30)) wrk -t"$t" -c"$c" -d"${WARMUP}s" --timeout 10s -s "$lua" "$url" >/dev/null 2>&1 || true
  fi
  log "wrk $name -t$t -c$c -d${DURATION}s"
  before=$(cpu_ticks "$pid")
  timeout $((DURATION + 30)) wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 10s --latency -s "$lua" "$url" \
    >"$OUT/wrk-$name-c$c.txt" 2>&1
  after=$(cpu_ticks "$pid")
  res=$(grep '^RESULT' "$OUT/wrk-$name-c$c.txt")
  read -r _ reqs dur p50 p99 non2xx sockerr <<<"$res"
  awk -v n="$name" -v c="$c" -v r="$reqs" -v d="$dur" -v a="$p50" -v b="$p99" -v e="$non2xx" -v s="$sockerr" \
    -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%s %d %.0f %.2f %.2f %d %d %.0f\n", n, c, r / (d / 1e6) * 1000, a / 1000, b / 1000, e, s, ticks / hz * 1e6 / r }'
}
# user + system CPU time of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

RESULTS="$OUT/results.txt"
: >"$RESULTS"
MP_URL="http://127.0.0.1:$MP_PORT/api/v1/ingest"
for tc in "1 1" "2 4"; do
  read -r t c <<<"$tc"
  start_mp "$OUT/server-c$c.log"
  line=$(run_wrk mp "$MP_URL" "$OUT/post-json.lua" "$t" "$c" "${PIDS[0]}")
  stop_mp "$OUT/server-c$c.log"
  echo "$line $MP_STORED" >>"$RESULTS"
done

VM_PORT="$(free_port)"
rm -rf "$OUT/vm-data"
log "starting victoria-metrics on 127.0.0.1:$VM_PORT"
victoria-metrics -storageDataPath="$OUT/vm-data" -httpListenAddr="127.0.0.1:$VM_PORT" >"$OUT/vm.log" 2>&1 &
PIDS[1]=$!
wait_http "http://127.0.0.1:$VM_PORT/health" "victoria-metrics"
VM_URL="http://127.0.0.1:$VM_PORT/write"
curl -sS -o /dev/null -w 'victoria-metrics %{http_code}\n' -X POST --data-binary @"$OUT/body.influx" "$VM_URL" >&2
run_wrk vm "$VM_URL" "$OUT/post-influx.lua" 1 1 "${PIDS[1]}" >>"$RESULTS"
run_wrk vm "$VM_URL" "$OUT/post-influx.lua" 2 4 "${PIDS[1]}" >>"$RESULTS"
curl -sS -o "$OUT/vm-series.txt" "http://127.0.0.1:$VM_PORT/api/v1/series/count" || true

# 7. The table.
{
  echo "HTTP ingestion, 1,000 points/request, ${DURATION}s per run after a ${WARMUP}s warm-up, loopback, $(nproc) cores, load before: $LOAD_BEFORE, after: $(cut -d" " -f1-3 /proc/loadavg)"
  echo "metrics pipeline: POST /api/v1/ingest JSON, --ack $ACK; VictoriaMetrics $(dpkg-query -W -f='${Version}' victoria-metrics): POST /write line protocol"
  awk '
    { key = $1 " " $2; pts[key] = $3; p50[key] = $4; p99[key] = $5; bad[key] = $6 + $7; n50[key] = $6; cpu[key] = $8; if (NF >= 10) { sp[key] = $9; dl[key] = $10 } }
    END {
      printf "%-5s %-18s %12s %9s %9s %13s %7s\n", "conns", "server", "points/s", "p50 ms", "p99 ms", "CPU us/1k pts", "errors (non-2xx)"
      split("1 4", cs, " ")
      for (i = 1; i <= 2; i++) {
        c = cs[i]
        printf "%-5s %-18s %12.0f %9.2f %9.2f %13.0f %7d (%d)\n", c, "metrics pipeline", pts["mp " c], p50["mp " c], p99["mp " c], cpu["mp " c], bad["mp " c], n50["mp " c]
        printf "%-5s %-18s %12.0f %9.2f %9.2f %13.0f %7d (%d)\n", c, "victoria-metrics", pts["vm " c], p50["vm " c], p99["vm " c], cpu["vm " c], bad["vm " c], n50["vm " c]
        printf "      (ours stored %d points, warm-up included; dead-lettered %d items)\n", sp["mp " c], dl["mp " c]
        printf "%-5s %-18s %11.2fx %8.2fx %8.2fx %12.2fx\n", c, "ratio (ours/VM)", pts["mp " c] / pts["vm " c], p50["mp " c] / p50["vm " c], p99["mp " c] / p99["vm " c], cpu["mp " c] / cpu["vm " c]
      }
    }' "$RESULTS"
} | tee "$OUT/table.txt"
