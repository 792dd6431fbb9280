package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupQuery;

/**
 * The ClickHouse store answers exactly what the in-memory store answers for the same data: queries,
 * every aggregation (with group-by, steps, ranges, from raw points and from rollups), rollup buckets,
 * discovery and retention. Values are integers, so sums are exact in any order; rates are compared
 * to 1e-12 relative (series rates are summed in another order).
 */
class MemoryEquivalenceIT {

  private static final long T0 = Instant.parse("2026-11-20T23:00:00Z").toEpochMilli();
  private static ClickHouseStorageAdapter clickhouse;
  private static InMemoryStorageAdapter memory;

  @BeforeAll
  static void load() {
    clickhouse = ClickHouseTestServer.adapter("it_equiv").insertBatchRows(700).build();
    memory = InMemoryStorageAdapter.create();
    List<MetricsData> items = data();
    assertThat(clickhouse.batchStore(items).join().allSucceeded()).isTrue();
    assertThat(memory.batchStore(items).join().allSucceeded()).isTrue();
  }

  @AfterAll
  static void close() {
    if (clickhouse != null) {
      clickhouse.close();
    }
  }

  /** Three hours across midnight (two day partitions): gauges, counters with resets, several types. */
  static List<MetricsData> data() {
    Random random = new Random(7);
    List<MetricsData> items = new ArrayList<>();
    String[] hosts = {"web-1", "web-2", "db-é", "🚀"};
    double[] counters = new double[hosts.length];
    for (long t = T0; t < T0 + 3 * 3_600_000L; t += 15_000 + random.nextInt(20_000)) {
      for (int h = 0; h < hosts.length; h++) {
        if (random.nextInt(5) == 0) {
          continue;
        }
        counters[h] = random.nextInt(40) == 0 ? random.nextInt(10) : counters[h] + random.nextInt(100);
        Map<String, String> tags = h == 3 ? Map.of("host", hosts[h]) : Map.of("host", hosts[h], "dc", h % 2 == 0 ? "a" : "b");
        items.add(MetricsData.builder().timestamp(Instant.ofEpochMilli(t + h)).metricType(h == 2 ? "db" : "system")
            .source(h == 1 ? "" : "agent-" + h)
            .metric(new Metric("cpu_usage", random.nextInt(100), "percent", tags))
            .metric(new Metric("requests_total", counters[h], "", tags))
            .metric(Metric.of("tie", 5 + random.nextInt(2), Map.of("k", "v")))
            .context("run", "eq")
            .build());
      }
    }
    return items;
  }

  @Test
  void queriesReturnTheSamePagesInTheSameOrder() {
    List<MetricsQuery> queries = List.of(
        MetricsQuery.builder().limit(1000).build(),
        MetricsQuery.builder().limit(250).offset(777).build(),
        MetricsQuery.builder().metricNames("cpu_usage", "tie").tag("dc", "a").limit(5000).build(),
        MetricsQuery.builder().metricType("db").range(TimeRange.between(Instant.ofEpochMilli(T0 + 3_600_000),
            Instant.ofEpochMilli(T0 + 7_200_000))).limit(100_000).build(),
        MetricsQuery.builder().tag("host", "🚀").range(TimeRange.from(Instant.ofEpochMilli(T0 + 10_000_000))).build());
    for (MetricsQuery q : queries) {
      assertThat(clickhouse.query(q).join()).as(q.toString()).isEqualTo(memory.query(q).join());
    }
  }

  @Test
  void aggregationsFromRawPointsMatch() {
    for (AggregationQuery q : aggregationQueries(QuerySource.RAW)) {
      assertSame(clickhouse.aggregate(q).join(), memory.aggregate(q).join());
    }
  }

  @Test
  void rollupsMatchAndAnswerAggregations() {
    TimeRange firstTwoHours = TimeRange.between(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 7_200_000));
    for (Resolution r : Resolution.values()) {
      assertThat(clickhouse.rollup(r, firstTwoHours).join()).isEqualTo(memory.rollup(r, firstTwoHours).join());
      // running it again replaces, it does not add
      assertThat(clickhouse.rollup(r, firstTwoHours).join()).isEqualTo(memory.rollup(r, firstTwoHours).join());
      assertThat(clickhouse.rollupWatermark(r).join()).isEqualTo(memory.rollupWatermark(r).join());
      RollupQuery rq = new RollupQuery("requests_total", r, TimeRange.all(), Map.of("dc", "a"), Optional.empty());
      assertSameBuckets(clickhouse.readRollups(rq).join(), memory.readRollups(rq).join());
      assertSameBuckets(clickhouse.computeRollups(rq).join(), memory.computeRollups(rq).join());
    }
    assertThat(clickhouse.listRollups().join()).isEqualTo(memory.listRollups().join());
    for (QuerySource source : List.of(QuerySource.AUTO, QuerySource.ROLLUP_1M, QuerySource.ROLLUP_5M)) {
      for (AggregationQuery q : aggregationQueries(source)) {
        AggregationResult expected = memory.aggregate(q).join();
        AggregationResult actual = clickhouse.aggregate(q).join();
        assertThat(actual.sources()).as(q.toString()).isEqualTo(expected.sources());
        assertSame(actual, expected);
      }
    }
  }

  @Test
  void discoveryMatches() {
    for (MetricListQuery q : List.of(MetricListQuery.firstPage(), new MetricListQuery(2, 1, ""),
        new MetricListQuery(1, 10, "USAGE"), new MetricListQuery(1, 10, "nothing"))) {
      assertThat(clickhouse.listMetrics(q).join()).as(q.toString()).isEqualTo(memory.listMetrics(q).join());
    }
    assertThat(clickhouse.metricInfo("cpu_usage", 2).join()).isEqualTo(memory.metricInfo("cpu_usage", 2).join());
    assertThat(clickhouse.metricInfo("absent", 2).join()).isEmpty();
  }

  @Test
  void retentionDeletesTheSamePointsAsMemory() {
    try (ClickHouseStorageAdapter ch = ClickHouseTestServer.adapter("it_retention").build()) {
      InMemoryStorageAdapter mem = InMemoryStorageAdapter.create();
      List<MetricsData> items = data();
      ch.batchStore(items).join();
      mem.batchStore(items).join();
      TimeRange all = TimeRange.between(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 3 * 3_600_000L));
      ch.rollup(Resolution.FIVE_MINUTES, all).join();
      mem.rollup(Resolution.FIVE_MINUTES, all).join();
      // after midnight: the first day is dropped as a partition, the second cut by a mutation
      Instant cutoff = Instant.ofEpochMilli(T0 + 3_600_000L + 123_456);
      assertThat(ch.deleteRawBefore(cutoff).join()).isEqualTo(mem.deleteRawBefore(cutoff).join()).isPositive();
      assertThat(ch.deleteRollupsBefore(Resolution.FIVE_MINUTES, cutoff).join())
          .isEqualTo(mem.deleteRollupsBefore(Resolution.FIVE_MINUTES, cutoff).join()).isPositive();
      MetricsQuery everything = MetricsQuery.builder().limit(100_000).build();
      assertThat(ch.query(everything).join()).isEqualTo(mem.query(everything).join());
      assertThat(ch.listRollups().join()).isEqualTo(mem.listRollups().join());
      assertThat(ch.deleteRawBefore(cutoff).join()).isZero();
    }
  }

  static List<AggregationQuery> aggregationQueries(QuerySource source) {
    List<AggregationQuery> out = new ArrayList<>();
    TimeRange aligned = TimeRange.between(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 3 * 3_600_000L));
    for (Aggregation f : Aggregation.values()) {
      String metric = f == Aggregation.RATE ? "requests_total" : "cpu_usage";
      out.add(AggregationQuery.builder(metric, f).source(source).range(aligned).build());
      out.add(AggregationQuery.builder(metric, f).source(source).range(aligned).groupBy("host").step(Duration.ofMinutes(5)).build());
      out.add(AggregationQuery.builder(metric, f).source(source).range(aligned).groupBy("dc", "host")
          .step(Duration.ofMinutes(10)).tag("dc", "a").build());
      out.add(AggregationQuery.builder(metric, f).source(source).range(aligned).metricType("system").groupBy("dc")
          .step(Duration.ofHours(1)).build());
      if (source == QuerySource.RAW || source == QuerySource.AUTO) {
        out.add(AggregationQuery.builder(metric, f).source(source).groupBy("host").build());
        out.add(AggregationQuery.builder(metric, f).source(source).step(Duration.ofMillis(7_777)).build());
      }
    }
    return out;
  }

  static void assertSame(AggregationResult actual, AggregationResult expected) {
    String what = expected.query().toString();
    assertThat(actual.sources()).as(what).isEqualTo(expected.sources());
    assertThat(actual.groups()).as(what).hasSameSizeAs(expected.groups());
    for (int g = 0; g < expected.groups().size(); g++) {
      GroupResult e = expected.groups().get(g);
      GroupResult a = actual.groups().get(g);
      assertThat(a.key()).as(what).isEqualTo(e.key());
      assertThat(a.buckets()).as(what + " " + e.key()).hasSameSizeAs(e.buckets());
      for (int b = 0; b < e.buckets().size(); b++) {
        Bucket eb = e.buckets().get(b);
        Bucket ab = a.buckets().get(b);
        assertThat(ab.start()).as(what).isEqualTo(eb.start());
        assertThat(ab.count()).as(what).isEqualTo(eb.count());
        assertThat(ab.value()).as(what + " at " + eb.start())
            .isCloseTo(eb.value(), org.assertj.core.data.Offset.offset(Math.abs(eb.value()) * 1e-12));
      }
    }
  }

  static void assertSameBuckets(List<RollupBucket> actual, List<RollupBucket> expected) {
    Map<Object, RollupBucket> byKey = new LinkedHashMap<>();
    expected.forEach(b -> byKey.put(List.of(b.series(), b.startMillis()), b));
    assertThat(actual).hasSameSizeAs(expected);
    for (RollupBucket a : actual) {
      assertThat(a).isEqualTo(byKey.get(List.of(a.series(), a.startMillis())));
    }
  }
}
