package org.metricspipeline.adapters.memory.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupInfo;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.core.Aggregations;
import org.metricspipeline.core.QueryPlanner;

/**
 * The rollups of the in-memory store: per resolution and series, the bucket states in columns
 * ({@link Columns}), replaced copy-on-write so readers never lock.
 */
public final class RollupStore {

  private static final long NONE = Long.MIN_VALUE;

  private final SeriesStore store;
  private final QueryEngine engine;
  private final Map<Resolution, ConcurrentHashMap<Series, Columns>> byResolution = new EnumMap<>(Resolution.class);
  private final Map<Resolution, AtomicLong> watermarks = new EnumMap<>(Resolution.class);
  private volatile Listener listener = Listener.NONE;

  /** Told every change, in order, while it is made: how a data directory persists rollups. */
  interface Listener {
    Listener NONE = new Listener() {
      @Override
      public void rolledUp(Resolution r, long from, long to, long watermark, List<Series> series,
          List<Columns> columns) {}

      @Override
      public void deleted(Resolution r, long cutoff) {}
    };

    /** Each series' buckets in {@code [from, to)} were replaced by {@code columns}. */
    void rolledUp(Resolution r, long from, long to, long watermark, List<Series> series, List<Columns> columns);

    /** Buckets ending at or before {@code cutoff} were deleted. */
    void deleted(Resolution r, long cutoff);
  }

  void listener(Listener l) {
    this.listener = l;
  }

  /** Replays a logged {@link Listener#rolledUp} for one series. */
  void restore(Resolution r, long from, long to, Series s, Columns middle) {
    ConcurrentHashMap<Series, Columns> columns = byResolution.get(r);
    Columns old = columns.get(s);
    columns.put(s, (old == null ? Columns.EMPTY : old).replace(from, to, middle));
  }

  /** Replays a logged watermark. */
  void restoreWatermark(Resolution r, long watermark) {
    watermarks.get(r).set(watermark);
  }

  /** Every series' buckets at one resolution (for compacting a log). */
  Map<Series, Columns> columns(Resolution r) {
    return byResolution.get(r);
  }

  long watermarkMillis(Resolution r) {
    return watermarks.get(r).get();
  }

  /** Rollups of the series in {@code store}. */
  public RollupStore(SeriesStore store, QueryEngine engine) {
    this.store = store;
    this.engine = engine;
    for (Resolution r : Resolution.values()) {
      byResolution.put(r, new ConcurrentHashMap<>());
      watermarks.put(r, new AtomicLong(NONE));
    }
  }

  /** Computes and stores the buckets in {@code range}; see {@code RollupStorage#rollup}. */
  public long rollup(Resolution resolution, TimeRange range) {
    long res = resolution.millis();
    if (range.end().isEmpty()) {
      throw new IllegalArgumentException("rollup range must have an end");
    }
    if (range.start().isPresent() && Math.floorMod(range.startMillis(), res) != 0
        || Math.floorMod(range.endMillis(), res) != 0) {
      throw new IllegalArgumentException("rollup range " + range + " is not aligned to " + resolution.wireName());
    }
    long from = range.startMillis();
    long to = range.endMillis();
    ConcurrentHashMap<Series, Columns> columns = byResolution.get(resolution);
    long stored = 0;
    boolean pointsBefore = false;
    Listener l = listener;
    List<Series> changed = l == Listener.NONE ? null : new ArrayList<>();
    List<Columns> changes = l == Listener.NONE ? null : new ArrayList<>();
    synchronized (columns) {
      for (Series s : store.allSeries()) {
        SeriesSnapshot snapshot = s.snapshot();
        long start = snapshot.lowerBound(from);
        if (start != 0) {
          pointsBefore = true;
        }
        long end = snapshot.lowerBound(to);
        Columns.Builder b = new Columns.Builder();
        QueryEngine.scan(snapshot, start, end, res, b::add);
        Columns old = columns.get(s);
        if (old == null && b.size == 0) {
          continue;
        }
        Columns middle = b.build();
        Columns updated = (old == null ? Columns.EMPTY : old).replace(from, to, middle);
        columns.put(s, updated);
        if (changed != null) {
          changed.add(s);
          changes.add(middle);
        }
        stored += b.size;
      }
      AtomicLong w = watermarks.get(resolution);
      long current = w.get();
      boolean contiguous = range.start().isEmpty()
          || (current != NONE ? from <= current : !pointsBefore);
      if (contiguous && to > current) {
        w.set(to);
      }
      if (changed != null) {
        l.rolledUp(resolution, from, to, w.get(), changed, changes);
      }
    }
    return stored;
  }

  /** The stored buckets matching {@code query}. */
  public List<RollupBucket> read(RollupQuery query) {
    ConcurrentHashMap<Series, Columns> columns = byResolution.get(query.resolution());
    List<RollupBucket> out = new ArrayList<>();
    for (Series s : engine.select(query.metricType(), List.of(query.metricName()), query.tags())) {
      Columns c = columns.get(s);
      if (c != null) {
        c.addTo(out, s, query.resolution(), query.range().startMillis(), query.range().endMillis());
      }
    }
    return out;
  }

  /** The buckets {@code query} would have, computed from raw points. */
  public List<RollupBucket> compute(RollupQuery query) {
    Resolution r = query.resolution();
    List<RollupBucket> out = new ArrayList<>();
    for (Series s : engine.select(query.metricType(), List.of(query.metricName()), query.tags())) {
      SeriesSnapshot snapshot = s.snapshot();
      long start = snapshot.lowerBound(query.range().startMillis());
      long end = query.range().end().isEmpty() ? snapshot.endPosition()
          : snapshot.lowerBound(query.range().endMillis());
      QueryEngine.scan(snapshot, start, end, r.millis(),
          (bucket, acc) -> out.add(acc.toRollupBucket(s.id(), r, bucket)));
    }
    return out;
  }

  /**
   * Answers {@code query} following a rollup {@code plan} (one with a resolution): folds the stored
   * bucket columns in the plan's stored range and the buckets computed from raw points in its tail
   * straight into each group's bucket table, merging a series' buckets per step in time order. The
   * answer is bit-identical to core's {@code QueryPlanner.combine} over {@link #read} and
   * {@link #compute}: same series order, same merge arithmetic, same per-bucket sums.
   */
  public AggregationResult aggregate(AggregationQuery query, QueryPlanner.Plan plan) {
    Resolution r = plan.resolution().orElseThrow();
    ConcurrentHashMap<Series, Columns> columns = byResolution.get(r);
    long step = query.step().map(Duration::toMillis).orElse(0L);
    List<String> groupBy = query.groupBy();
    long storedFrom = plan.stored().startMillis();
    long storedTo = plan.stored().endMillis();
    List<Series> selected = engine.select(query.metricType(), List.of(query.metricName()), query.tags());
    List<Slice> withStored = new ArrayList<>(selected.size());
    List<Slice> tailOnly = new ArrayList<>();
    for (Series s : selected) {
      Columns c = columns.get(s);
      int a = 0;
      int b = 0;
      if (c != null) {
        a = c.lowerBound(storedFrom);
        b = storedTo == Long.MAX_VALUE ? c.size : c.lowerBound(storedTo);
      } else {
        c = Columns.EMPTY;
      }
      Columns tail = Columns.EMPTY;
      if (plan.tail().isPresent()) {
        TimeRange range = plan.tail().get();
        SeriesSnapshot snapshot = s.snapshot();
        long start = snapshot.lowerBound(range.startMillis());
        long end = range.end().isEmpty() ? snapshot.endPosition() : snapshot.lowerBound(range.endMillis());
        Columns.Builder builder = new Columns.Builder();
        QueryEngine.scan(snapshot, start, end, r.millis(), builder::add);
        tail = builder.build();
      }
      if (a < b) {
        withStored.add(new Slice(s, c, a, b, tail));
      } else if (tail.size > 0) {
        tailOnly.add(new Slice(s, c, a, a, tail));
      }
    }
    // QueryPlanner.combine meets series with stored buckets first, then those with only a tail
    Map<List<String>, List<Slice>> groups = new HashMap<>();
    for (List<Slice> part : List.of(withStored, tailOnly)) {
      for (Slice slice : part) {
        List<String> key = new ArrayList<>(groupBy.size());
        for (String k : groupBy) {
          key.add(slice.series.tags().getOrDefault(k, ""));
        }
        groups.computeIfAbsent(key, unused -> new ArrayList<>()).add(slice);
      }
    }
    List<Map.Entry<List<String>, List<Slice>>> ordered = new ArrayList<>(groups.entrySet());
    ordered.sort((x, y) -> CodePoints.compare(
        x.getKey().toArray(String[]::new), y.getKey().toArray(String[]::new)));
    List<GroupResult> results = new ArrayList<>(ordered.size());
    for (Map.Entry<List<String>, List<Slice>> e : ordered) {
      BucketTable table = step == 0 ? BucketTable.single(query.function()) : table(query, e.getValue(), step);
      for (Slice slice : e.getValue()) {
        Folder folder = new Folder(table, step);
        folder.fold(slice.stored, slice.from, slice.to);
        folder.fold(slice.tail, 0, slice.tail.size);
        folder.flush();
      }
      List<Bucket> buckets = table.buckets(query.function(), query.range().startMillis());
      if (buckets.isEmpty()) {
        continue;
      }
      results.add(GroupResult.of(groupBy, e.getKey(), buckets));
    }
    return new AggregationResult(query, results, plan.sources());
  }

  private static BucketTable table(AggregationQuery query, List<Slice> slices, long step) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long buckets = 0;
    for (Slice s : slices) {
      if (s.from < s.to) {
        first = Math.min(first, s.stored.starts[s.from]);
        last = Math.max(last, s.stored.starts[s.to - 1]);
      }
      if (s.tail.size > 0) {
        first = Math.min(first, s.tail.starts[0]);
        last = Math.max(last, s.tail.starts[s.tail.size - 1]);
      }
      buckets += s.to - s.from + s.tail.size;
    }
    return BucketTable.forSpan(query.function(), step, first, last, buckets);
  }

  /** One series' stored buckets {@code [from, to)} and the buckets computed after the watermark. */
  private record Slice(Series series, Columns stored, int from, int to, Columns tail) {}

  /**
   * Merges one series' rollup buckets, in time order, into one state per step bucket with exactly
   * the arithmetic of {@link Aggregations.Accumulator#merge}, and folds each into the table.
   */
  private static final class Folder {
    private final BucketTable table;
    private final long step;
    private boolean open;
    private long bucket;
    private long bucketEnd;
    private long count;
    private double sum;
    private double min;
    private double max;
    private long firstTime;
    private long lastTime;
    private double lastValue;
    private double increase;

    Folder(BucketTable table, long step) {
      this.table = table;
      this.step = step;
    }

    void fold(Columns c, int from, int to) {
      long[] starts = c.starts;
      for (int j = from; j < to; j++) {
        long start = starts[j];
        if (open && step != 0 && start >= bucketEnd) {
          flush();
        }
        if (!open) {
          open = true;
          if (step != 0) {
            bucket = Aggregations.bucketStart(start, step);
            bucketEnd = bucket > Long.MAX_VALUE - step ? Long.MAX_VALUE : bucket + step;
          }
          count = c.count(j);
          sum = c.sum(j);
          min = c.min(j);
          max = c.max(j);
          firstTime = c.firstTime(j);
          lastTime = c.lastTime(j);
          lastValue = c.lastValue(j);
          increase = c.increase(j);
          continue;
        }
        double fv = c.firstValue(j);
        increase += (fv >= lastValue ? fv - lastValue : fv) + c.increase(j);
        lastTime = c.lastTime(j);
        lastValue = c.lastValue(j);
        count += c.count(j);
        sum += c.sum(j);
        min = Math.min(min, c.min(j));
        max = Math.max(max, c.max(j));
      }
    }

    void flush() {
      if (!open) {
        return;
      }
      open = false;
      boolean hasRate = count >= 2 && lastTime > firstTime;
      double rate = hasRate ? increase / ((lastTime - firstTime) / 1000.0) : 0;
      table.foldMerged(table.index(step == 0 ? 0 : bucket), count, sum, min, max, firstTime, hasRate, rate);
    }
  }

  /** The resolution's watermark, if any rollup moved it. */
  public Optional<Instant> watermark(Resolution resolution) {
    long w = watermarks.get(resolution).get();
    return w == NONE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(w));
  }

  /** Deletes buckets ending at or before {@code cutoff}; returns how many. */
  public long deleteBefore(Resolution resolution, long cutoff) {
    ConcurrentHashMap<Series, Columns> columns = byResolution.get(resolution);
    long removed = 0;
    synchronized (columns) {
      for (Map.Entry<Series, Columns> e : columns.entrySet()) {
        Columns c = e.getValue();
        Columns kept = c.dropBefore(cutoff - resolution.millis() + 1);
        removed += c.size - kept.size;
        e.setValue(kept);
      }
      listener.deleted(resolution, cutoff);
    }
    return removed;
  }

  /** What is rolled up, per metric and resolution. */
  public List<RollupInfo> list() {
    List<RollupInfo> out = new ArrayList<>();
    TreeMap<String, Map<Resolution, long[]>> byName = new TreeMap<>(CodePoints::compare);
    for (Resolution r : Resolution.values()) {
      for (Map.Entry<Series, Columns> e : byResolution.get(r).entrySet()) {
        Columns c = e.getValue();
        if (c.size == 0) {
          continue;
        }
        long[] f = byName.computeIfAbsent(e.getKey().name(), k -> new EnumMap<>(Resolution.class))
            .computeIfAbsent(r, k -> new long[] {0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
        f[0]++;
        f[1] += c.size;
        for (int i = 0; i < c.size; i++) {
          f[2] += c.count(i);
        }
        f[3] = Math.min(f[3], c.starts[0]);
        f[4] = Math.max(f[4], c.starts[c.size - 1]);
      }
    }
    byName.forEach((name, perResolution) -> perResolution.forEach((r, f) -> out.add(new RollupInfo(
        name, r, f[0], f[1], f[2], Instant.ofEpochMilli(f[3]), Instant.ofEpochMilli(f[4]), watermark(r)))));
    return out;
  }

  /** Immutable columns of one series' buckets at one resolution, ordered by start. */
  static final class Columns {
    static final Columns EMPTY = new Builder().build();

    final int size;
    /** Bucket starts, in order (searched on every read). */
    final long[] starts;
    /** Per bucket: count, first time, last time. */
    private final long[] longs;
    /** Per bucket: sum, min, max, first value, last value, increase. */
    private final double[] doubles;

    /**
     * Packs the builder's columns cut to their size: three arrays per series and resolution instead
     * of ten (at a million series of one bucket each, about 200 instead of 900 bytes each).
     */
    private Columns(Builder b) {
      int n = b.size;
      this.size = n;
      this.starts = Arrays.copyOf(b.starts, n);
      this.longs = new long[3 * n];
      this.doubles = new double[6 * n];
      for (int i = 0; i < n; i++) {
        longs[3 * i] = b.count[i];
        longs[3 * i + 1] = b.firstTime[i];
        longs[3 * i + 2] = b.lastTime[i];
        doubles[6 * i] = b.sum[i];
        doubles[6 * i + 1] = b.min[i];
        doubles[6 * i + 2] = b.max[i];
        doubles[6 * i + 3] = b.firstValue[i];
        doubles[6 * i + 4] = b.lastValue[i];
        doubles[6 * i + 5] = b.increase[i];
      }
    }

    long count(int i) {
      return longs[3 * i];
    }

    long firstTime(int i) {
      return longs[3 * i + 1];
    }

    long lastTime(int i) {
      return longs[3 * i + 2];
    }

    double sum(int i) {
      return doubles[6 * i];
    }

    double min(int i) {
      return doubles[6 * i + 1];
    }

    double max(int i) {
      return doubles[6 * i + 2];
    }

    double firstValue(int i) {
      return doubles[6 * i + 3];
    }

    double lastValue(int i) {
      return doubles[6 * i + 4];
    }

    double increase(int i) {
      return doubles[6 * i + 5];
    }

    /** The first index whose start is {@code >= t}. */
    int lowerBound(long t) {
      int i = Arrays.binarySearch(starts, 0, size, t);
      return i >= 0 ? i : -i - 1;
    }

    void addTo(List<RollupBucket> out, Series s, Resolution r, long from, long to) {
      int a = lowerBound(from);
      int b = to == Long.MAX_VALUE ? size : lowerBound(to);
      for (int i = a; i < b; i++) {
        out.add(new RollupBucket(s.id(), r, starts[i], count(i), sum(i), min(i), max(i), firstTime(i),
            firstValue(i), lastTime(i), lastValue(i), increase(i)));
      }
    }

    /** These columns with the buckets starting in {@code [from, to)} replaced by {@code middle}. */
    Columns replace(long from, long to, Columns middle) {
      int a = lowerBound(from);
      int b = lowerBound(to);
      Builder out = new Builder();
      out.copy(this, 0, a);
      out.copy(middle, 0, middle.size);
      out.copy(this, b, size);
      return out.build();
    }

    /** These columns without the buckets starting before {@code t}. */
    Columns dropBefore(long t) {
      int a = lowerBound(t);
      if (a == 0) {
        return this;
      }
      Builder out = new Builder();
      out.copy(this, a, size);
      return out.build();
    }

    static final class Builder {
      int size;
      long[] starts = new long[8];
      long[] count = new long[8];
      double[] sum = new double[8];
      double[] min = new double[8];
      double[] max = new double[8];
      long[] firstTime = new long[8];
      double[] firstValue = new double[8];
      long[] lastTime = new long[8];
      double[] lastValue = new double[8];
      double[] increase = new double[8];

      private void ensure(int n) {
        if (n <= starts.length) {
          return;
        }
        int c = Math.max(n, starts.length * 2);
        starts = Arrays.copyOf(starts, c);
        count = Arrays.copyOf(count, c);
        sum = Arrays.copyOf(sum, c);
        min = Arrays.copyOf(min, c);
        max = Arrays.copyOf(max, c);
        firstTime = Arrays.copyOf(firstTime, c);
        firstValue = Arrays.copyOf(firstValue, c);
        lastTime = Arrays.copyOf(lastTime, c);
        lastValue = Arrays.copyOf(lastValue, c);
        increase = Arrays.copyOf(increase, c);
      }

      void add(long start, Aggregations.Accumulator a) {
        ensure(size + 1);
        starts[size] = start;
        count[size] = a.count();
        sum[size] = a.sum();
        min[size] = a.min();
        max[size] = a.max();
        firstTime[size] = a.firstTime();
        firstValue[size] = a.firstValue();
        lastTime[size] = a.lastTime();
        lastValue[size] = a.lastValue();
        increase[size] = a.increase();
        size++;
      }

      void addRaw(long start, long n, double total, double low, double high, long first, double firstV,
          long last, double lastV, double inc) {
        ensure(size + 1);
        starts[size] = start;
        count[size] = n;
        sum[size] = total;
        min[size] = low;
        max[size] = high;
        firstTime[size] = first;
        firstValue[size] = firstV;
        lastTime[size] = last;
        lastValue[size] = lastV;
        increase[size] = inc;
        size++;
      }

      void copy(Columns c, int from, int to) {
        int n = to - from;
        if (n <= 0) {
          return;
        }
        ensure(size + n);
        System.arraycopy(c.starts, from, starts, size, n);
        for (int i = 0; i < n; i++) {
          int j = from + i;
          int k = size + i;
          count[k] = c.count(j);
          sum[k] = c.sum(j);
          min[k] = c.min(j);
          max[k] = c.max(j);
          firstTime[k] = c.firstTime(j);
          firstValue[k] = c.firstValue(j);
          lastTime[k] = c.lastTime(j);
          lastValue[k] = c.lastValue(j);
          increase[k] = c.increase(j);
        }
        size += n;
      }

      Columns build() {
        return new Columns(this);
      }
    }
  }
}
