package org.metricspipeline.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.RollupStorage;
import org.metricspipeline.api.timeseries.SeriesId;

/**
 * Answers an {@link AggregationQuery} from rollups where they give exactly the raw answer, and from
 * raw points for the rest. Stores that keep rollups call it from their {@code aggregate}.
 *
 * <h2>Plan</h2>
 * <ul>
 *   <li>{@link QuerySource#RAW}: raw points only.
 *   <li>{@link QuerySource#AUTO}: among the resolutions that {@linkplain #whyNotExact answer
 *       exactly}, the coarsest whose watermark lies after the range's start. Buckets stored before
 *       the watermark answer {@code [start, watermark)}; buckets computed on the fly from raw points
 *       answer {@code [watermark, end)}. Sources: {@code ["1h"]}, {@code ["1h", "raw"]}, or
 *       {@code ["raw"]} when no rollup helps.
 *   <li>An explicit rollup source: its stored buckets only (points after its watermark are not
 *       seen), failing with {@link MetricsPipelineException} when it cannot answer exactly.
 * </ul>
 *
 * <p>Example: with 1-minute rollups up to 12:30, {@code avg} over [12:00, 13:00) with a 5-minute
 * step reads 1-minute buckets for [12:00, 12:30) and raw points for [12:30, 13:00), merges them per
 * series and 5-minute bucket (see {@link Aggregations}), and reports sources {@code ["1m", "raw"]}.
 */
public final class QueryPlanner {

  /** The source name of raw points in {@link AggregationResult#sources()}. */
  public static final String RAW = "raw";

  private static final Resolution[] COARSEST_FIRST = {
      Resolution.ONE_HOUR, Resolution.FIVE_MINUTES, Resolution.ONE_MINUTE};

  private QueryPlanner() {}

  /**
   * Why rollups of {@code resolution} cannot answer {@code query} exactly; empty when they can: the
   * step (if any) is a multiple of the resolution and each bounded edge of the range is too.
   */
  public static Optional<String> whyNotExact(AggregationQuery query, Resolution resolution) {
    long r = resolution.millis();
    Optional<Duration> step = query.step();
    if (step.isPresent() && step.get().toMillis() % r != 0) {
      return Optional.of("step " + step.get() + " is not a multiple of " + resolution.wireName());
    }
    TimeRange range = query.range();
    if (range.start().isPresent() && Math.floorMod(range.startMillis(), r) != 0) {
      return Optional.of("range start " + range.start().get() + " is not aligned to " + resolution.wireName());
    }
    if (range.end().isPresent() && Math.floorMod(range.endMillis(), r) != 0) {
      return Optional.of("range end " + range.end().get() + " is not aligned to " + resolution.wireName());
    }
    return Optional.empty();
  }

  /**
   * Which sources answer {@code query}, as {@link #aggregate} decides: the rollup resolution (empty
   * for raw points only), the range its stored buckets answer, and the range after its watermark
   * answered by buckets computed from raw points. Stores that merge rollups natively call it so their
   * plan matches {@link #aggregate}. Fails with {@link MetricsPipelineException} when an explicit
   * rollup source cannot answer exactly.
   */
  public static CompletableFuture<Plan> plan(AggregationQuery query, RollupStorage rollups) {
    QuerySource source = query.source();
    if (source == QuerySource.RAW) {
      return CompletableFuture.completedFuture(Plan.RAW_ONLY);
    }
    if (source != QuerySource.AUTO) {
      Resolution r = source.resolution().orElseThrow();
      Optional<String> why = whyNotExact(query, r);
      if (why.isPresent()) {
        return CompletableFuture.failedFuture(new MetricsPipelineException(
            "source " + r.wireName() + " cannot answer this query exactly: " + why.get()));
      }
      return CompletableFuture.completedFuture(
          new Plan(Optional.of(r), query.range(), Optional.empty(), List.of(r.wireName())));
    }
    List<Resolution> exact = new ArrayList<>();
    List<CompletableFuture<Optional<Instant>>> watermarks = new ArrayList<>();
    for (Resolution r : COARSEST_FIRST) {
      if (whyNotExact(query, r).isEmpty()) {
        exact.add(r);
        watermarks.add(rollups.rollupWatermark(r));
      }
    }
    return CompletableFuture.allOf(watermarks.toArray(CompletableFuture[]::new)).thenApply(unused -> {
      long start = query.range().startMillis();
      for (int i = 0; i < exact.size(); i++) {
        Optional<Instant> w = watermarks.get(i).join();
        if (w.isPresent() && w.get().toEpochMilli() > start) {
          return split(query, exact.get(i), w.get().toEpochMilli());
        }
      }
      return Plan.RAW_ONLY;
    });
  }

  /**
   * Answers {@code query} following its {@link AggregationQuery#source()}.
   *
   * @param query the query
   * @param rollups the store's rollups
   * @param raw answers a query from raw points only (its result's sources are {@code ["raw"]})
   */
  public static CompletableFuture<AggregationResult> aggregate(
      AggregationQuery query, RollupStorage rollups,
      Function<AggregationQuery, CompletableFuture<AggregationResult>> raw) {
    return plan(query, rollups).thenCompose(plan -> {
      if (plan.resolution().isEmpty()) {
        return raw.apply(query);
      }
      Resolution r = plan.resolution().get();
      CompletableFuture<List<RollupBucket>> stored = rollups.readRollups(rollupQuery(query, r, plan.stored()));
      if (plan.tail().isEmpty()) {
        return stored.thenApply(b -> combine(query, b, List.of(), plan.sources()));
      }
      CompletableFuture<List<RollupBucket>> tail = rollups.computeRollups(rollupQuery(query, r, plan.tail().get()));
      return stored.thenCombine(tail, (b, t) -> combine(query, b, t, plan.sources()));
    });
  }

  private static Plan split(AggregationQuery query, Resolution r, long watermark) {
    TimeRange range = query.range();
    long end = range.endMillis();
    long cut = Math.min(watermark, end);
    TimeRange stored = range.start().isPresent()
        ? TimeRange.between(range.start().get(), Instant.ofEpochMilli(cut))
        : TimeRange.until(Instant.ofEpochMilli(cut));
    if (cut >= end) {
      return new Plan(Optional.of(r), stored, Optional.empty(), List.of(r.wireName()));
    }
    TimeRange tail = range.end().isPresent()
        ? TimeRange.between(Instant.ofEpochMilli(cut), range.end().get())
        : TimeRange.from(Instant.ofEpochMilli(cut));
    return new Plan(Optional.of(r), stored, Optional.of(tail), List.of(r.wireName(), RAW));
  }

  private static RollupQuery rollupQuery(AggregationQuery q, Resolution r, TimeRange range) {
    return new RollupQuery(q.metricName(), r, range, q.tags(), q.metricType());
  }

  /**
   * Folds rollup buckets (each list ordered by series then start; {@code later} starting after
   * {@code earlier}) into the query's groups and step buckets, exactly as raw points would be.
   */
  public static AggregationResult combine(
      AggregationQuery query, List<RollupBucket> earlier, List<RollupBucket> later, List<String> sources) {
    Map<SeriesId, List<RollupBucket>> bySeries = new LinkedHashMap<>();
    for (List<RollupBucket> part : List.of(earlier, later)) {
      SeriesId last = null;
      List<RollupBucket> current = null;
      for (RollupBucket b : part) {
        if (b.series() != last) {
          last = b.series();
          current = bySeries.computeIfAbsent(last, k -> new ArrayList<>());
        }
        current.add(b);
      }
    }
    long step = query.step().map(Duration::toMillis).orElse(0L);
    List<String> groupBy = query.groupBy();
    Map<List<String>, Table> groups = new HashMap<>();
    for (Map.Entry<SeriesId, List<RollupBucket>> e : bySeries.entrySet()) {
      List<String> key = new ArrayList<>(groupBy.size());
      for (String k : groupBy) {
        key.add(e.getKey().tags().getOrDefault(k, ""));
      }
      Table table = groups.computeIfAbsent(key, k -> new Table());
      Aggregations.Accumulator acc = null;
      long bucket = 0;
      for (RollupBucket b : e.getValue()) {
        long s = step == 0 ? 0 : Aggregations.bucketStart(b.startMillis(), step);
        if (acc != null && s != bucket) {
          table.fold(bucket, acc);
          acc = null;
        }
        if (acc == null) {
          acc = new Aggregations.Accumulator();
          bucket = s;
        }
        acc.merge(Aggregations.Accumulator.of(b));
      }
      if (acc != null) {
        table.fold(bucket, acc);
      }
    }
    List<Map.Entry<List<String>, Table>> ordered = new ArrayList<>(groups.entrySet());
    ordered.sort((a, b) -> compareKeys(a.getKey(), b.getKey()));
    List<GroupResult> results = new ArrayList<>();
    for (Map.Entry<List<String>, Table> e : ordered) {
      List<Bucket> buckets = e.getValue().buckets(query.function(), step, query.range());
      if (buckets.isEmpty()) {
        continue;
      }
      results.add(GroupResult.of(groupBy, e.getKey(), buckets));
    }
    return new AggregationResult(query, results, sources);
  }

  private static int compareKeys(List<String> a, List<String> b) {
    for (int i = 0; i < a.size(); i++) {
      int c = compareCodePoints(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /**
   * How a query is answered (see {@link #plan}).
   *
   * @param resolution the rollup resolution; empty when raw points answer the whole query
   * @param stored the bucket starts answered by stored rollup buckets (meaningful with a resolution)
   * @param tail the bucket starts answered by buckets computed from raw points, after the watermark
   * @param sources the sources to report in {@link AggregationResult#sources()}
   */
  public record Plan(
      Optional<Resolution> resolution, TimeRange stored, Optional<TimeRange> tail, List<String> sources) {

    /** Raw points only. */
    public static final Plan RAW_ONLY =
        new Plan(Optional.empty(), TimeRange.all(), Optional.empty(), List.of(RAW));

    /** Validates and copies. */
    public Plan {
      Objects.requireNonNull(resolution, "resolution");
      Objects.requireNonNull(stored, "stored");
      Objects.requireNonNull(tail, "tail");
      sources = List.copyOf(sources);
    }
  }

  /** The per-bucket sums over a group's series, as documented on {@link Aggregations}. */
  private static final class Table {
    final TreeMap<Long, Cell> cells = new TreeMap<>();
    long earliest = Long.MAX_VALUE;

    void fold(long start, Aggregations.Accumulator acc) {
      Cell c = cells.computeIfAbsent(start, k -> new Cell());
      c.count += acc.count();
      c.sum += acc.sum();
      c.min = Math.min(c.min, acc.min());
      c.max = Math.max(c.max, acc.max());
      if (acc.hasRate()) {
        c.rateSum += acc.rate();
        c.ratePoints += acc.count();
        c.hasRate = true;
      }
      earliest = Math.min(earliest, acc.firstTime());
    }

    List<Bucket> buckets(Aggregation function, long step, TimeRange range) {
      List<Bucket> out = new ArrayList<>();
      for (Map.Entry<Long, Cell> e : cells.entrySet()) {
        Cell c = e.getValue();
        long start = step != 0 ? e.getKey()
            : range.start().isPresent() ? range.startMillis() : earliest;
        Instant at = Instant.ofEpochMilli(start);
        switch (function) {
          case COUNT -> out.add(new Bucket(at, c.count, c.count));
          case SUM -> out.add(new Bucket(at, c.sum, c.count));
          case AVG -> out.add(new Bucket(at, c.sum / c.count, c.count));
          case MIN -> out.add(new Bucket(at, c.min, c.count));
          case MAX -> out.add(new Bucket(at, c.max, c.count));
          case RATE -> {
            if (c.hasRate) {
              out.add(new Bucket(at, c.rateSum, c.ratePoints));
            }
          }
          default -> throw new IllegalStateException("unknown aggregation " + function);
        }
      }
      return out;
    }
  }

  private static final class Cell {
    long count;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double rateSum;
    long ratePoints;
    boolean hasRate;
  }
}
