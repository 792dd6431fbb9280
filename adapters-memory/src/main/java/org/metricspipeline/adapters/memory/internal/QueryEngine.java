package org.metricspipeline.adapters.memory.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.core.Aggregations;

/**
 * Answers {@link MetricsQuery} and {@link AggregationQuery} from a {@link SeriesStore}, with the
 * semantics documented on those classes and on {@link Aggregations}.
 *
 * <p>Reads work on {@link SeriesSnapshot}s, so they never block writers for longer than it takes to
 * capture a snapshot (and, after late points, to re-sort the affected tail of a series once).
 */
public final class QueryEngine {

  /** The source every answer comes from: this store keeps no rollups yet. */
  public static final String RAW_SOURCE = "raw";

  /** Orders series as the query model orders points with equal timestamps; unit breaks ties last. */
  static final Comparator<Series> SERIES_ORDER = QueryEngine::compareIgnoringUnit;

  private final SeriesStore store;

  /** An engine reading from {@code store}. */
  public QueryEngine(SeriesStore store) {
    this.store = store;
  }

  private static int compareIgnoringUnit(Series a, Series b) {
    int c = CodePoints.compare(a.metricType(), b.metricType());
    if (c == 0) {
      c = CodePoints.compare(a.source(), b.source());
    }
    if (c == 0) {
      c = CodePoints.compare(a.name(), b.name());
    }
    if (c == 0) {
      c = CodePoints.compare(a.sortedTagKeys(), b.sortedTagKeys());
    }
    if (c == 0) {
      c = CodePoints.compare(a.tagValues(), b.tagValues());
    }
    return c;
  }

  List<Series> select(Optional<String> metricType, List<String> names, Map<String, String> tags) {
    List<Series> selected = new ArrayList<>();
    if (names.isEmpty()) {
      addMatching(selected, store.allSeries(), metricType, tags);
    } else {
      for (String name : new LinkedHashSet<>(names)) {
        addMatching(selected, store.seriesNamed(name), metricType, tags);
      }
    }
    return selected;
  }

  private static void addMatching(
      List<Series> out, List<Series> candidates, Optional<String> metricType, Map<String, String> tags) {
    String type = metricType.orElse(null);
    for (Series s : candidates) {
      if ((type == null || type.equals(s.metricType())) && s.hasTags(tags)) {
        out.add(s);
      }
    }
  }

  /** Reads a page of points back as items. */
  public List<MetricsData> query(MetricsQuery query) {
    List<Series> selected = select(query.metricType(), query.metricNames(), query.tags());
    if (selected.isEmpty()) {
      return List.of();
    }
    selected.sort(SERIES_ORDER.thenComparing(Series::unit, CodePoints::compare));
    long from = query.range().startMillis();
    long to = query.range().endMillis();
    PriorityQueue<Cursor> heap = new PriorityQueue<>(selected.size());
    int rank = 0;
    for (int k = 0; k < selected.size(); k++) {
      Series s = selected.get(k);
      if (k > 0 && compareIgnoringUnit(selected.get(k - 1), s) != 0) {
        rank++;
      }
      SeriesSnapshot snapshot = s.snapshot();
      long position = snapshot.lowerBound(from);
      if (position != snapshot.endPosition() && snapshot.timeAt(position) < to) {
        heap.add(new Cursor(snapshot, rank, k, position));
      }
    }

    long skip = query.offset();
    int limit = query.limit();
    List<Series> pageSeries = new ArrayList<>(Math.min(limit, 1024));
    long[] times = new long[Math.min(limit, 1024)];
    double[] values = new double[times.length];
    int n = 0;
    while (!heap.isEmpty() && n < limit) {
      Cursor c = heap.poll();
      if (skip > 0) {
        skip--;
      } else {
        if (n == times.length) {
          times = Arrays.copyOf(times, Math.min(limit, n * 2));
          values = Arrays.copyOf(values, times.length);
        }
        pageSeries.add(c.snapshot.series());
        times[n] = c.time;
        values[n] = c.value;
        n++;
      }
      if (c.advance(to)) {
        heap.add(c);
      }
    }
    return toItems(pageSeries, times, values, n);
  }

  private List<MetricsData> toItems(List<Series> series, long[] times, double[] values, int n) {
    List<MetricsData> items = new ArrayList<>();
    int i = 0;
    while (i < n) {
      Series first = series.get(i);
      long time = times[i];
      List<Metric> metrics = new ArrayList<>();
      int j = i;
      while (j < n && times[j] == time && series.get(j).metricType().equals(first.metricType())
          && series.get(j).source().equals(first.source())) {
        Series s = series.get(j);
        metrics.add(new Metric(s.name(), values[j], s.unit(), s.tags()));
        j++;
      }
      Map<String, Object> context =
          store.context(time, first.metricType(), first.source()).orElse(Map.of());
      items.add(new MetricsData(
          Instant.ofEpochMilli(time), first.metricType(), metrics, first.source(), context));
      i = j;
    }
    return items;
  }

  /** Computes an aggregation. */
  public AggregationResult aggregate(AggregationQuery query) {
    List<Series> selected = select(query.metricType(), List.of(query.metricName()), query.tags());
    long from = query.range().startMillis();
    long to = query.range().endMillis();
    long step = query.step().map(Duration::toMillis).orElse(0L);
    List<String> groupBy = query.groupBy();

    Map<List<String>, Group> groups = new HashMap<>();
    for (Series s : selected) {
      SeriesSnapshot snapshot = s.snapshot();
      long start = snapshot.lowerBound(from);
      long end = to == Long.MAX_VALUE ? snapshot.endPosition() : snapshot.lowerBound(to);
      long points = snapshot.countBetween(start, end);
      if (points == 0) {
        continue;
      }
      List<String> key = new ArrayList<>(groupBy.size());
      for (String k : groupBy) {
        key.add(s.tags().getOrDefault(k, ""));
      }
      Group g = groups.computeIfAbsent(key, unused -> new Group());
      g.parts.add(new Part(snapshot, start, end));
      g.points += points;
      g.minTime = Math.min(g.minTime, snapshot.timeAt(start));
      g.maxTime = Math.max(g.maxTime, snapshot.timeAt(snapshot.previous(end)));
    }

    List<Map.Entry<List<String>, Group>> ordered = new ArrayList<>(groups.entrySet());
    ordered.sort((a, b) -> CodePoints.compare(
        a.getKey().toArray(String[]::new), b.getKey().toArray(String[]::new)));
    List<GroupResult> results = new ArrayList<>(ordered.size());
    for (Map.Entry<List<String>, Group> e : ordered) {
      Group g = e.getValue();
      BucketTable table = step == 0 ? BucketTable.single(query.function())
          : BucketTable.forSpan(query.function(), step, g.minTime, g.maxTime, g.points);
      boolean fast = step != 0 && query.function() != org.metricspipeline.api.query.Aggregation.RATE
          && table.isDense();
      for (Part p : g.parts) {
        if (fast) {
          scanDense(p.snapshot, p.start, p.end, step, table);
        } else {
          scan(p.snapshot, p.start, p.end, step, table);
        }
      }
      var buckets = table.buckets(query.function(), from);
      if (buckets.isEmpty()) {
        continue;
      }
      results.add(GroupResult.of(groupBy, e.getKey(), buckets));
    }
    return new AggregationResult(query, results, List.of(RAW_SOURCE));
  }

  /** Feeds the points between two positions, bucket by bucket, into {@code table}. */
  static void scan(SeriesSnapshot s, long start, long end, long step, BucketSink table) {
    int c0 = SeriesSnapshot.chunkOf(start);
    int c1 = SeriesSnapshot.chunkOf(end);
    Aggregations.Accumulator acc = new Aggregations.Accumulator();
    long bucket = 0;
    long bucketEnd = step == 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    for (int c = c0; c <= c1 && c < s.chunkCount(); c++) {
      Chunk chunk = s.chunk(c);
      int from = c == c0 ? SeriesSnapshot.indexOf(start) : 0;
      int to = c == c1 ? SeriesSnapshot.indexOf(end) : s.size(c);
      long base = chunk.base;
      int[] offsets = s.offsets(c);
      double[] values = s.values(c);
      for (int i = from; i < to; i++) {
        long t = base + offsets[i];
        if (t >= bucketEnd) {
          if (acc.count() > 0) {
            table.fold(bucket, acc);
            acc = new Aggregations.Accumulator();
          }
          bucket = Aggregations.bucketStart(t, step);
          bucketEnd = bucket > Long.MAX_VALUE - step ? Long.MAX_VALUE : bucket + step;
        }
        acc.add(t, values[i]);
      }
    }
    if (acc.count() > 0) {
      table.fold(bucket, acc);
    }
  }

  /**
   * {@link #scan} for functions other than {@code rate} into a dense table: no accumulator objects,
   * the bucket index advanced incrementally. Per series and bucket it sums in the same order as
   * {@link Aggregations.Accumulator}, so results are bit-identical.
   */
  private static void scanDense(SeriesSnapshot s, long start, long end, long step, BucketTable table) {
    int c0 = SeriesSnapshot.chunkOf(start);
    int c1 = SeriesSnapshot.chunkOf(end);
    boolean minMax = table.keepsMinMax();
    int index = -1;
    long bucketEnd = Long.MIN_VALUE;
    long count = 0;
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int c = c0; c <= c1 && c < s.chunkCount(); c++) {
      Chunk chunk = s.chunk(c);
      int from = c == c0 ? SeriesSnapshot.indexOf(start) : 0;
      int to = c == c1 ? SeriesSnapshot.indexOf(end) : s.size(c);
      long base = chunk.base;
      int[] offsets = s.offsets(c);
      double[] values = s.values(c);
      int i = from;
      while (i < to) {
        long t = base + offsets[i];
        if (t >= bucketEnd) {
          if (count > 0) {
            table.foldPlain(index, count, sum, min, max);
          }
          long bucket = Aggregations.bucketStart(t, step);
          index = table.denseIndex(bucket);
          bucketEnd = bucket > Long.MAX_VALUE - step ? Long.MAX_VALUE : bucket + step;
          count = 0;
          sum = 0;
          min = Double.POSITIVE_INFINITY;
          max = Double.NEGATIVE_INFINITY;
        }
        // The run of points in this bucket: offsets below the bucket's end, as the chunk sees it.
        long limit = offsetLimit(bucketEnd, base);
        int j = i;
        if (minMax) {
          while (j < to && offsets[j] < limit) {
            double v = values[j++];
            sum += v;
            if (v < min) {
              min = v;
            }
            if (v > max) {
              max = v;
            }
          }
        } else {
          while (j < to && offsets[j] < limit) {
            sum += values[j++];
          }
        }
        count += j - i;
        i = j;
      }
    }
    if (count > 0) {
      table.foldPlain(index, count, sum, min, max);
    }
  }

  /** {@code bucketEnd - base}, saturated instead of overflowing (offsets are ints: any bound works). */
  private static long offsetLimit(long bucketEnd, long base) {
    long limit = bucketEnd - base;
    if (((bucketEnd ^ base) & (bucketEnd ^ limit)) < 0) {
      return bucketEnd < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return limit;
  }

  /** Receives one series' accumulator per bucket, in time order. */
  interface BucketSink {
    void fold(long bucketStart, Aggregations.Accumulator acc);
  }

  private static final class Group {
    final List<Part> parts = new ArrayList<>();
    long points;
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
  }

  private record Part(SeriesSnapshot snapshot, long start, long end) {}

  /** A position in one series during a merge of several, ordered as the query model orders points. */
  private static final class Cursor implements Comparable<Cursor> {
    final SeriesSnapshot snapshot;
    final int rank;
    final int order;
    long position;
    long time;
    double value;

    Cursor(SeriesSnapshot snapshot, int rank, int order, long position) {
      this.snapshot = snapshot;
      this.rank = rank;
      this.order = order;
      this.position = position;
      load();
    }

    private void load() {
      time = snapshot.timeAt(position);
      value = snapshot.valueAt(position);
    }

    /** Moves to the next point; false when there is none before {@code to}. */
    boolean advance(long to) {
      position = snapshot.next(position);
      if (position == snapshot.endPosition()) {
        return false;
      }
      load();
      return time < to;
    }

    @Override
    public int compareTo(Cursor o) {
      int c = Long.compare(time, o.time);
      if (c == 0) {
        c = Integer.compare(rank, o.rank);
      }
      if (c == 0) {
        c = Double.compare(value, o.value);
      }
      return c != 0 ? c : Integer.compare(order, o.order);
    }
  }
}
