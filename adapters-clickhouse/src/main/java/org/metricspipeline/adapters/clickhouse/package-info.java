/**
 * ClickHouse storage: {@link org.metricspipeline.adapters.clickhouse.ClickHouseStorageAdapter} (built
 * with its builder, or by name {@code clickhouse} through
 * {@link org.metricspipeline.adapters.clickhouse.ClickHouseStorageProvider}). Stores points in a
 * MergeTree table partitioned by day, keeps 1m/5m/1h rollup tables, and answers queries, aggregations,
 * rollups, retention and discovery in ClickHouse SQL.
 */
package org.metricspipeline.adapters.clickhouse;
