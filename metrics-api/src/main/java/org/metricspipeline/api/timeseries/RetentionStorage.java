package org.metricspipeline.api.timeseries;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.metricspipeline.api.query.Resolution;

/**
 * A store that can delete old data. Deleting never touches data at or after the cutoff: a raw point
 * at exactly the cutoff is kept, and so is a rollup bucket that ends after it.
 */
public interface RetentionStorage {

  /** Deletes raw points with a timestamp before {@code cutoff}; completes with how many. */
  CompletableFuture<Long> deleteRawBefore(Instant cutoff);

  /**
   * Deletes rollup buckets of {@code resolution} that end at or before {@code cutoff} (every point
   * they summarize is older than the cutoff); completes with how many.
   */
  CompletableFuture<Long> deleteRollupsBefore(Resolution resolution, Instant cutoff);
}
