#!/usr/bin/env bash
# Runs a real Prometheus server (Debian's `prometheus` package, 2.42 on bookworm) on loopback that
# scrapes one target and remote-writes what it scrapes to one URL: the remote write test's peer.
#
#   scripts/prometheus.sh install                       # installs the package when missing, prints the binary
#   scripts/prometheus.sh start TARGET REMOTE_WRITE_URL # e.g. 127.0.0.1:9100 http://127.0.0.1:8080/api/v1/write
#                                                       # writes a config, starts it, waits until ready,
#                                                       # prints its base URL (http://127.0.0.1:PORT)
#   scripts/prometheus.sh stop                          # stops the one this directory started
#
# The config scrapes TARGET's /metrics every second (job `exporter`) and sends samples with a 1 s
# batch deadline. Config, log and data live under target/prometheus/ (PROMETHEUS_DIR to move them);
# the port is a free ephemeral port on 127.0.0.1. adapters-http's PrometheusRemoteWriteIT calls
# this script itself with its own server's address; scripts/verify.sh only installs the package.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${PROMETHEUS_DIR:-$PWD/target/prometheus}

binary() {
  command -v prometheus 2>/dev/null || echo /usr/bin/prometheus
}

install() {
  # shellcheck source=lib/packages.sh
  source scripts/lib/packages.sh
  ensure_packages prometheus:prometheus python3:python3 >&2
  binary
}

# free_port
# shellcheck source=lib/ports.sh
source scripts/lib/ports.sh

stop() {
  if [[ -f $dir/pid ]]; then
    local pid
    pid=$(cat "$dir/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$dir/pid"
  fi
}

start() {
  local target=$1 remote_write=$2
  local bin
  bin=$(install)
  stop
  mkdir -p "$dir"
  rm -rf "$dir/data"
  local port
  port=$(free_port)
  cat >"$dir/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: exporter
    static_configs:
      - targets: ['$target']
remote_write:
  - url: '$remote_write'
    queue_config:
      batch_send_deadline: 1s
      min_backoff: 100ms
      max_backoff: 1s
YAML
  "$bin" --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=1h \
    >"$dir/prometheus.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 300); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
        "http://127.0.0.1:$port/-/ready" 2>/dev/null; then
      echo "http://127.0.0.1:$port"
      return 0
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.2
  done
  echo "Prometheus did not become ready on 127.0.0.1:$port; see $dir/prometheus.log" >&2
  tail -20 "$dir/prometheus.log" >&2
  stop
  return 1
}

case "${1:-}" in
  install) install ;;
  start)
    [[ $# -eq 3 ]] || { echo "usage: scripts/prometheus.sh start TARGET REMOTE_WRITE_URL" >&2; exit 2; }
    start "$2" "$3" ;;
  stop) stop ;;
  *) echo "usage: scripts/prometheus.sh install|start TARGET REMOTE_WRITE_URL|stop" >&2; exit 2 ;;
esac
