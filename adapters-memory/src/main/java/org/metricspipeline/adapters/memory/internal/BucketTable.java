package org.metricspipeline.adapters.memory.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.time.Instant;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.core.Aggregations;

/**
 * The buckets of one group while an aggregation runs: per bucket the sums over the group's series of
 * each series' {@link Aggregations.Accumulator} (count, sum, min, max, and the sum of the series
 * rates that exist).
 *
 * <p>Buckets are indexed densely (by {@code (start - first) / step}) when the group's time span holds
 * few buckets compared with its points, else through a hash map. Only the columns the query's
 * function reads are allocated (e.g. count and sum for {@code avg}).
 */
final class BucketTable implements QueryEngine.BucketSink {

  private final long step;
  private final boolean dense;
  private final long first;
  private HashMap<Long, Integer> sparseIndex;
  private long[] starts;
  private int used;

  private long[] count;
  private double[] sum;
  private double[] min;
  private double[] max;
  private double[] rateSum;
  private long[] ratePoints;
  private boolean[] hasRate;
  private long earliest = Long.MAX_VALUE;

  private final boolean keepSum;
  private final boolean keepMinMax;
  private final boolean keepRate;

  private BucketTable(Aggregation function, long step, boolean dense, long first, int capacity) {
    this.keepSum = function == Aggregation.SUM || function == Aggregation.AVG;
    this.keepMinMax = function == Aggregation.MIN || function == Aggregation.MAX;
    this.keepRate = function == Aggregation.RATE;
    this.step = step;
    this.dense = dense;
    this.first = first;
    allocate(capacity);
    if (!dense) {
      sparseIndex = new HashMap<>();
      starts = new long[capacity];
    }
  }

  /** One bucket holding everything (no step), keeping only what {@code function} needs. */
  static BucketTable single(Aggregation function) {
    return new BucketTable(function, 0, true, 0, 1);
  }

  /**
   * Buckets of width {@code step} for points between {@code minTime} and {@code maxTime}, keeping
   * only the columns {@code function} needs.
   */
  static BucketTable forSpan(Aggregation function, long step, long minTime, long maxTime, long points) {
    long first = Aggregations.bucketStart(minTime, step);
    long last = Aggregations.bucketStart(maxTime, step);
    long n = (last - first) / step + 1;
    if (n <= 2 * points + 64 && n <= Integer.MAX_VALUE - 16) {
      return new BucketTable(function, step, true, first, (int) n);
    }
    return new BucketTable(function, step, false, first, 16);
  }

  private void allocate(int capacity) {
    count = new long[capacity];
    sum = new double[keepSum ? capacity : 0];
    min = new double[keepMinMax ? capacity : 0];
    max = new double[keepMinMax ? capacity : 0];
    rateSum = new double[keepRate ? capacity : 0];
    ratePoints = new long[keepRate ? capacity : 0];
    hasRate = new boolean[keepRate ? capacity : 0];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  private int indexOf(long start) {
    if (step == 0) {
      return 0;
    }
    if (dense) {
      return (int) ((start - first) / step);
    }
    Integer index = sparseIndex.get(start);
    if (index != null) {
      return index;
    }
    if (used == count.length) {
      grow(used * 2);
    }
    sparseIndex.put(start, used);
    starts[used] = start;
    return used++;
  }

  private void grow(int capacity) {
    int old = count.length;
    count = Arrays.copyOf(count, capacity);
    starts = Arrays.copyOf(starts, capacity);
    if (keepSum) {
      sum = Arrays.copyOf(sum, capacity);
    }
    if (keepMinMax) {
      min = Arrays.copyOf(min, capacity);
      max = Arrays.copyOf(max, capacity);
      Arrays.fill(min, old, capacity, Double.POSITIVE_INFINITY);
      Arrays.fill(max, old, capacity, Double.NEGATIVE_INFINITY);
    }
    if (keepRate) {
      rateSum = Arrays.copyOf(rateSum, capacity);
      ratePoints = Arrays.copyOf(ratePoints, capacity);
      hasRate = Arrays.copyOf(hasRate, capacity);
    }
  }

  boolean isDense() {
    return dense && step != 0;
  }

  /** Whether min and max are kept (else {@link #foldPlain} ignores them). */
  boolean keepsMinMax() {
    return keepMinMax;
  }

  int denseIndex(long start) {
    return (int) ((start - first) / step);
  }

  /** Adds one series' count, sum, min and max over the bucket at dense index {@code i}. */
  void foldPlain(int i, long n, double s, double lo, double hi) {
    count[i] += n;
    if (keepSum) {
      sum[i] += s;
    }
    if (keepMinMax) {
      if (lo < min[i]) {
        min[i] = lo;
      }
      if (hi > max[i]) {
        max[i] = hi;
      }
    }
  }

  /** The index of the bucket starting at {@code start}, added when new. */
  int index(long start) {
    return indexOf(start);
  }

  /**
   * Adds one series' merged state over the bucket at index {@code i}, folding min and max with
   * {@link Math#min}/{@link Math#max} as core's {@code QueryPlanner.combine} does.
   */
  void foldMerged(int i, long n, double s, double lo, double hi, long firstTime, boolean rate, double r) {
    count[i] += n;
    if (keepSum) {
      sum[i] += s;
    }
    if (keepMinMax) {
      min[i] = Math.min(min[i], lo);
      max[i] = Math.max(max[i], hi);
    }
    if (keepRate && rate) {
      rateSum[i] += r;
      ratePoints[i] += n;
      hasRate[i] = true;
    }
    if (firstTime < earliest) {
      earliest = firstTime;
    }
  }

  /** Adds one series' state over the bucket starting at {@code start}. */
  @Override
  public void fold(long start, Aggregations.Accumulator acc) {
    int i = indexOf(start);
    count[i] += acc.count();
    if (keepSum) {
      sum[i] += acc.sum();
    }
    if (keepMinMax) {
      if (acc.min() < min[i]) {
        min[i] = acc.min();
      }
      if (acc.max() > max[i]) {
        max[i] = acc.max();
      }
    }
    if (keepRate && acc.hasRate()) {
      rateSum[i] += acc.rate();
      ratePoints[i] += acc.count();
      hasRate[i] = true;
    }
    if (acc.firstTime() < earliest) {
      earliest = acc.firstTime();
    }
  }

  /**
   * The non-empty buckets in time order. Without a step the single bucket starts at
   * {@code rangeStart} when the range is bounded, else at the earliest point.
   */
  List<Bucket> buckets(Aggregation function, long rangeStart) {
    int filled = 0;
    int n = step == 0 ? 1 : dense ? count.length : used;
    for (int i = 0; i < n; i++) {
      if (count[i] != 0) {
        filled++;
      }
    }
    List<Bucket> buckets = new ArrayList<>(filled);
    if (step == 0) {
      long start = rangeStart == Long.MIN_VALUE ? earliest : rangeStart;
      addBucket(buckets, function, 0, start);
      return buckets;
    }
    if (dense) {
      for (int i = 0; i < count.length; i++) {
        addBucket(buckets, function, i, first + i * step);
      }
      return buckets;
    }
    Integer[] order = new Integer[used];
    for (int i = 0; i < used; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
    for (int i : order) {
      addBucket(buckets, function, i, starts[i]);
    }
    return buckets;
  }

  private void addBucket(List<Bucket> out, Aggregation function, int i, long start) {
    if (count[i] == 0) {
      return;
    }
    double value;
    long points = count[i];
    switch (function) {
      case COUNT -> value = count[i];
      case SUM -> value = sum[i];
      case AVG -> value = sum[i] / count[i];
      case MIN -> value = min[i];
      case MAX -> value = max[i];
      case RATE -> {
        if (!hasRate[i]) {
          return;
        }
        value = rateSum[i];
        points = ratePoints[i];
      }
      default -> throw new IllegalStateException("unknown aggregation " + function);
    }
    out.add(new Bucket(Instant.ofEpochMilli(start), value, points));
  }
}
