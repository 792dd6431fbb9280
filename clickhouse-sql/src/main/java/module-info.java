/**
 * ClickHouse SQL text shared by the ClickHouse storage adapter and the Metabase adapter's chart SQL,
 * so that both compute the library's aggregation semantics with the same statements.
 */
module org.metricspipeline.clickhouse.sql {
  requires transitive org.metricspipeline.api;

  exports org.metricspipeline.clickhouse.sql;
}
