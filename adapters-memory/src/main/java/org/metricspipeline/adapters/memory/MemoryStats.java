package org.metricspipeline.adapters.memory;

/**
 * How much an {@link InMemoryStorageAdapter} holds and what it costs in heap.
 *
 * @param points points stored
 * @param series distinct series (metric type, source, metric name, unit, tags)
 * @param bytesUsed estimated heap bytes held by the points, the series' metadata and the context
 *     side table: primitive columns and their slack are counted exactly, object headers and strings
 *     by estimate
 * @param maxPoints the configured bound on {@code points}
 * @param contexts (timestamp, metric type, source) keys that carry an item context
 */
public record MemoryStats(long points, long series, long bytesUsed, long maxPoints, long contexts) {

  /** Validates that every figure is non-negative. */
  public MemoryStats {
    if (points < 0 || series < 0 || bytesUsed < 0 || maxPoints < 0 || contexts < 0) {
      throw new IllegalArgumentException("figures must be >= 0: " + points + ", " + series + ", "
          + bytesUsed + ", " + maxPoints + ", " + contexts);
    }
  }

  /** Bytes used per stored point, everything included; 0 when empty. */
  public double bytesPerPoint() {
    return points == 0 ? 0 : (double) bytesUsed / points;
  }

  /** The share of {@code maxPoints} in use, from 0 to 1. */
  public double utilization() {
    return maxPoints == 0 ? 0 : (double) points / maxPoints;
  }
}
