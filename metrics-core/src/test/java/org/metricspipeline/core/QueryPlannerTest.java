package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupInfo;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.RollupStorage;

class QueryPlannerTest {

  private static final Instant T0 = Instant.parse("2025-12-03T12:00:00Z");

  @Test
  void planSplitsTheRangeAtTheCoarsestUsableWatermark() {
    Watermarks rollups = new Watermarks();
    rollups.set(Resolution.ONE_MINUTE, T0.plusSeconds(1800));
    rollups.set(Resolution.ONE_HOUR, T0);
    AggregationQuery q = AggregationQuery.builder("cpu", Aggregation.AVG)
        .between(T0, T0.plusSeconds(3600)).step(Duration.ofMinutes(5)).build();

    QueryPlanner.Plan plan = QueryPlanner.plan(q, rollups).join();

    assertThat(plan.resolution()).contains(Resolution.ONE_MINUTE);
    assertThat(plan.stored()).isEqualTo(TimeRange.between(T0, T0.plusSeconds(1800)));
    assertThat(plan.tail()).contains(TimeRange.between(T0.plusSeconds(1800), T0.plusSeconds(3600)));
    assertThat(plan.sources()).containsExactly("1m", "raw");
  }

  @Test
  void planIsRawOnlyWhenNoWatermarkLiesAfterTheRangeStart() {
    Watermarks rollups = new Watermarks();
    rollups.set(Resolution.ONE_MINUTE, T0);
    AggregationQuery q = AggregationQuery.builder("cpu", Aggregation.SUM)
        .between(T0, T0.plusSeconds(3600)).build();

    QueryPlanner.Plan plan = QueryPlanner.plan(q, rollups).join();

    assertThat(plan).isEqualTo(QueryPlanner.Plan.RAW_ONLY);
  }

  /** Rollups with watermarks only. */
  private static final class Watermarks implements RollupStorage {
    private final Map<Resolution, Instant> watermarks = new EnumMap<>(Resolution.class);

    void set(Resolution r, Instant w) {
      watermarks.put(r, w);
    }

    @Override
    public CompletableFuture<Long> rollup(Resolution resolution, TimeRange range) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<RollupBucket>> readRollups(RollupQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<RollupBucket>> computeRollups(RollupQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Optional<Instant>> rollupWatermark(Resolution resolution) {
      return CompletableFuture.completedFuture(Optional.ofNullable(watermarks.get(resolution)));
    }

    @Override
    public CompletableFuture<List<RollupInfo>> listRollups() {
      return CompletableFuture.completedFuture(List.of());
    }
  }
}
