package org.metricspipeline.adapters.memory.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.internal.dashboard.ChartData.Point;
import org.metricspipeline.adapters.memory.internal.dashboard.ChartData.Series;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.TimeRange;

class ChartQueryTest {

  private static final Instant END = Instant.parse("2024-05-01T12:00:00Z");
  private static final AggregationQuery CPU_BY_HOST = AggregationQuery.builder("cpu", Aggregation.AVG)
      .groupBy("host").tag("dc", "eu").source(QuerySource.RAW).build();

  private static TimeRange last(Duration d) {
    return TimeRange.between(END.minus(d), END);
  }

  @Test
  void autoStepGivesAtMostMaxBucketsWithNiceSteps() {
    assertThat(ChartQuery.autoStep(Duration.ofMinutes(15))).isEqualTo(Duration.ofSeconds(10));
    assertThat(ChartQuery.autoStep(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(30));
    assertThat(ChartQuery.autoStep(Duration.ofHours(6))).isEqualTo(Duration.ofMinutes(5));
    assertThat(ChartQuery.autoStep(Duration.ofHours(24))).isEqualTo(Duration.ofMinutes(15));
    assertThat(ChartQuery.autoStep(Duration.ofDays(400)).toMillis() * ChartQuery.MAX_BUCKETS)
        .isGreaterThanOrEqualTo(Duration.ofDays(400).toMillis());
  }

  @Test
  void lineChartsRunOverTheWindowWithTheCoarserOfTheirStepAndTheAutomaticOne() {
    VisualizationSpec fine = VisualizationSpec.of("cpu", VisualizationType.LINE, CPU_BY_HOST);
    VisualizationSpec coarse = VisualizationSpec.of("cpu", VisualizationType.LINE,
        CPU_BY_HOST.toBuilder().step(Duration.ofMinutes(5)).build());

    AggregationQuery q = ChartQuery.resolve(fine, Optional.of(last(Duration.ofHours(1))));

    assertThat(q.range()).isEqualTo(last(Duration.ofHours(1)));
    assertThat(q.step()).contains(Duration.ofSeconds(30));
    assertThat(q.groupBy()).containsExactly("host");
    assertThat(q.tags()).containsEntry("dc", "eu");
    assertThat(q.source()).isEqualTo(QuerySource.RAW);
    assertThat(ChartQuery.resolve(coarse, Optional.of(last(Duration.ofHours(1)))).step()).contains(Duration.ofMinutes(5));
    assertThat(ChartQuery.resolve(coarse, Optional.of(last(Duration.ofDays(1)))).step()).contains(Duration.ofMinutes(15));
    assertThat(ChartQuery.resolve(fine, Optional.empty()).step()).as("unbounded, no step: as written").isEmpty();
  }

  @Test
  void pieTableAndScalarHaveOneValuePerGroupOrOneInAll() {
    AggregationQuery stepped = CPU_BY_HOST.toBuilder().step(Duration.ofMinutes(1)).build();
    Optional<TimeRange> hour = Optional.of(last(Duration.ofHours(1)));

    assertThat(ChartQuery.resolve(VisualizationSpec.of("p", VisualizationType.PIE, stepped), hour).step()).isEmpty();
    assertThat(ChartQuery.resolve(VisualizationSpec.of("t", VisualizationType.TABLE, stepped), hour).groupBy())
        .containsExactly("host");
    AggregationQuery scalar = ChartQuery.resolve(VisualizationSpec.of("s", VisualizationType.SCALAR, stepped), hour);
    assertThat(scalar.step()).isEmpty();
    assertThat(scalar.groupBy()).isEmpty();
    assertThat(ChartQuery.resolve(VisualizationSpec.of("b", VisualizationType.BAR, CPU_BY_HOST), hour).step())
        .as("a bar chart without step: one bar per group").isEmpty();
  }

  @Test
  void valueAxisStartsAtZeroAndEndsOnANiceTickAboveTheData() {
    ChartData.Axis axis = ChartData.valueAxis(List.of(new Series("a", List.of(
        new Point(0, 3.2, 1), new Point(1, 87.5, 1), new Point(2, Double.NaN, 0)))));

    assertThat(axis.min()).isZero();
    assertThat(axis.max()).isEqualTo(100.0);
    assertThat(axis.ticks()).containsExactly(0.0, 25.0, 50.0, 75.0, 100.0);
    assertThat(ChartData.valueAxis(List.of(new Series("n", List.of(new Point(0, -0.3, 1))))).ticks())
        .containsExactly(-0.3, -0.2, -0.1, 0.0);
  }
}
