#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: starts the servers the tests need (later
# modules add theirs here), then `mvn -B verify`. Usage: scripts/verify.sh [extra maven args]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  echo "verify.sh needs Java 17+ and Maven 3.8+ on the PATH" >&2
  exit 1
fi

mvn -B verify "$@"
