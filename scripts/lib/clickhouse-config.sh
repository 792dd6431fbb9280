#!/usr/bin/env bash
# Sourced by scripts/clickhouse.sh and scripts/clickhouse-cluster.sh: the config of one loopback
# ClickHouse 18.16 server whose data, logs and users.xml live in one directory.
#
#   source scripts/lib/clickhouse-config.sh
#   write_clickhouse_config DIR HTTP_PORT TCP_PORT INTERSERVER_PORT [EXTRA_XML]
#
# EXTRA_XML is inserted inside <yandex> (the cluster adds remote_servers, macros, zookeeper).
# CLICKHOUSE_LOG_LEVEL (warning) sets the logger level, e.g. information to follow the DDL worker.

write_clickhouse_config() {
  local dir=$1 http_port=$2 tcp_port=$3 interserver_port=$4 extra=${5:-}
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
  cp /etc/clickhouse-server/users.xml "$dir/users.xml"
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>${CLICKHOUSE_LOG_LEVEL:-warning}</level>
    <log>$dir/log/clickhouse-server.log</log>
    <errorlog>$dir/log/clickhouse-server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <http_port>$http_port</http_port>
  <tcp_port>$tcp_port</tcp_port>
  <interserver_http_port>$interserver_port</interserver_http_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
$extra
</yandex>
XML
}
