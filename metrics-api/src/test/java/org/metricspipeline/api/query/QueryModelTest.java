package org.metricspipeline.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryModelTest {

  private static final Instant T0 = Instant.parse("2025-12-03T12:00:00Z");

  @Test
  void timeRangeIsHalfOpen() {
    TimeRange r = TimeRange.between(T0, T0.plusSeconds(60));

    assertThat(r.contains(T0.toEpochMilli())).isTrue();
    assertThat(r.contains(T0.plusSeconds(60).toEpochMilli())).isFalse();
    assertThat(r.contains(T0.plusSeconds(60).toEpochMilli() - 1)).isTrue();
  }

  @Test
  void timeRangeRefusesAStartThatIsNotBeforeTheEnd() {
    assertThatThrownBy(() -> TimeRange.between(T0, T0)).hasMessageContaining("start must be before end");
  }

  @Test
  void openTimeRangesUseTheExtremes() {
    assertThat(TimeRange.all().startMillis()).isEqualTo(Long.MIN_VALUE);
    assertThat(TimeRange.from(T0).endMillis()).isEqualTo(Long.MAX_VALUE);
    assertThat(TimeRange.until(T0).start()).isEmpty();
  }

  @Test
  void metricsQueryLimitsItsPageSize() {
    assertThatThrownBy(() -> MetricsQuery.builder().limit(0))
        .hasMessage("limit must be between 1 and 100000, got 0");
    assertThatThrownBy(() -> MetricsQuery.builder().offset(-1)).hasMessage("offset must be >= 0, got -1");
  }

  @Test
  void metricsQueryRoundTripsThroughItsBuilder() {
    MetricsQuery q = MetricsQuery.builder().metricType("system").metricNames("cpu", "mem")
        .between(T0, T0.plusSeconds(1)).tag("host", "a").limit(5).offset(10).build();

    assertThat(q.toBuilder().build()).isEqualTo(q).hasSameHashCodeAs(q);
    assertThat(q.tags()).isEqualTo(Map.of("host", "a"));
    assertThat(q.metricNames()).isEqualTo(List.of("cpu", "mem"));
  }

  @Test
  void aggregationQueryRefusesAStepThatIsNotWholeMilliseconds() {
    AggregationQuery.Builder b = AggregationQuery.builder("cpu", Aggregation.AVG);

    assertThatThrownBy(() -> b.step(Duration.ofNanos(1500)))
        .hasMessageContaining("step must be a positive whole number of milliseconds");
    assertThatThrownBy(() -> b.step(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aggregationQueryRefusesARepeatedGroupByKey() {
    assertThatThrownBy(() -> AggregationQuery.builder("cpu", Aggregation.SUM).groupBy("host", "host"))
        .hasMessage("groupBy key 'host' given twice");
  }

  @Test
  void aggregationQueryRefusesAnEmptyMetricName() {
    assertThatThrownBy(() -> AggregationQuery.builder("", Aggregation.SUM))
        .hasMessage("metricName must not be empty");
  }

  @Test
  void aggregationWireNamesListTheKnownOnes() {
    assertThat(Aggregation.fromWireName("RATE")).isEqualTo(Aggregation.RATE);
    assertThatThrownBy(() -> Aggregation.fromWireName("p99")).hasMessageContaining("known: sum, avg");
  }

  @Test
  void groupResultNeedsABucket() {
    assertThatThrownBy(() -> new GroupResult(Map.of(), List.of()))
        .hasMessage("a group has at least one bucket");
  }

  @Test
  void groupResultSumsTheCountsOfItsBuckets() {
    GroupResult g = new GroupResult(Map.of("host", "a"),
        List.of(new Bucket(T0, 2.0, 3), new Bucket(T0.plusSeconds(60), 4.0, 5)));

    assertThat(g.count()).isEqualTo(8);
    assertThat(g.value()).isEqualTo(2.0);
  }

  @Test
  void bucketRefusesANegativeCount() {
    assertThatThrownBy(() -> new Bucket(T0, 1, -1)).hasMessage("count must be >= 0, got -1");
  }

  @Test
  void aggregationResultHasNoSingleValueWithoutGroups() {
    AggregationQuery q = AggregationQuery.builder("cpu", Aggregation.MAX).build();

    assertThat(new AggregationResult(q, List.of(), List.of("raw")).singleValue()).isEmpty();
  }

  @Test
  void groupResultOfPairsEachGroupByKeyWithItsValue() {
    Bucket b = new Bucket(Instant.EPOCH, 1.5, 2);
    GroupResult g = GroupResult.of(List.of("region", "host"), List.of("eu", "web-1"), List.of(b));

    assertThat(g.key()).isEqualTo(Map.of("region", "eu", "host", "web-1"));
    assertThat(g.value()).isEqualTo(1.5);
  }

  @Test
  void groupResultOfRejectsKeysAndValuesOfDifferentLength() {
    assertThatThrownBy(() -> GroupResult.of(List.of("host"), List.of(),
        List.of(new Bucket(Instant.EPOCH, 1, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("1 group-by keys but 0 values");
  }
}
