package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.metricspipeline.adapters.memory.Items.at;
import static org.metricspipeline.adapters.memory.Items.item;
import static org.metricspipeline.adapters.memory.Items.m;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.core.QueryPlanner;

/** The planner's answers from rollups (plus raw after the watermark) equal the raw answers. */
class RollupPlannerTest {

  private static final long MIN = 60_000;
  private static final long HOUR = 3_600_000;
  private static final long T0 = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, HOUR);

  /** Counters with resets, gauges, three hosts, two types: integer values so sums are exact. */
  private static InMemoryStorageAdapter randomStore(Random r, int points) {
    InMemoryStorageAdapter s = InMemoryStorageAdapter.builder().pointsPerChunk(64).build();
    String[] hosts = {"a", "b", "c"};
    double[] counters = new double[hosts.length];
    List<MetricsData> items = new ArrayList<>();
    for (int i = 0; i < points; i++) {
      long t = T0 + r.nextInt((int) (6 * HOUR));
      int h = r.nextInt(hosts.length);
      counters[h] = r.nextInt(20) == 0 ? r.nextInt(5) : counters[h] + r.nextInt(10);
      items.add(item(t, r.nextBoolean() ? "system" : "app", "",
          m("reqs", counters[h], "host", hosts[h], "dc", r.nextBoolean() ? "eu" : "us"),
          m("cpu", r.nextInt(100), "host", hosts[h])));
    }
    s.batchStore(items).join();
    return s;
  }

  @Test
  void answersFromRollupsEqualRawAnswersOnRandomData() {
    Random r = new Random(42);
    InMemoryStorageAdapter s = randomStore(r, 4000);
    s.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(T0 + 4 * HOUR + 17 * MIN))).join();
    s.rollup(Resolution.FIVE_MINUTES, TimeRange.until(at(T0 + 3 * HOUR + 35 * MIN))).join();
    s.rollup(Resolution.ONE_HOUR, TimeRange.until(at(T0 + 2 * HOUR))).join();
    long[] steps = {MIN, 5 * MIN, 10 * MIN, HOUR, 2 * HOUR};
    int fromRollups = 0;
    for (int q = 0; q < 300; q++) {
      Aggregation f = Aggregation.values()[r.nextInt(Aggregation.values().length)];
      AggregationQuery.Builder b = AggregationQuery.builder(r.nextBoolean() ? "reqs" : "cpu", f);
      long start = T0 + (r.nextInt(7) - 1) * HOUR + r.nextInt(4) * 5 * MIN + (r.nextInt(3) == 0 ? MIN : 0);
      long end = start + (1 + r.nextInt(8)) * 30 * MIN;
      switch (r.nextInt(4)) {
        case 0 -> b.range(TimeRange.until(at(end)));
        case 1 -> b.range(TimeRange.from(at(start)));
        default -> b.between(at(start), at(end));
      }
      if (r.nextBoolean()) {
        b.step(Duration.ofMillis(steps[r.nextInt(steps.length)]));
      }
      if (r.nextBoolean()) {
        b.groupBy("host");
      }
      if (r.nextInt(4) == 0) {
        b.tag("dc", "eu");
      }
      if (r.nextInt(4) == 0) {
        b.metricType("app");
      }
      AggregationQuery auto = b.build();
      AggregationResult planned = s.aggregate(auto).join();
      AggregationResult raw = s.aggregate(auto.toBuilder().source(QuerySource.RAW).build()).join();
      assertThat(raw.sources()).containsExactly("raw");
      if (!planned.sources().equals(List.of("raw"))) {
        fromRollups++;
      }
      assertSameAnswer(auto, planned, raw);
    }
    assertThat(fromRollups).as("queries answered from rollups").isGreaterThan(100);
  }

  @Test
  void nativeRollupAnswersAreBitIdenticalToTheGenericPlannerOnNonIntegerData() {
    Random r = new Random(7);
    InMemoryStorageAdapter s = InMemoryStorageAdapter.builder().pointsPerChunk(64).build();
    String[] hosts = {"a", "b", "c"};
    double[] counters = new double[hosts.length];
    List<MetricsData> items = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      int h = r.nextInt(hosts.length);
      counters[h] = r.nextInt(20) == 0 ? r.nextDouble() : counters[h] + r.nextDouble() * 10;
      items.add(item(T0 + r.nextInt((int) (6 * HOUR)), r.nextBoolean() ? "system" : "app", "",
          m("reqs", counters[h], "host", hosts[h]), m("cpu", r.nextDouble() * 100 - 50, "host", hosts[h])));
    }
    s.batchStore(items).join();
    s.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(T0 + 4 * HOUR + 17 * MIN))).join();
    s.rollup(Resolution.FIVE_MINUTES, TimeRange.until(at(T0 + 3 * HOUR + 35 * MIN))).join();
    long[] steps = {MIN, 5 * MIN, 10 * MIN, HOUR};
    QuerySource[] sources = {QuerySource.AUTO, QuerySource.AUTO, QuerySource.ROLLUP_1M, QuerySource.ROLLUP_5M};
    int fromRollups = 0;
    for (int q = 0; q < 200; q++) {
      Aggregation f = Aggregation.values()[r.nextInt(Aggregation.values().length)];
      long start = T0 + (r.nextInt(7) - 1) * HOUR + r.nextInt(12) * 5 * MIN;
      AggregationQuery.Builder b = AggregationQuery.builder(r.nextBoolean() ? "reqs" : "cpu", f)
          .source(sources[r.nextInt(sources.length)]);
      if (r.nextBoolean()) {
        b.between(at(start), at(start + (1 + r.nextInt(8)) * 30 * MIN));
      } else {
        b.range(TimeRange.from(at(start)));
      }
      if (r.nextBoolean()) {
        b.step(Duration.ofMillis(steps[r.nextInt(steps.length)]));
      }
      if (r.nextBoolean()) {
        b.groupBy("host");
      }
      AggregationQuery query = b.build();
      var plan = QueryPlanner.plan(query, s);
      if (plan.isCompletedExceptionally() || plan.join().resolution().isEmpty()) {
        continue;
      }
      fromRollups++;
      AggregationResult generic = QueryPlanner.aggregate(query, s, RollupPlannerTest::rawOnly).join();
      assertThat(s.aggregate(query).join()).as("%s", query).isEqualTo(generic);
    }
    assertThat(fromRollups).as("queries answered from rollups").isGreaterThan(80);
  }

  private static java.util.concurrent.CompletableFuture<AggregationResult> rawOnly(AggregationQuery q) {
    throw new AssertionError("only rollup-answered queries are compared here: " + q);
  }

  private static void assertSameAnswer(AggregationQuery q, AggregationResult planned, AggregationResult raw) {
    assertThat(planned.groups()).as("%s from %s", q, planned.sources()).hasSameSizeAs(raw.groups());
    for (int g = 0; g < raw.groups().size(); g++) {
      GroupResult pg = planned.groups().get(g);
      GroupResult rg = raw.groups().get(g);
      assertThat(pg.key()).isEqualTo(rg.key());
      assertThat(pg.buckets()).as("%s from %s", q, planned.sources()).hasSameSizeAs(rg.buckets());
      for (int i = 0; i < rg.buckets().size(); i++) {
        Bucket pb = pg.buckets().get(i);
        Bucket rb = rg.buckets().get(i);
        assertThat(pb.start()).isEqualTo(rb.start());
        assertThat(pb.count()).isEqualTo(rb.count());
        if (q.function() == Aggregation.RATE) {
          // series rates are summed in a different order
          assertThat(pb.value()).isCloseTo(rb.value(), within(1e-9 * Math.max(1, Math.abs(rb.value()))));
        } else {
          assertThat(pb.value()).as("%s from %s", q, planned.sources()).isEqualTo(rb.value());
        }
      }
    }
  }

  @Test
  void namesTheRollupAndRawWhenTheRangeCrossesTheWatermark() {
    InMemoryStorageAdapter s = InMemoryStorageAdapter.create();
    for (int i = 0; i < 120; i++) {
      s.store(item(T0 + i * 30_000L, m("cpu", i))).join();
    }
    s.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(T0 + 30 * MIN))).join();
    AggregationQuery q = AggregationQuery.builder("cpu", Aggregation.SUM)
        .between(at(T0), at(T0 + HOUR)).build();

    AggregationResult result = s.aggregate(q).join();

    assertThat(result.sources()).containsExactly("1m", "raw");
    assertThat(result.singleValue()).contains(119.0 * 120 / 2);
  }

  @Test
  void usesTheCoarsestRollupThatAnswersExactly() {
    InMemoryStorageAdapter s = InMemoryStorageAdapter.create();
    s.store(item(T0 + 10, m("cpu", 1))).join();
    for (Resolution r : Resolution.values()) {
      s.rollup(r, TimeRange.until(at(T0 + 2 * HOUR))).join();
    }
    AggregationQuery hourly = AggregationQuery.builder("cpu", Aggregation.COUNT)
        .between(at(T0), at(T0 + 2 * HOUR)).step(Duration.ofHours(1)).build();
    AggregationQuery tenMinutes = hourly.toBuilder().step(Duration.ofMinutes(10)).build();
    AggregationQuery offByAMinute = hourly.toBuilder().between(at(T0 + MIN), at(T0 + 2 * HOUR)).build();

    assertThat(s.aggregate(hourly).join().sources()).containsExactly("1h");
    assertThat(s.aggregate(tenMinutes).join().sources()).containsExactly("5m");
    assertThat(s.aggregate(offByAMinute).join().sources()).containsExactly("1m");
  }

  @Test
  void fallsBackToRawWhenNoRollupAnswersExactly() {
    InMemoryStorageAdapter s = InMemoryStorageAdapter.create();
    s.store(item(T0 + 10, m("cpu", 1))).join();
    s.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(T0 + HOUR))).join();
    AggregationQuery q = AggregationQuery.builder("cpu", Aggregation.COUNT)
        .between(at(T0), at(T0 + HOUR)).step(Duration.ofSeconds(90)).build();

    assertThat(s.aggregate(q).join().sources()).containsExactly("raw");
  }

  @Test
  void explicitRollupSourceThatCannotAnswerExactlyFailsNamingWhy() {
    InMemoryStorageAdapter s = InMemoryStorageAdapter.create();
    AggregationQuery q = AggregationQuery.builder("cpu", Aggregation.AVG)
        .between(at(T0), at(T0 + HOUR)).step(Duration.ofMinutes(1)).source(QuerySource.ROLLUP_5M).build();

    assertThatThrownBy(() -> s.aggregate(q).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(MetricsPipelineException.class)
        .cause().hasMessage("source 5m cannot answer this query exactly: step PT1M is not a multiple of 5m");
  }

  @Test
  void explicitRollupSourceReadsOnlyStoredBuckets() {
    InMemoryStorageAdapter s = InMemoryStorageAdapter.create();
    s.store(item(T0 + 10, m("cpu", 4))).join();
    s.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(T0 + MIN))).join();
    s.store(item(T0 + 2 * MIN, m("cpu", 8))).join();
    AggregationQuery q = AggregationQuery.builder("cpu", Aggregation.SUM)
        .source(QuerySource.ROLLUP_1M).build();

    AggregationResult result = s.aggregate(q).join();

    assertThat(result.sources()).containsExactly("1m");
    assertThat(result.singleValue()).contains(4.0);
  }

  @Test
  void rateMergesCounterResetsAcrossRollupBuckets() {
    InMemoryStorageAdapter s = InMemoryStorageAdapter.create();
    double[][] points = {{0, 10}, {50, 20}, {70, 5}, {110, 15}};
    for (double[] p : points) {
      s.store(item(T0 + (long) p[0] * 1000, m("reqs", p[1]))).join();
    }
    s.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(T0 + 2 * MIN))).join();
    AggregationQuery q = AggregationQuery.builder("reqs", Aggregation.RATE)
        .between(at(T0), at(T0 + 2 * MIN)).build();

    AggregationResult result = s.aggregate(q).join();

    assertThat(result.sources()).containsExactly("1m");
    assertThat(result.singleValue()).contains(25.0 / 110);
  }

  @Test
  void rollingUpTwiceStoresTheSameBuckets() {
    InMemoryStorageAdapter s = randomStore(new Random(7), 500);
    TimeRange range = TimeRange.until(at(T0 + 3 * HOUR));
    s.rollup(Resolution.FIVE_MINUTES, range).join();
    var first = s.readRollups(org.metricspipeline.api.timeseries.RollupQuery.of(
        "reqs", Resolution.FIVE_MINUTES, TimeRange.all())).join();

    s.rollup(Resolution.FIVE_MINUTES, range).join();

    assertThat(s.readRollups(org.metricspipeline.api.timeseries.RollupQuery.of(
        "reqs", Resolution.FIVE_MINUTES, TimeRange.all())).join()).isEqualTo(first).isNotEmpty();
  }

  @Test
  void rollupRefusesARangeNotAlignedToTheResolution() {
    InMemoryStorageAdapter s = InMemoryStorageAdapter.create();

    assertThatThrownBy(() -> s.rollup(Resolution.ONE_HOUR, TimeRange.until(at(T0 + MIN))).join())
        .hasCauseInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("is not aligned to 1h");
  }

  @Test
  void listsRollupsPerMetricAndResolution() {
    InMemoryStorageAdapter s = InMemoryStorageAdapter.create();
    s.store(item(T0 + 10, Metric.of("cpu", 1), Metric.of("mem", 2))).join();
    s.store(item(T0 + MIN + 10, Metric.of("cpu", 3))).join();
    s.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(T0 + 5 * MIN))).join();

    var rollups = s.listRollups().join();

    assertThat(rollups).extracting(i -> i.metricName() + "/" + i.resolution().wireName() + "/"
        + i.bucketCount() + "/" + i.pointCount()).containsExactly("cpu/1m/2/2", "mem/1m/1/1");
    assertThat(rollups.get(0).watermark()).contains(at(T0 + 5 * MIN));
  }
}
