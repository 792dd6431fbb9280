package org.metricspipeline.adapters.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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

/**
 * The expected answers, computed the slow and obvious way from a flat list of every point stored,
 * straight from the rules documented on MetricsQuery, AggregationQuery and Aggregations.
 */
final class BruteForce {

  record Point(String type, String source, String name, String unit, Map<String, String> tags, long time,
      double value) {

    List<String> seriesId() {
      List<String> id = new ArrayList<>(List.of(type, source, name, unit));
      new TreeMap<>(tags).forEach((k, v) -> {
        id.add(k);
        id.add(v);
      });
      return id;
    }
  }

  private final List<Point> points = new ArrayList<>();
  private final Map<List<Object>, Map<String, Object>> contexts = new HashMap<>();

  void add(MetricsData item) {
    long t = item.timestamp().toEpochMilli();
    for (Metric m : item.metrics()) {
      points.add(new Point(item.metricType(), item.source(), m.name(), m.unit(), m.tags(), t, m.value()));
    }
    if (!item.metrics().isEmpty() && !item.context().isEmpty()) {
      contexts.merge(List.of(t, item.metricType(), item.source()), item.context(), (a, b) -> {
        Map<String, Object> merged = new HashMap<>(a);
        merged.putAll(b);
        return merged;
      });
    }
  }

  int size() {
    return points.size();
  }

  /** Code point order, computed independently of the store's implementation. */
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

  static List<String> sortedKeys(Map<String, String> tags) {
    List<String> keys = new ArrayList<>(tags.keySet());
    keys.sort(BruteForce::compareCodePoints);
    return keys;
  }

  static List<String> valuesInKeyOrder(Map<String, String> tags) {
    return sortedKeys(tags).stream().map(tags::get).toList();
  }

  static final Comparator<Point> QUERY_ORDER = Comparator.<Point>comparingLong(Point::time)
      .thenComparing(Point::type, BruteForce::compareCodePoints)
      .thenComparing(Point::source, BruteForce::compareCodePoints)
      .thenComparing(Point::name, BruteForce::compareCodePoints)
      .thenComparing(p -> sortedKeys(p.tags()), BruteForce::compareLists)
      .thenComparing(p -> valuesInKeyOrder(p.tags()), BruteForce::compareLists)
      .thenComparing(Point::value, Double::compare)
      .thenComparing(Point::unit, BruteForce::compareCodePoints);

  private static boolean hasTags(Point p, Map<String, String> filter) {
    return filter.entrySet().stream().allMatch(e -> e.getValue().equals(p.tags().get(e.getKey())));
  }

  List<MetricsData> query(MetricsQuery q) {
    Set<String> names = Set.copyOf(q.metricNames());
    List<Point> matching = points.stream()
        .filter(p -> q.metricType().map(p.type()::equals).orElse(true))
        .filter(p -> names.isEmpty() || names.contains(p.name()))
        .filter(p -> q.range().contains(p.time()))
        .filter(p -> hasTags(p, q.tags()))
        .sorted(QUERY_ORDER)
        .skip(q.offset())
        .limit(q.limit())
        .toList();
    List<MetricsData> items = new ArrayList<>();
    int i = 0;
    while (i < matching.size()) {
      Point first = matching.get(i);
      List<Metric> metrics = new ArrayList<>();
      int j = i;
      while (j < matching.size() && matching.get(j).time() == first.time()
          && matching.get(j).type().equals(first.type()) && matching.get(j).source().equals(first.source())) {
        Point p = matching.get(j);
        metrics.add(new Metric(p.name(), p.value(), p.unit(), p.tags()));
        j++;
      }
      Map<String, Object> context =
          contexts.getOrDefault(List.of(first.time(), first.type(), first.source()), Map.of());
      items.add(new MetricsData(Instant.ofEpochMilli(first.time()), first.type(), metrics, first.source(), context));
      i = j;
    }
    return items;
  }

  /** Groups with their buckets, in the documented order. */
  List<GroupResult> aggregate(AggregationQuery q) {
    long step = q.step().map(d -> d.toMillis()).orElse(0L);
    Map<List<String>, List<Point>> groups = new HashMap<>();
    for (Point p : points) {
      if (!p.name().equals(q.metricName()) || !q.metricType().map(p.type()::equals).orElse(true)
          || !q.range().contains(p.time()) || !hasTags(p, q.tags())) {
        continue;
      }
      List<String> key = q.groupBy().stream().map(k -> p.tags().getOrDefault(k, "")).toList();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
    }
    List<List<String>> keys = new ArrayList<>(groups.keySet());
    keys.sort(BruteForce::compareLists);
    List<GroupResult> results = new ArrayList<>();
    for (List<String> key : keys) {
      List<Point> group = groups.get(key);
      TreeMap<Long, List<Point>> buckets = new TreeMap<>();
      long earliest = group.stream().mapToLong(Point::time).min().orElseThrow();
      for (Point p : group) {
        long start = step == 0
            ? q.range().start().map(Instant::toEpochMilli).orElse(earliest)
            : p.time() - Math.floorMod(p.time(), step);
        buckets.computeIfAbsent(start, s -> new ArrayList<>()).add(p);
      }
      List<Bucket> out = new ArrayList<>();
      for (Map.Entry<Long, List<Point>> b : buckets.entrySet()) {
        Bucket bucket = bucket(q.function(), b.getKey(), b.getValue());
        if (bucket != null) {
          out.add(bucket);
        }
      }
      if (!out.isEmpty()) {
        Map<String, String> groupKey = new LinkedHashMap<>();
        for (int i = 0; i < q.groupBy().size(); i++) {
          groupKey.put(q.groupBy().get(i), key.get(i));
        }
        results.add(new GroupResult(groupKey, out));
      }
    }
    return results;
  }

  private static Bucket bucket(Aggregation f, long start, List<Point> ps) {
    Instant at = Instant.ofEpochMilli(start);
    return switch (f) {
      case COUNT -> new Bucket(at, ps.size(), ps.size());
      case SUM -> new Bucket(at, ps.stream().mapToDouble(Point::value).sum(), ps.size());
      case AVG -> new Bucket(at, ps.stream().mapToDouble(Point::value).sum() / ps.size(), ps.size());
      case MIN -> new Bucket(at, ps.stream().mapToDouble(Point::value).min().orElseThrow(), ps.size());
      case MAX -> new Bucket(at, ps.stream().mapToDouble(Point::value).max().orElseThrow(), ps.size());
      case RATE -> rateBucket(at, ps);
    };
  }

  /** Per series: reset-adjusted increase over (last - first) seconds; summed over series with a rate. */
  private static Bucket rateBucket(Instant at, List<Point> ps) {
    Map<List<String>, List<Point>> bySeries = new HashMap<>();
    for (Point p : ps) {
      bySeries.computeIfAbsent(p.seriesId(), k -> new ArrayList<>()).add(p);
    }
    double total = 0;
    long count = 0;
    boolean any = false;
    for (List<Point> series : bySeries.values()) {
      List<Point> sorted = new ArrayList<>(series);
      sorted.sort(Comparator.comparingLong(Point::time).thenComparing(Point::value, Double::compare));
      Point first = sorted.get(0);
      Point last = sorted.get(sorted.size() - 1);
      if (sorted.size() < 2 || last.time() == first.time()) {
        continue;
      }
      double increase = 0;
      for (int i = 1; i < sorted.size(); i++) {
        double prev = sorted.get(i - 1).value();
        double cur = sorted.get(i).value();
        increase += cur >= prev ? cur - prev : cur;
      }
      total += increase / ((last.time() - first.time()) / 1000.0);
      count += sorted.size();
      any = true;
    }
    return any ? new Bucket(at, total, count) : null;
  }
}
