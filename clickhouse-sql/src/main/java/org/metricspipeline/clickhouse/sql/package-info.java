/**
 * ClickHouse SQL generated in one place: {@link org.metricspipeline.clickhouse.sql.Sql} turns values
 * into literals and identifiers, {@link org.metricspipeline.clickhouse.sql.MetricsSql} writes the
 * filters, time buckets and per-series accumulator ({@code rate} included) of core's
 * {@code Aggregations} over the ClickHouse store's raw table. Used by {@code adapters-clickhouse} and
 * {@code adapters-metabase}, which must not depend on each other; not meant for applications.
 */
package org.metricspipeline.clickhouse.sql;
