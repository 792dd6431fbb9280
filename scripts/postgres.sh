#!/usr/bin/env bash
# Runs a throwaway PostgreSQL cluster (Debian's postgresql, 15) on loopback for the tests.
#
#   scripts/postgres.sh start   # installs Debian's postgresql when missing, creates a private cluster
#                               # (initdb) under target/postgres/, starts it, prints its JDBC URL
#   scripts/postgres.sh url     # prints the URL of the running cluster (fails when none runs)
#   scripts/postgres.sh stop    # stops it (pg_ctl -m fast) and waits until it is gone
#
#   export POSTGRES_URL=$(scripts/postgres.sh start)   # what scripts/verify.sh does
#
# The URL carries the credentials: jdbc:postgresql://127.0.0.1:PORT/metrics?user=metrics&password=...
# The password is generated at the first start (kept in target/postgres/password) and the cluster
# authenticates with scram-sha-256, so a test that checks credentials sees a real refusal. The port
# is a free ephemeral port on 127.0.0.1, kept across a stop and start while it is still free.
# initdb refuses to run as root: when run as root the cluster belongs to the `postgres` system user
# (created by the Debian package) and the server commands run through runuser. Set POSTGRES_DIR to
# put the cluster somewhere else than target/postgres.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${POSTGRES_DIR:-$PWD/target/postgres}
data=$dir/cluster/data
sockdir=$dir/cluster/socket
log=$dir/cluster/server.log
urlfile=$dir/url
user=metrics
database=metrics

# free_port, port_is_free
# shellcheck source=lib/ports.sh
source scripts/lib/ports.sh

bin_dir() {
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [[ -n $newest ]]; then echo "$newest"; else dirname "$(command -v initdb)"; fi
}

# Runs a server command as the cluster's owner (postgres when we are root, else ourselves).
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() {
  [[ -f $data/postmaster.pid ]] && as_owner "$(bin_dir)/pg_ctl" -D "$data" status >/dev/null 2>&1
}

url_for() {
  echo "jdbc:postgresql://127.0.0.1:$1/$database?user=$user&password=$(cat "$dir/password")"
}

init_cluster() {
  local bin=$1
  mkdir -p "$dir/cluster"
  [[ -f $dir/password ]] || python3 -c 'import secrets; print(secrets.token_hex(16))' >"$dir/password"
  chmod 600 "$dir/password"
  # The cluster's parent belongs to its owner: initdb creates the data dir with mode 0700 there.
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/cluster"
  local pwfile=$dir/cluster/pwfile
  cp "$dir/password" "$pwfile"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$pwfile"
  as_owner "$bin/initdb" -D "$data" -U "$user" --pwfile="$pwfile" -A scram-sha-256 -E UTF8 \
    --locale=C.UTF-8 >"$dir/cluster/initdb.log" 2>&1 || {
    echo "initdb failed; see $dir/cluster/initdb.log" >&2
    tail -20 "$dir/cluster/initdb.log" >&2
    return 1
  }
  rm -f "$pwfile"
}

start() {
  if running && [[ -f $urlfile ]]; then
    cat "$urlfile"
    return 0
  fi
  # shellcheck source=lib/packages.sh
  source scripts/lib/packages.sh
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
    ensure_packages pg_ctlcluster:postgresql >&2
  fi
  ensure_packages psql:postgresql-client python3:python3 >&2
  local bin
  bin=$(bin_dir)
  [[ -f $data/PG_VERSION ]] || init_cluster "$bin"
  local port
  if [[ -f $dir/port ]] && read -r port <"$dir/port" && port_is_free "$port"; then
    :
  else
    port=$(free_port)
  fi
  mkdir -p "$sockdir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$sockdir" "$dir/cluster"
  touch "$log"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$log"
  if ! as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -k $sockdir -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null; then
    echo "PostgreSQL did not start on 127.0.0.1:$port; see $log" >&2
    tail -20 "$log" >&2
    return 1
  fi
  echo "$port" >"$dir/port"
  export PGPASSWORD
  PGPASSWORD=$(cat "$dir/password")
  if ! psql -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U "$user" -d postgres -qc "CREATE DATABASE $database" >/dev/null
  fi
  url_for "$port" >"$urlfile"
  cat "$urlfile"
}

stop() {
  if [[ -f $data/PG_VERSION ]] && running; then
    as_owner "$(bin_dir)/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
  fi
  rm -f "$urlfile"
}

url() {
  running && [[ -f $urlfile ]] || { echo "no PostgreSQL cluster runs from $dir; run scripts/postgres.sh start" >&2; return 1; }
  cat "$urlfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: scripts/postgres.sh start|stop|url" >&2; exit 2 ;;
esac
