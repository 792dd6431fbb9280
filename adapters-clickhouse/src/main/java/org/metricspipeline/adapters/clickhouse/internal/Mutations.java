package org.metricspipeline.adapters.clickhouse.internal;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.metricspipeline.api.StorageUnavailableException;

/**
 * Waits for a table's mutations ({@code ALTER ... DELETE}) to finish: ClickHouse 18.16 runs them in
 * the background and has no {@code mutations_sync}, so the adapter polls {@code system.mutations}.
 */
public final class Mutations {

  private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

  private final Connection connection;
  private final Queries queries;
  private final Duration timeout;

  /** Waits at most {@code timeout} per call. */
  public Mutations(Connection connection, Queries queries, Duration timeout) {
    this.connection = connection;
    this.queries = queries;
    this.timeout = timeout;
  }

  /** Blocks until no mutation of the table is pending; fails after the timeout. */
  public void await(String tableName) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String sql = queries.pendingMutations(tableName);
    while (connection.queryLong(sql) > 0) {
      if (System.nanoTime() - deadline > 0) {
        throw new StorageUnavailableException(
            "mutations of " + tableName + " still running after " + timeout + " (mutation-timeout)");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
