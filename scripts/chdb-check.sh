#!/usr/bin/env bash
# Runs every statement shape the ClickHouse adapter generates (and adapters-metabase's chart SQL, when
# its tests wrote it) on the current ClickHouse engine,
# through npm's chdb (an in-process ClickHouse; no server). The statements come from the adapter
# itself: StatementShapesTest (run by `mvn test`/`verify` in adapters-clickhouse) writes them to
# adapters-clickhouse/target/chdb/statements.jsonl.
#
#   scripts/chdb-check.sh
#
# chdb's native library is ~550 MB: it is installed once into target/chdb-node (kept across runs
# unless target/ is removed). Needs node and npm (installed from Debian when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

CHDB_VERSION=${CHDB_VERSION:-3.4.0}
statements=adapters-clickhouse/target/chdb/statements.jsonl
cache=target/chdb-node

if [[ ! -f $statements ]]; then
  echo "no $statements: run mvn -B -q test -pl adapters-clickhouse -am -Dtest=StatementShapesTest -Dsurefire.failIfNoSpecifiedTests=false first" >&2
  exit 1
fi
# shellcheck source=lib/packages.sh
source scripts/lib/packages.sh
ensure_packages node:nodejs npm:npm

if [[ ! -f $cache/node_modules/chdb/package.json ]] \
    || [[ "$(node -p "require('./$cache/node_modules/chdb/package.json').version")" != "$CHDB_VERSION" ]]; then
  echo "installing npm chdb@$CHDB_VERSION into $cache (about 550 MB, once)" >&2
  mkdir -p "$cache"
  [[ -f $cache/package.json ]] || echo '{"name":"chdb-check","private":true}' >"$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --loglevel=error "chdb@$CHDB_VERSION" >&2)
fi

NODE_PATH="$PWD/$cache/node_modules" node adapters-clickhouse/src/test/chdb/check.js \
  "$statements" "$PWD/target/chdb-data"

# adapters-metabase's chart SQL (written by its ChartSqlShapesTest), when its tests ran: the queries
# Metabase cards send to the ClickHouse a Metabase installation uses, likely a current release.
metabase=adapters-metabase/target/chdb/statements.jsonl
if [[ -f $metabase ]]; then
  NODE_PATH="$PWD/$cache/node_modules" node adapters-clickhouse/src/test/chdb/check.js \
    "$metabase" "$PWD/target/chdb-data"
fi
