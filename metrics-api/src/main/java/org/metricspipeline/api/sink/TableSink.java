package org.metricspipeline.api.sink;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.metricspipeline.api.HealthCheckResult;

/**
 * A database table writer for derived results (a streaming job's window results, reports): creates
 * tables, writes batches of rows through a {@link ColumnMapping}, and reads back with read-only,
 * parameterized SQL. Found by provider name ({@code postgres}, {@code clickhouse}) through
 * {@link org.metricspipeline.api.spi.AdapterRegistry#tableSink}.
 *
 * <p>Every method returns at once. A transient failure (server unreachable) completes the future with
 * {@link org.metricspipeline.api.StorageUnavailableException}, which may be retried; a refusal
 * (unknown table, a value the column cannot hold) with another
 * {@link org.metricspipeline.api.MetricsPipelineException}, naming the column.
 */
public interface TableSink extends AutoCloseable {

  /** The provider name, for example {@code postgres}. */
  String name();

  /** Creates the table when it does not exist ({@code CREATE TABLE IF NOT EXISTS}). */
  CompletableFuture<Void> createTable(TableSpec table);

  /**
   * Writes {@code rows} into {@code table}, each row's fields picked and renamed by {@code mapping};
   * all rows or none (one insert). Completes with the number of rows written.
   */
  CompletableFuture<Long> writeBatch(String table, List<? extends Map<String, ?>> rows, ColumnMapping mapping);

  /**
   * Runs a read-only query with {@code ?} placeholders bound to {@code params} in order (never
   * concatenated by the caller); completes with one map per row, column label to value.
   */
  CompletableFuture<List<Map<String, Object>>> query(String sql, List<?> params);

  /** Whether the sink can reach its database, with details. */
  CompletableFuture<HealthCheckResult> healthCheck();

  /** Releases connections; later calls fail. */
  @Override
  void close();
}
