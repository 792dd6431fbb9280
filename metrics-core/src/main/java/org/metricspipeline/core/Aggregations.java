package org.metricspipeline.core;

import java.util.Objects;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.SeriesId;

/**
 * The one definition of what each {@link Aggregation} means and how time buckets are aligned. Every
 * store either uses this class or reproduces it exactly (the storage conformance kit checks).
 *
 * <h2>Buckets</h2>
 * A point at epoch millisecond {@code t} falls in the bucket starting at
 * {@code t - floorMod(t, step)}: buckets are aligned to multiples of the step since the Unix epoch,
 * so a 1-minute step gives buckets starting on whole minutes (UTC).
 *
 * <h2>Functions, over the points of one bucket of one group</h2>
 * <ul>
 *   <li>{@code count}: the number of points. Example: values 3, 5, 10 give 3.
 *   <li>{@code sum}: their sum (3, 5, 10 give 18).
 *   <li>{@code avg}: sum divided by count (3, 5, 10 give 6).
 *   <li>{@code min} / {@code max}: the smallest / largest value (3 and 10).
 *   <li>{@code rate}: computed per series (one series = one distinct metric type, source, metric name, unit and
 *       tag set), then
 *       summed over the series of the group. For one series with points {@code (t1,v1)..(tn,vn)} in
 *       {@linkplain #comparePoints point order} inside the bucket (time, ties by value), the increase is the sum over consecutive pairs of
 *       {@code v(i) - v(i-1)}, except that when {@code v(i) < v(i-1)} (a counter reset) the pair
 *       contributes {@code v(i)}; the rate is that increase divided by {@code (tn - t1)} in seconds.
 *       No extrapolation to the bucket's edges is done. A series with fewer than two points, or with
 *       all points at one instant, has no rate in that bucket; a bucket where no series has a rate is
 *       absent. Example: points at 0 s, 10 s, 20 s, 30 s with values 10, 20, 5, 15 have increase
 *       10 + 5 + 10 = 25 over 30 s, so the rate is 0.8333/s.
 * </ul>
 *
 * <p>{@link Accumulator} holds the state of one bucket of one series; accumulators of adjacent time
 * spans {@linkplain Accumulator#merge merge} exactly, which is what lets rollups answer every
 * function, {@code rate} included, without the raw points.
 *
 * <h2>Rollups</h2>
 * A rollup bucket ({@link RollupBucket}) is the accumulator of one series over one
 * {@link Resolution}-wide bucket. A query bucket of width {@code step} is the merge, per series, of
 * the rollup buckets inside it, so rollups of resolution {@code r} answer exactly when the step is a
 * multiple of {@code r} and the range's bounded edges are multiples of {@code r}. Example: a counter
 * with points (0 s, 10), (50 s, 20), (70 s, 5), (110 s, 15) rolls up into the 1-minute buckets
 * [0 s: first 10, last 20, increase 10] and [60 s: first 5, last 15, increase 10]; merged over a
 * 2-minute step they give increase 10 + 5 (the reset from 20 to 5 contributes 5) + 10 = 25 over
 * 110 s, exactly what the raw points give. {@link QueryPlanner} does this merging.
 *
 * <p>Sums merge in a different order than point-by-point addition, so non-integer sums (and
 * {@code avg}, {@code rate}) from rollups may differ from raw answers in the last bits of the
 * double; for integer-valued data below 2^53 they are identical.
 */
public final class Aggregations {

  private Aggregations() {}

  /**
   * The order of the points of one series, which {@code rate} (and a rollup's first and last point)
   * depends on: by timestamp, ties by value ({@link Double#compare}). Two points of one series at
   * the same instant are both kept; this order makes {@code rate} over them the same in every store.
   * Example: (10 s, 7) and (10 s, 3) are read as 3 then 7, an increase of 4, not a reset to 3.
   * SQL stores sort {@code (timestamp, value)} tuples, which is this order.
   */
  public static int comparePoints(long time1, double value1, long time2, double value2) {
    int c = Long.compare(time1, time2);
    return c != 0 ? c : Double.compare(value1, value2);
  }

  /** The start of the bucket of width {@code stepMillis} holding epoch millisecond {@code t}. */
  public static long bucketStart(long t, long stepMillis) {
    if (stepMillis < 1) {
      throw new IllegalArgumentException("stepMillis must be >= 1, got " + stepMillis);
    }
    return t - Math.floorMod(t, stepMillis);
  }

  /**
   * The mergeable state of one series over one time span: count, sum, min, max, and what {@code rate}
   * needs (first and last point, and the reset-adjusted increase between them).
   *
   * <p>Points must be added in {@linkplain Aggregations#comparePoints point order} (time, ties by
   * value) for {@code rate} to agree between stores; only time order is checked. Not thread-safe.
   */
  public static final class Accumulator {
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long firstTime;
    private double firstValue;
    private long lastTime;
    private double lastValue;
    private double increase;

    /** An empty accumulator. */
    public Accumulator() {}

    /** An accumulator restored from its parts (as kept by a rollup). */
    public static Accumulator of(
        long count, double sum, double min, double max, long firstTime, double firstValue,
        long lastTime, double lastValue, double increase) {
      Accumulator a = new Accumulator();
      a.count = count;
      a.sum = sum;
      a.min = min;
      a.max = max;
      a.firstTime = firstTime;
      a.firstValue = firstValue;
      a.lastTime = lastTime;
      a.lastValue = lastValue;
      a.increase = increase;
      return a;
    }

    /** An accumulator holding a rollup bucket's state. */
    public static Accumulator of(RollupBucket b) {
      return of(b.count(), b.sum(), b.min(), b.max(), b.firstMillis(), b.firstValue(), b.lastMillis(),
          b.lastValue(), b.increase());
    }

    /** This state as a rollup bucket of {@code series} starting at {@code startMillis}; needs a point. */
    public RollupBucket toRollupBucket(SeriesId series, Resolution resolution, long startMillis) {
      return new RollupBucket(series, resolution, startMillis, count, sum, min, max, firstTime,
          firstValue, lastTime, lastValue, increase);
    }

    /** Adds a point; {@code time} must not be before the last point added. */
    public void add(long time, double value) {
      if (count == 0) {
        firstTime = time;
        firstValue = value;
      } else {
        if (time < lastTime) {
          throw new IllegalArgumentException("points must be added in time order: " + time + " < " + lastTime);
        }
        increase += value >= lastValue ? value - lastValue : value;
      }
      lastTime = time;
      lastValue = value;
      count++;
      sum += value;
      if (value < min) {
        min = value;
      }
      if (value > max) {
        max = value;
      }
    }

    /**
     * Adds the state of a span that starts at or after this one's last point (same series), as if
     * its points had been added one by one.
     */
    public void merge(Accumulator later) {
      Objects.requireNonNull(later, "later");
      if (later.count == 0) {
        return;
      }
      if (count == 0) {
        copyFrom(later);
        return;
      }
      if (later.firstTime < lastTime) {
        throw new IllegalArgumentException("merged span must start at or after " + lastTime);
      }
      increase += (later.firstValue >= lastValue ? later.firstValue - lastValue : later.firstValue)
          + later.increase;
      lastTime = later.lastTime;
      lastValue = later.lastValue;
      count += later.count;
      sum += later.sum;
      min = Math.min(min, later.min);
      max = Math.max(max, later.max);
    }

    private void copyFrom(Accumulator o) {
      count = o.count;
      sum = o.sum;
      min = o.min;
      max = o.max;
      firstTime = o.firstTime;
      firstValue = o.firstValue;
      lastTime = o.lastTime;
      lastValue = o.lastValue;
      increase = o.increase;
    }

    /** Whether {@link #rate()} has a value: at least two points at different instants. */
    public boolean hasRate() {
      return count >= 2 && lastTime > firstTime;
    }

    /** The per-second increase; only meaningful when {@link #hasRate()}. */
    public double rate() {
      return increase / ((lastTime - firstTime) / 1000.0);
    }

    /**
     * The value of a function other than {@code rate} over the points added; {@code rate} here gives
     * this series' rate (callers sum series rates themselves).
     */
    public double value(Aggregation function) {
      return switch (function) {
        case COUNT -> count;
        case SUM -> sum;
        case AVG -> sum / count;
        case MIN -> min;
        case MAX -> max;
        case RATE -> rate();
      };
    }

    /** The number of points. */
    public long count() {
      return count;
    }

    /** The sum of the values. */
    public double sum() {
      return sum;
    }

    /** The smallest value ({@code +Infinity} when empty). */
    public double min() {
      return min;
    }

    /** The largest value ({@code -Infinity} when empty). */
    public double max() {
      return max;
    }

    /** The first point's time. */
    public long firstTime() {
      return firstTime;
    }

    /** The first point's value. */
    public double firstValue() {
      return firstValue;
    }

    /** The last point's time. */
    public long lastTime() {
      return lastTime;
    }

    /** The last point's value. */
    public double lastValue() {
      return lastValue;
    }

    /** The reset-adjusted increase from the first to the last point. */
    public double increase() {
      return increase;
    }
  }
}
