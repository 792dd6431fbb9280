/**
 * Table sinks: {@link org.metricspipeline.api.sink.TableSink} writes rows into database tables
 * (PostgreSQL, ClickHouse) through a {@link org.metricspipeline.api.sink.ColumnMapping}.
 */
package org.metricspipeline.api.sink;
