package org.metricspipeline.api.query;

import java.time.Instant;
import java.util.Objects;

/**
 * One aggregated value: a time bucket of one group.
 *
 * @param start the bucket's start (see {@link AggregationQuery} for alignment)
 * @param value the aggregated value
 * @param count how many points the value was computed from
 */
public record Bucket(Instant start, double value, long count) {

  /** Validates. */
  public Bucket {
    Objects.requireNonNull(start, "start");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
  }
}
