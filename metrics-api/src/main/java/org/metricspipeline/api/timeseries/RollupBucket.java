package org.metricspipeline.api.timeseries;

import java.time.Instant;
import java.util.Objects;
import org.metricspipeline.api.query.Resolution;

/**
 * One rollup bucket of one series: everything needed to answer every aggregation function exactly
 * (core's {@code Aggregations.Accumulator} state), for the points in
 * {@code [startMillis, startMillis + resolution)}.
 *
 * @param series the series
 * @param resolution the bucket width
 * @param startMillis the bucket start in epoch milliseconds, a multiple of the resolution
 * @param count the number of points, at least 1
 * @param sum the sum of the values
 * @param min the smallest value
 * @param max the largest value
 * @param firstMillis the first point's time
 * @param firstValue the first point's value
 * @param lastMillis the last point's time
 * @param lastValue the last point's value
 * @param increase the counter increase from the first to the last point, resets handled
 */
public record RollupBucket(
    SeriesId series, Resolution resolution, long startMillis, long count, double sum, double min,
    double max, long firstMillis, double firstValue, long lastMillis, double lastValue, double increase) {

  /** Validates. */
  public RollupBucket {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(resolution, "resolution");
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    if (Math.floorMod(startMillis, resolution.millis()) != 0) {
      throw new IllegalArgumentException("startMillis " + startMillis + " is not aligned to " + resolution);
    }
  }

  /** The bucket start. */
  public Instant start() {
    return Instant.ofEpochMilli(startMillis);
  }
}
