package org.metricspipeline.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.SeriesId;
import org.metricspipeline.core.Aggregations;

/**
 * The expected answers, computed the slow and obvious way from a flat list of every point stored:
 * selection and order straight from the rules on {@link MetricsQuery} and {@link AggregationQuery},
 * the functions from core's {@link Aggregations} (the one definition every store shares).
 *
 * <p>Items are kept without their context (the suite does not store any).
 */
final class ReferenceModel {

  /** One stored point. */
  record Point(SeriesId series, long time, double value) {}

  private final List<Point> points = new ArrayList<>();

  void add(MetricsData item) {
    long t = item.timestamp().toEpochMilli();
    for (Metric m : item.metrics()) {
      points.add(new Point(
          new SeriesId(item.metricType(), item.source(), m.name(), m.unit(), m.tags()), t, m.value()));
    }
  }

  void addAll(List<MetricsData> items) {
    items.forEach(this::add);
  }

  int size() {
    return points.size();
  }

  /** Code point order, computed independently of any store. */
  static int compareCodePoints(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] != y[i]) {
        return Integer.compare(x[i], y[i]);
      }
    }
    return Integer.compare(x.length, y.length);
  }

  static int compareLists(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = compareCodePoints(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static List<String> sortedKeys(Map<String, String> tags) {
    List<String> keys = new ArrayList<>(tags.keySet());
    keys.sort(ReferenceModel::compareCodePoints);
    return keys;
  }

  private static List<String> valuesInKeyOrder(Map<String, String> tags) {
    return sortedKeys(tags).stream().map(tags::get).toList();
  }

  /** The documented query order (the suite's data never has points differing only in unit). */
  static final Comparator<Point> QUERY_ORDER = Comparator.<Point>comparingLong(Point::time)
      .thenComparing(p -> p.series().metricType(), ReferenceModel::compareCodePoints)
      .thenComparing(p -> p.series().source(), ReferenceModel::compareCodePoints)
      .thenComparing(p -> p.series().name(), ReferenceModel::compareCodePoints)
      .thenComparing(p -> sortedKeys(p.series().tags()), ReferenceModel::compareLists)
      .thenComparing(p -> valuesInKeyOrder(p.series().tags()), ReferenceModel::compareLists)
      .thenComparing(Point::value, Double::compare);

  List<MetricsData> query(MetricsQuery q) {
    Set<String> names = Set.copyOf(q.metricNames());
    List<Point> matching = points.stream()
        .filter(p -> q.metricType().map(p.series().metricType()::equals).orElse(true))
        .filter(p -> names.isEmpty() || names.contains(p.series().name()))
        .filter(p -> q.range().contains(p.time()))
        .filter(p -> p.series().hasTags(q.tags()))
        .sorted(QUERY_ORDER)
        .skip(q.offset())
        .limit(q.limit())
        .toList();
    List<MetricsData> items = new ArrayList<>();
    int i = 0;
    while (i < matching.size()) {
      SeriesId first = matching.get(i).series();
      long time = matching.get(i).time();
      List<Metric> metrics = new ArrayList<>();
      int j = i;
      while (j < matching.size() && matching.get(j).time() == time
          && matching.get(j).series().metricType().equals(first.metricType())
          && matching.get(j).series().source().equals(first.source())) {
        Point p = matching.get(j);
        metrics.add(new Metric(p.series().name(), p.value(), p.series().unit(), p.series().tags()));
        j++;
      }
      items.add(new MetricsData(Instant.ofEpochMilli(time), first.metricType(), metrics, first.source(), Map.of()));
      i = j;
    }
    return items;
  }

  /** Points of one series in the order {@code rate} sees them: core's point order (time, ties by value). */
  private static final Comparator<Point> SERIES_ORDER =
      (a, b) -> Aggregations.comparePoints(a.time(), a.value(), b.time(), b.value());

  /** The groups and buckets {@code q} must give, in the documented order. */
  List<GroupResult> aggregate(AggregationQuery q) {
    long step = q.step().map(Duration::toMillis).orElse(0L);
    // group key -> bucket start (0 without step) -> series -> accumulator
    Map<List<String>, TreeMap<Long, Map<SeriesId, Aggregations.Accumulator>>> groups = new LinkedHashMap<>();
    Map<List<String>, Long> earliest = new LinkedHashMap<>();
    List<Point> selected = points.stream()
        .filter(p -> p.series().name().equals(q.metricName()))
        .filter(p -> q.metricType().map(p.series().metricType()::equals).orElse(true))
        .filter(p -> q.range().contains(p.time()))
        .filter(p -> p.series().hasTags(q.tags()))
        .sorted(SERIES_ORDER)
        .toList();
    for (Point p : selected) {
      List<String> key = q.groupBy().stream().map(k -> p.series().tags().getOrDefault(k, "")).toList();
      long bucket = step == 0 ? 0 : Aggregations.bucketStart(p.time(), step);
      groups.computeIfAbsent(key, k -> new TreeMap<>())
          .computeIfAbsent(bucket, b -> new LinkedHashMap<>())
          .computeIfAbsent(p.series(), s -> new Aggregations.Accumulator())
          .add(p.time(), p.value());
      earliest.merge(key, p.time(), Math::min);
    }
    List<List<String>> keys = new ArrayList<>(groups.keySet());
    keys.sort(ReferenceModel::compareLists);
    List<GroupResult> results = new ArrayList<>();
    for (List<String> key : keys) {
      List<Bucket> buckets = new ArrayList<>();
      for (Map.Entry<Long, Map<SeriesId, Aggregations.Accumulator>> e : groups.get(key).entrySet()) {
        long start = step != 0 ? e.getKey() : q.range().start().map(Instant::toEpochMilli).orElse(earliest.get(key));
        Bucket b = bucket(q.function(), Instant.ofEpochMilli(start), e.getValue().values());
        if (b != null) {
          buckets.add(b);
        }
      }
      if (!buckets.isEmpty()) {
        results.add(GroupResult.of(q.groupBy(), key, buckets));
      }
    }
    return results;
  }

  private static Bucket bucket(Aggregation f, Instant start, Iterable<Aggregations.Accumulator> series) {
    long count = 0;
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double rate = 0;
    long ratePoints = 0;
    for (Aggregations.Accumulator a : series) {
      count += a.count();
      sum += a.sum();
      min = Math.min(min, a.min());
      max = Math.max(max, a.max());
      if (a.hasRate()) {
        rate += a.rate();
        ratePoints += a.count();
      }
    }
    return switch (f) {
      case COUNT -> new Bucket(start, count, count);
      case SUM -> new Bucket(start, sum, count);
      case AVG -> new Bucket(start, sum / count, count);
      case MIN -> new Bucket(start, min, count);
      case MAX -> new Bucket(start, max, count);
      case RATE -> ratePoints == 0 ? null : new Bucket(start, rate, ratePoints);
    };
  }

  /** Per series, the rollup buckets of the query as the documented accumulator state, in start order. */
  Map<SeriesId, List<RollupBucket>> rollups(RollupQuery q) {
    Resolution r = q.resolution();
    Map<SeriesId, TreeMap<Long, Aggregations.Accumulator>> bySeries = new LinkedHashMap<>();
    points.stream()
        .filter(p -> p.series().name().equals(q.metricName()))
        .filter(p -> q.metricType().map(p.series().metricType()::equals).orElse(true))
        .filter(p -> p.series().hasTags(q.tags()))
        .filter(p -> q.range().contains(Aggregations.bucketStart(p.time(), r.millis())))
        .sorted(SERIES_ORDER)
        .forEach(p -> bySeries.computeIfAbsent(p.series(), s -> new TreeMap<>())
            .computeIfAbsent(Aggregations.bucketStart(p.time(), r.millis()), b -> new Aggregations.Accumulator())
            .add(p.time(), p.value()));
    Map<SeriesId, List<RollupBucket>> out = new LinkedHashMap<>();
    bySeries.forEach((series, buckets) -> out.put(series, buckets.entrySet().stream()
        .map(e -> e.getValue().toRollupBucket(series, r, e.getKey())).toList()));
    return out;
  }

  /** Whether two points of one series share an instant (which would make {@code rate} order-dependent). */
  boolean hasTiesWithinASeries() {
    Set<Object> seen = new HashSet<>();
    for (Point p : points) {
      if (!seen.add(List.of(p.series(), p.time()))) {
        return true;
      }
    }
    return false;
  }
}
