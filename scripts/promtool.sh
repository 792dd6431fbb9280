#!/usr/bin/env bash
# Makes sure Prometheus's `promtool` is installed (Debian's `prometheus` package) and prints its path.
# The guard's Prometheus IT parses GET /metrics with `promtool check metrics`; verify.sh sources this
# script's answer as PROMTOOL.
#
#   PROMTOOL=$(scripts/promtool.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
ensure_packages promtool:prometheus >&2
command -v promtool 2>/dev/null || echo /usr/bin/promtool
