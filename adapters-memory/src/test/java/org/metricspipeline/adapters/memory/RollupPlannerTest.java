package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.metricspipeline.adapters.memory.Items.at;
import static org.metricspipeline.adapters.memory.Items.item;
import static org.metricspipeline.adapters.memory.Items.m;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.core.QueryPlanner;

/**
 * The memory store's native rollup folding equals core's generic {@code QueryPlanner.aggregate} bit for bit
 * (what every store must answer is checked by {@link InMemoryStorageAdapterConformanceTest}).
 */
class RollupPlannerTest {

  private static final long MIN = 60_000;
  private static final long HOUR = 3_600_000;
  private static final long T0 = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, HOUR);

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
}
