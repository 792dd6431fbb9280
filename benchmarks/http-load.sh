#!/usr/bin/env bash
# Load benchmark of the HTTP ingestion endpoint against VictoriaMetrics, both on loopback.
#
# MODE=realistic (the default and the README's headline): SERIES distinct series (default
# 100,000; at least 100,000), 10 items (hosts) x 100 metrics = 1,000 points per request, so one
# sweep over all series is SERIES / 1,000 distinct bodies, generated up front with varying values
# (a random walk per series, two decimals). A wrk Lua script rotates the bodies and fills in the
# timestamps per request: request g posts body g mod B at BASE + (g div B) x STEP_MS, so no
# (series, timestamp) pair is posted twice and timestamps advance sweep by sweep. The same points go
#   - to our quick-start server: POST /api/v1/ingest, JSON ({"timestamp": epoch ms, "metric_type",
#     "source", "metrics": [{"name", "value", "unit", "tags": {"host"}}]})
#   - to VictoriaMetrics (Debian's victoria-metrics): POST /write, InfluxDB line protocol, one line
#     per item ("bench,host=H m000=v,...,m099=v ts"), the metric bench_m000 with the label host.
#   - and the identical line-protocol bytes to our server's POST /write as well (the "mp-influx"
#     rows: both servers parse the very same bytes; we name the metrics as VictoriaMetrics does).
# MODE=repeated: the old benchmark, one 1,000-point body posted again and again.
#
# Each server is started afresh for every run (its own empty data directory), sent one sweep over
# all series (1 connection; creates them: new series/s and CPU per new series are reported), warmed
# up for WARMUP seconds (figures discarded; 30 by default: on 2 cores the JIT compiler takes 20 to
# 25 s of the load to settle, a third of a core meanwhile; WARMUP=5 gives the cold figure), then
# measured for DURATION seconds with 1 connection (-t1 -c1) and
# 4 connections (-t2 -c4), RUNS times (default 3), alternating servers; the table shows medians.
# Per run: 2xx points/s, 503 answers (and other non-2xx) counted separately, p50/p99 latency, CPU
# time per 1,000 accepted points (user + system from /proc/PID/stat of the server process), peak
# RSS (VmHWM) of the server process, and the load average around the run. Where each run's CPU
# went (the server's threads by name: application, GC and VM, JIT compilers) and the share of its
# heap on huge pages: target/http-load/cpu-split.txt.
#
# Then a memory phase (MEMORY=1, the default): each server, fresh, gets exactly MEM_SWEEPS sweeps
# over MEM_SERIES series (default 1,000,000; every series MEM_SWEEPS points) over 1 connection; then,
# after 5 s, RSS of both once it settles (polled each second until steady: "idle"), then again after
# a forced full GC of ours (jcmd GC.run, GC.heap_info for the heap figure) and VictoriaMetrics'
# force_flush, per series and per point.
#
# Our server is the quick-start server as the README runs it (`java -XX:+UseTransparentHugePages
# -jar metrics-examples.jar --serve`), with --no-synthetic --ack accepted --rate-limits off and a
# fresh --data-dir: the durable store (the write-ahead log, fsync policy the default). JAVA_OPTS
# replaces the JVM options (default -XX:+UseTransparentHugePages, the flag docs/performance.md
# recommends; JAVA_OPTS= runs the JVM's defaults). JFR=1 records each of our runs to
# target/http-load/*.jfr.
#
# Usage: benchmarks/http-load.sh            (from the repository root or anywhere)
# Env:   MODE=realistic|repeated  SERIES=100000  MEM_SERIES=1000000  DURATION=15  WARMUP=30  RUNS=3  STEP_MS=1000
#        ACK=accepted|stored  MEMORY=1  MEM_SWEEPS=3  JFR=0  JAVA_OPTS=-XX:+UseTransparentHugePages  CONNS="1 4"
#        SERVERS="mp mp-influx vm" (mp: ours with JSON, mp-influx: ours with line protocol, vm)
#        JAR=examples/target/metrics-examples.jar (another build of ours, to compare before and after)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MODE="${MODE:-realistic}"
SERIES="${SERIES:-100000}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-30}"
RUNS="${RUNS:-3}"
STEP_MS="${STEP_MS:-1000}"
MAX_POINTS="${MAX_POINTS:-200000000}"
ACK="${ACK:-accepted}"
MEMORY="${MEMORY:-1}"
MEM_SWEEPS="${MEM_SWEEPS:-3}"
MEM_SERIES="${MEM_SERIES:-1000000}"
RSS_SETTLE_S="${RSS_SETTLE_S:-30}"
JFR="${JFR:-0}"
JAVA_OPTS="${JAVA_OPTS--XX:+UseTransparentHugePages}"
CONNS="${CONNS:-1 4}"
SERVERS="${SERVERS:-mp mp-influx vm}"
OUT="$ROOT/target/http-load"
JAR="${JAR:-$ROOT/examples/target/metrics-examples.jar}"
mkdir -p "$OUT"
LOAD_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"

log() { printf '[http-load] %s\n' "$*" >&2; }

if [[ "$MODE" != realistic && "$MODE" != repeated ]]; then log "MODE must be realistic or repeated, got $MODE"; exit 2; fi
if [[ "$MODE" == realistic ]] && (( SERIES < 100000 || SERIES % 1000 != 0 )); then
  log "SERIES must be a multiple of 1000, at least 100000, got $SERIES"; exit 2
fi
[[ "$MODE" == repeated ]] && SERIES=1000

# 1. The examples jar.
if [[ ! -f "$JAR" ]]; then
  log "building $JAR"
  mvn -B -q package -DskipTests -pl examples -am
fi

# 2. wrk and victoria-metrics from Debian.
source "$ROOT/scripts/lib/packages.sh"
ensure_packages wrk:wrk victoria-metrics:victoria-metrics

source "$ROOT/scripts/lib/ports.sh" # free_port

PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

wait_http() { # url what
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  log "$2 did not answer $1"; return 1
}

# 3. The servers, each started afresh per run. Ours keeps every posted point (up to MAX_POINTS,
#    beyond which items are dead-lettered); what it stored is read from its shutdown log line.
MP_PORT="$(free_port)"
VM_PORT="$(free_port)"
SERVER_PID=""
start_server() { # mp|vm log-file tag
  local dir="$OUT/data-$1"
  rm -rf "$dir"; mkdir -p "$dir"
  if [[ "$1" == mp* ]]; then
    local jfr=()
    [[ "$JFR" == 1 ]] && jfr=("-XX:StartFlightRecording=filename=$OUT/$1-$3.jfr,settings=profile")
    # --rate-limits off: the default per-IP limits (seed 001) would turn most of the load into 429s
    # shellcheck disable=SC2086
    java $JAVA_OPTS "${jfr[@]}" -jar "$JAR" --serve --port "$MP_PORT" --no-synthetic --ack "$ACK" \
      --max-points "$MAX_POINTS" --rate-limits off --data-dir "$dir" >"$2" 2>&1 &
    SERVER_PID=$!
    wait_http "http://127.0.0.1:$MP_PORT/health" "metrics pipeline server"
  else
    victoria-metrics -storageDataPath="$dir" -httpListenAddr="127.0.0.1:$VM_PORT" >"$2" 2>&1 &
    SERVER_PID=$!
    wait_http "http://127.0.0.1:$VM_PORT/health" "victoria-metrics"
  fi
  PIDS[0]=$SERVER_PID
}
stop_server() { # mp|vm log-file; sets STORED (ours: "stored_points dead_lettered")
  STORED="- -"
  kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; PIDS[0]=""
  if [[ "$1" == mp* ]]; then
    STORED=$(sed -n 's/.*(\([0-9]*\) points) in total, rejected \([0-9]*\), dead-lettered \([0-9]*\).*/\1 \3/p' "$2" | tail -1)
    [[ -n "$STORED" ]] || STORED="- -"
  fi
}

# 4. Bodies. Realistic: SERIES/1000 bodies, each 10 hosts x 100 metrics, the timestamp of each item
#    left as the placeholder @T@ (the Lua script puts epoch ms in JSON, ns in line protocol), bodies
#    separated by a NUL byte. Repeated: one body, a fixed timestamp.
gen_bodies() { # series
  log "generating bodies ($MODE, $1 series)"
  python3 - "$OUT" "$MODE" "$1" <<'PY'
import json, random, sys, time
out, mode, series = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(42)
hosts = series // 100
def item_json(host, values, ts):
    metrics = ",".join('{"name":"bench_m%03d","value":%s,"unit":"1","tags":{"host":"%s"}}' % (m, v, host)
                       for m, v in enumerate(values))
    return '{"timestamp":%s,"metric_type":"bench","source":"wrk","metrics":[%s]}' % (ts, metrics)
def line(host, values, ts):
    return "bench,host=%s %s %s" % (host, ",".join("m%03d=%s" % (m, v) for m, v in enumerate(values)), ts)
if mode == "repeated":
    now = int(time.time()) - 5
    hs = ["host-%02d" % h for h in range(10)]
    vals = [["%.1f" % (h * 100 + m + 0.5) for m in range(100)] for h in range(10)]
    with open(f"{out}/body.json", "w") as f:
        f.write("[" + ",".join(item_json(h, v, now * 1000) for h, v in zip(hs, vals)) + "]")
    with open(f"{out}/body.influx", "w") as f:
        f.write("\n".join(line(h, v, now * 1_000_000_000) for h, v in zip(hs, vals)) + "\n")
else:
    with open(f"{out}/bodies-{series}.json", "w") as fj, open(f"{out}/bodies-{series}.influx", "w") as fi:
        for b in range(hosts // 10):
            hs = ["host-%07d" % (b * 10 + h) for h in range(10)]
            vals = [["%.2f" % (rnd.random() * 1000) for m in range(100)] for h in hs]
            fj.write("[" + ",".join(item_json(h, v, "@T@") for h, v in zip(hs, vals)) + "]\0")
            fi.write("\n".join(line(h, v, "@T@000000") for h, v in zip(hs, vals)) + "\n\0")
PY
}
gen_bodies "$SERIES"

# The Lua script of one run: file content-type threads base-ms [max responses per thread, 0: no limit].
# With a limit, the thread that reaches it creates the file <lua>.done and stops.
write_lua() {
  cat >"$1" <<LUA
local file, ctype, nthreads, base, limit, step = "$2", "$3", $4, $5, ${6:-0}, $STEP_MS
local marker = "$1.done"
local mode = "$MODE"
local threads, created = {}, 0
function setup(thread)
  thread:set("id", created)
  created = created + 1
  table.insert(threads, thread)
end
local bodies = {}
function init(args)
  local f = assert(io.open(file, "rb"))
  local data = f:read("*a")
  f:close()
  if mode == "repeated" then
    bodies[1] = { data }
  else
    local pos = 1
    while pos <= #data do
      local z = string.find(data, "\0", pos, true)
      local body = string.sub(data, pos, z - 1)
      local parts, p = {}, 1
      while true do
        local s = string.find(body, "@T@", p, true)
        if not s then break end
        table.insert(parts, string.sub(body, p, s - 1))
        table.insert(parts, false)
        p = s + 3
      end
      table.insert(parts, string.sub(body, p))
      table.insert(bodies, parts)
      pos = z + 1
    end
  end
  n, n2xx, n503, nother = 0, 0, 0, 0
  headers = { ["Content-Type"] = ctype }
end
function request()
  -- with a limit (1 connection), the request after the limit-th means limit answers have come
  if limit > 0 and n >= limit then
    local f = io.open(marker, "w"); f:close()
    wrk.thread:stop()
  end
  local g = n * nthreads + id
  n = n + 1
  local nb = #bodies
  local parts = bodies[(g % nb) + 1]
  if #parts > 1 then
    local ts = string.format("%d", base + math.floor(g / nb) * step)
    local out = {}
    for i = 1, #parts do out[i] = parts[i] or ts end
    return wrk.format("POST", nil, headers, table.concat(out))
  end
  return wrk.format("POST", nil, headers, parts[1])
end
function response(status, hdrs, body)
  -- wrk calls this only for answers with at least one header: a bare 204 (our /write) is not seen
  -- here, so 2xx are counted in done() as the answers that were neither 503 nor other errors
  if status >= 200 and status < 300 then n2xx = n2xx + 1
  elseif status == 503 then n503 = n503 + 1
  else nother = nother + 1 end
end
function done(summary, latency, requests)
  local ok, busy, other = 0, 0, 0
  for _, t in ipairs(threads) do
    busy = busy + t:get("n503"); other = other + t:get("nother")
  end
  ok = summary.requests - busy - other
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), ok, busy, other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
}
if [[ "$MODE" == realistic ]]; then JSON_FILE="$OUT/bodies-$SERIES.json"; INFLUX_FILE="$OUT/bodies-$SERIES.influx"
else JSON_FILE="$OUT/body.json"; INFLUX_FILE="$OUT/body.influx"; fi

# user + system CPU time of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
peak_rss_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# RSS once it has settled: G1 returns a shrunk heap to the system concurrently, some time after the
# collection that shrank it, so one reading right after a GC depends on timing. Polls every second
# until three readings in a row fell by less than 1% each (at most RSS_SETTLE_S seconds, default 30),
# the same for both servers; prints the last reading.
settled_rss_mb() {
  local prev cur steady=0 i
  prev=$(rss_mb "$1")
  for ((i = 0; i < RSS_SETTLE_S && steady < 3; i++)); do
    sleep 1
    cur=$(rss_mb "$1")
    if (( cur * 100 >= prev * 99 )); then steady=$((steady + 1)); else steady=0; fi
    prev=$cur
  done
  echo "$prev"
}
loadavg() { cut -d" " -f1 /proc/loadavg; }
# CPU ticks per thread of a process, "ticks name" per line (threads that ended meanwhile are missed)
thread_ticks() {
  local f
  for f in /proc/"$1"/task/*/stat; do
    awk '{ match($0, /\(.*\)/); name = substr($0, RSTART + 1, RLENGTH - 2); rest = substr($0, RSTART + RLENGTH + 1)
           split(rest, a, " "); print a[12] + a[13], name }' "$f" 2>/dev/null || true
  done
}
# Where a server's CPU went between two thread_ticks snapshots, grouped by thread kind (GC, JIT, ...),
# and the share of its anonymous memory on huge pages (AnonHugePages / Anonymous of smaps_rollup).
cpu_split() { # before-file after-file pid
  local huge
  huge=$(awk '/^Anonymous:/ { a = $2 } /^AnonHugePages:/ { h = $2 } END { printf "%.0f%%", a ? h * 100 / a : 0 }' "/proc/$3/smaps_rollup" 2>/dev/null || echo "-")
  # before/after are matched by thread name (names repeat: sum per name first)
  awk -v hz="$(getconf CLK_TCK)" -v huge="$huge" '
    function kind(n) {
      if (n ~ /^(GC Thread|G1 |VM Periodic|VM Thread)/) return "gc+vm"
      if (n ~ /^C[12] Compiler/) return "jit"
      return "app"
    }
    { t = $1; $1 = ""; n = substr($0, 2) }
    NR == FNR { b[n] += t; next }
    { a[n] += t }
    END { for (n in a) { d = a[n] - b[n]; s[kind(n)] += d; tot += d }
          printf "cpu_s app %.1f gc+vm %.1f jit %.1f (gc+vm %.0f%%) huge %s\n", s["app"] / hz, s["gc+vm"] / hz, s["jit"] / hz,
            tot ? s["gc+vm"] * 100 / tot : 0, huge }' "$1" "$2"
}
url_of() {
  case "$1" in
    mp) echo "http://127.0.0.1:$MP_PORT/api/v1/ingest" ;;
    mp-influx) echo "http://127.0.0.1:$MP_PORT/write" ;;
    *) echo "http://127.0.0.1:$VM_PORT/write" ;;
  esac
}
body_of() { if [[ "$1" == mp ]]; then echo "$JSON_FILE"; else echo "$INFLUX_FILE"; fi; }
ctype_of() { if [[ "$1" == mp ]]; then echo application/json; else echo text/plain; fi; }
lua_of() { echo "$OUT/post-$1-t$2.lua"; }

# Posts with 1 connection until the server has answered REQS requests, then stops wrk (which
# runs for its whole -d otherwise; SIGINT makes it print its summary). Sets ELAPSED_MS.
post_limited() { # lua url out-file
  rm -f "$1.done"
  wrk -t1 -c1 -d1800s --timeout 30s -s "$1" "$2" >"$3" 2>&1 &
  local wrk_pid=$! t0; t0=$(date +%s%N)
  while [[ ! -f "$1.done" ]] && kill -0 "$wrk_pid" 2>/dev/null; do sleep 0.1; done
  ELAPSED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
}

# 5. The runs. Realistic mode first posts one sweep (every series once, 1 connection: the series
#    are created; its new series/s and CPU per new series are reported), then the warm-up, then the
#    measured run, all against one fresh server process. Timestamps: the sweep 3 hours back, the
#    warm-up 2 hours back, the measured run 1 hour back (no sample posted twice).
#    One line per run in results.txt: server conns run points/s(2xx) p50ms p99ms n503 nother
#    sockerr cpu_us_per_1k_2xx peak_rss_mb load_before load_after stored deadlettered
#    new_series_per_s cpu_us_per_new_series
RESULTS="$OUT/results.txt"
: >"$RESULTS"
: >"$OUT/cpu-split.txt"
run_one() { # server threads conns run
  local s=$1 t=$2 c=$3 r=$4 url lua res before after lb la created="- -"
  url=$(url_of "$s"); lua=$(lua_of "$s" "$t")
  local now_ms=$(( $(date +%s) * 1000 ))
  start_server "$s" "$OUT/server-$s-c$c-r$r.log" "c$c-r$r"
  if [[ "$MODE" == realistic ]]; then
    write_lua "$OUT/prime-$s.lua" "$(body_of "$s")" "$(ctype_of "$s")" 1 $((now_ms - 10800000)) $((SERIES / 1000))
    log "$s run $r: one sweep over $SERIES series (creates them)"
    before=$(cpu_ticks "$SERVER_PID")
    post_limited "$OUT/prime-$s.lua" "$url" "$OUT/wrk-$s-prime-c$c-r$r.txt"
    after=$(cpu_ticks "$SERVER_PID")
    created=$(awk -v n="$SERIES" -v ms="$ELAPSED_MS" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%.0f %.2f", n / (ms / 1000), ticks / hz * 1e6 / n }')
  fi
  write_lua "$lua" "$(body_of "$s")" "$(ctype_of "$s")" "$t" $((now_ms - 7200000))
  if [[ "$WARMUP" -gt 0 ]]; then
    log "$s -t$t -c$c run $r: warm-up ${WARMUP}s (discarded)"
    timeout $((WARMUP + 60)) wrk -t"$t" -c"$c" -d"${WARMUP}s" --timeout 10s -s "$lua" "$url" >/dev/null 2>&1 || true
  fi
  write_lua "$lua" "$(body_of "$s")" "$(ctype_of "$s")" "$t" $((now_ms - 3600000))
  log "$s -t$t -c$c run $r: ${DURATION}s"
  lb=$(loadavg); before=$(cpu_ticks "$SERVER_PID"); thread_ticks "$SERVER_PID" >"$OUT/threads-before.txt"
  timeout $((DURATION + 60)) wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 10s --latency -s "$lua" "$url" \
    >"$OUT/wrk-$s-c$c-r$r.txt" 2>&1 || true
  after=$(cpu_ticks "$SERVER_PID"); la=$(loadavg); thread_ticks "$SERVER_PID" >"$OUT/threads-after.txt"
  echo "$s $c $r $(cpu_split "$OUT/threads-before.txt" "$OUT/threads-after.txt" "$SERVER_PID")" >>"$OUT/cpu-split.txt"
  local peak; peak=$(peak_rss_mb "$SERVER_PID")
  stop_server "$s" "$OUT/server-$s-c$c-r$r.log"
  res=$(grep '^RESULT' "$OUT/wrk-$s-c$c-r$r.txt" || echo "RESULT 0 1 0 0 0 0 0 0")
  read -r _ reqs dur p50 p99 ok busy other sockerr <<<"$res"
  awk -v n="$s" -v c="$c" -v r="$r" -v ok="$ok" -v d="$dur" -v a="$p50" -v b="$p99" -v busy="$busy" -v other="$other" \
    -v se="$sockerr" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v peak="$peak" -v lb="$lb" -v la="$la" \
    -v st="$STORED" -v cr="$created" \
    'BEGIN { pts = ok * 1000; printf "%s %d %d %.0f %.2f %.2f %d %d %d %.0f %d %s %s %s %s\n", n, c, r, pts / (d / 1e6), a / 1000, b / 1000,
      busy, other, se, (pts > 0 ? ticks / hz * 1e6 / pts * 1000 : 0), peak, lb, la, st, cr }' >>"$RESULTS"
  tail -1 "$RESULTS" >&2
}
for r in $(seq 1 "$RUNS"); do
  for c in $CONNS; do
    t=$(( c < 2 ? 1 : 2 ))
    for s in $SERVERS; do run_one "$s" "$t" "$c" "$r"; done
  done
done

# 6. Memory: exactly MEM_SWEEPS sweeps over MEM_SERIES series (MEM_SERIES x MEM_SWEEPS points) into
#    each fresh server, 1 connection; then RSS (and our heap after a full GC).
MEMLINES="$OUT/memory.txt"
: >"$MEMLINES"
if [[ "$MEMORY" == 1 && "$MODE" == realistic ]]; then
  [[ -f "$OUT/bodies-$MEM_SERIES.json" && -f "$OUT/bodies-$MEM_SERIES.influx" && "$MEM_SERIES" == "$SERIES" ]] || gen_bodies "$MEM_SERIES"
  reqs=$((MEM_SERIES / 1000 * MEM_SWEEPS))
  for s in mp vm; do
    lua="$OUT/memory-$s.lua"
    write_lua "$lua" "$OUT/bodies-$MEM_SERIES.$( [[ $s == mp ]] && echo json || echo influx)" "$(ctype_of "$s")" 1 \
      $(( ($(date +%s) - 3600) * 1000 )) "$reqs"
    start_server "$s" "$OUT/server-$s-memory.log" memory
    base_rss=$(rss_mb "$SERVER_PID")
    log "$s memory: $reqs requests ($MEM_SWEEPS sweeps over $MEM_SERIES series), 1 connection"
    before=$(cpu_ticks "$SERVER_PID")
    post_limited "$lua" "$(url_of "$s")" "$OUT/wrk-$s-memory.txt"
    after=$(cpu_ticks "$SERVER_PID")
    sleep 5  # both servers flush what they buffered
    idle_c0=$(cpu_ticks "$SERVER_PID"); idle_t0=$(date +%s%N)
    idle_rss=$(settled_rss_mb "$SERVER_PID")  # what the server holds idle, left to itself
    idle_cpu=$(awk -v c=$(( $(cpu_ticks "$SERVER_PID") - idle_c0 )) -v ns=$(( $(date +%s%N) - idle_t0 )) -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%.1f", c / hz / (ns / 1e9) * 100 }')
    heap="-"
    if [[ "$s" == mp ]]; then
      jcmd "$SERVER_PID" GC.run >/dev/null 2>&1 || true
      heap=$(jcmd "$SERVER_PID" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub("K,?", "", v); print int(v / 1024); exit } }')
      [[ -n "$heap" ]] || heap="-"
    else
      curl -sS -o /dev/null "http://127.0.0.1:$VM_PORT/internal/force_flush" || true
    fi
    rss=$(settled_rss_mb "$SERVER_PID"); peak=$(peak_rss_mb "$SERVER_PID")
    ok=$(awk '/^RESULT/ { print $6 }' "$OUT/wrk-$s-memory.txt")
    stop_server "$s" "$OUT/server-$s-memory.log"
    echo "$s ${ok:-0} $base_rss $rss $peak $heap $ELAPSED_MS $((after - before)) $(loadavg) $STORED $idle_rss $idle_cpu" >>"$MEMLINES"
    tail -1 "$MEMLINES" >&2
  done
fi

# 7. The table: medians over the runs.
{
  echo "HTTP ingestion ($MODE: $SERIES series, 1,000 points/request), ${DURATION}s per run after a ${WARMUP}s warm-up, medians of $RUNS runs, loopback, $(nproc) cores"
  echo "load average before: $LOAD_BEFORE, after: $(cut -d" " -f1-3 /proc/loadavg)"
  echo "metrics pipeline: POST /api/v1/ingest JSON (mp) and POST /write line protocol (mp-influx), --ack $ACK, durable store in a fresh data dir; VictoriaMetrics $(dpkg-query -W -f='${Version}' victoria-metrics): POST /write line protocol"
  echo "jar: $JAR, JVM options: ${JAVA_OPTS:-(the defaults)}"
  awk -v conns="$CONNS" -v servers="$SERVERS" '
    function median(key, col,    n, i, j, v, tmp) {
      n = 0
      for (i = 1; i <= rows; i++) if (k[i] == key || sv[i] == key) v[++n] = val[i, col]
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { tmp = v[i]; v[i] = v[j]; v[j] = tmp }
      return n == 0 ? 0 : (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
    }
    { rows++; k[rows] = $1 " " $2; sv[rows] = $1; for (c = 4; c <= NF; c++) val[rows, c] = $c }
    END {
      printf "%-5s %-22s %11s %8s %8s %8s %6s %9s %8s %9s\n", "conns", "server", "2xx pts/s", "p50 ms", "p99 ms", "503s", "other", "CPU us/1k", "peak MB", "load"
      name["mp"] = "ours, JSON"; name["mp-influx"] = "ours, line protocol"; name["vm"] = "victoria-metrics"
      nc = split(conns, cs, " "); ns = split(servers, ss, " ")
      for (i = 1; i <= nc; i++) {
        c = cs[i]
        for (s = 1; s <= ns; s++) {
          srv = ss[s]; key = srv " " c
          m[srv, 4] = median(key, 4); m[srv, 6] = median(key, 6); m[srv, 10] = median(key, 10)
          printf "%-5s %-22s %11.0f %8.2f %8.2f %8d %6d %9.0f %8d %9.2f\n", c, name[srv],
            m[srv, 4], median(key, 5), m[srv, 6], median(key, 7), median(key, 8) + median(key, 9), m[srv, 10], median(key, 11), median(key, 12)
        }
        for (s = 1; s <= ns; s++) {
          srv = ss[s]
          if (srv == "vm" || !m["vm", 4]) continue  # no ratio without VictoriaMetrics in the run
          printf "%-5s %-22s %10.2fx %8s %7.2fx %8s %6s %8.2fx\n", c, "ratio " srv "/vm", m[srv, 4] / m["vm", 4], "",
            m["vm", 6] ? m[srv, 6] / m["vm", 6] : 0, "", "", m["vm", 10] ? m[srv, 10] / m["vm", 10] : 0
        }
      }
      if (val[1, 16] != "" && val[1, 16] != "-") {
        printf "creating the series (one sweep before each run, 1 connection), medians of all runs:\n"
        for (s = 1; s <= ns; s++)
          printf "  %-22s %9.0f new series/s  %6.2f us CPU per new series\n", name[ss[s]], median(ss[s], 16) + 0, median(ss[s], 17) + 0
      }
    }' "$RESULTS"
  if [[ -s "$MEMLINES" ]]; then
    echo "memory after $MEM_SWEEPS sweeps over $MEM_SERIES series (1 connection; RSS after, peak RSS; our heap after a full GC):"
    awk -v series="$MEM_SERIES" -v hz="$(getconf CLK_TCK)" '
      { pts = $2 * 1000; grow = ($4 - $3) * 1048576
        printf "  %-17s %9d points  RSS %5d MB (%d at start)  peak %5d MB  growth/series %4.0f B  growth/point %5.1f B%s\n",
          $1 == "mp" ? "metrics pipeline" : "victoria-metrics", pts, $4, $3, $5, grow / series, grow / (pts ? pts : 1),
          ($6 != "-" ? sprintf("  heap after GC %d MB = %.0f B/series", $6, $6 * 1048576 / series) : "")
        printf "  %-17s %.1f s, %.0f points/s, %.2f us CPU per point, load %s\n", "", $7 / 1000, pts / ($7 / 1000), $8 / hz * 1e6 / (pts ? pts : 1), $9
        printf "  %-17s RSS idle (settled, before any forced GC or flush) %d MB, CPU while idle %s%% of a core\n", "", $12, $13
        rss[$1] = $4; idle[$1] = $12 }
      END { if (rss["vm"]) printf "  RSS ratio (ours/VM): %.2fx after the forced GC/flush, %.2fx idle\n", rss["mp"] / rss["vm"], idle["mp"] / idle["vm"] }' "$MEMLINES"
  fi
} | tee "$OUT/table.txt"
