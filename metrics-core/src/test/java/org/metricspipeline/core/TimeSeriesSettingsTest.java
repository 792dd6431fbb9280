package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.UnsupportedCapabilityException;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.SeriesId;
import org.metricspipeline.api.timeseries.StorageCapabilities;

class TimeSeriesSettingsTest {

  private static final Instant T0 = Instant.parse("2025-12-03T12:00:00Z");

  @Test
  void retentionDefaultsAreSevenDaysRawThenThirtyNinetyAndAYear() {
    RetentionPolicy p = RetentionPolicy.defaults();

    assertThat(p.rawRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(p.retentionFor(Resolution.ONE_MINUTE)).isEqualTo(Duration.ofDays(30));
    assertThat(p.retentionFor(Resolution.FIVE_MINUTES)).isEqualTo(Duration.ofDays(90));
    assertThat(p.retentionFor(Resolution.ONE_HOUR)).isEqualTo(Duration.ofDays(365));
    assertThat(p.interval()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void rollupSettingsRejectAnIntervalOutOfRangeNamingIt() {
    assertThatThrownBy(() -> RollupSettings.builder().interval(Duration.ofMillis(10)))
        .hasMessage("interval must be between 1s and 24h, got PT0.01S");
  }

  @Test
  void rollupsOnAStoreWithoutThemFailNamingTheStoreAndCapability() {
    FakeStorage storage = new FakeStorage();

    assertThatThrownBy(() -> MetricsPipeline.builder().storage(storage)
        .rollups(RollupSettings.defaults()).build())
        .isInstanceOf(UnsupportedCapabilityException.class)
        .hasMessage("storage '" + storage.name() + "' does not support rollups");
  }

  @Test
  void capabilitiesReportWhatAStoreLacks() {
    FakeStorage storage = new FakeStorage();

    assertThat(StorageCapabilities.supportsDiscovery(storage)).isFalse();
    assertThatThrownBy(() -> StorageCapabilities.retention(storage))
        .hasMessageEndingWith("does not support retention");
  }

  @Test
  void whyNotExactNamesTheMisalignedEdge() {
    AggregationQuery q = AggregationQuery.builder("cpu", Aggregation.SUM)
        .between(T0.plusSeconds(30), T0.plusSeconds(3600)).build();

    assertThat(QueryPlanner.whyNotExact(q, Resolution.ONE_MINUTE))
        .contains("range start 2025-12-03T12:00:30Z is not aligned to 1m");
    assertThat(QueryPlanner.whyNotExact(q.toBuilder().between(T0, T0.plusSeconds(3600)).build(),
        Resolution.ONE_HOUR)).isEmpty();
  }

  @Test
  void combineMergesRollupBucketsPerSeriesIntoStepBuckets() {
    SeriesId a = new SeriesId("system", "", "reqs", "", java.util.Map.of());
    long t = T0.toEpochMilli();
    // the Javadoc example: (0 s, 10), (50 s, 20) | (70 s, 5), (110 s, 15)
    RollupBucket first = new RollupBucket(a, Resolution.ONE_MINUTE, t, 2, 30, 10, 20, t, 10, t + 50_000, 20, 10);
    RollupBucket second = new RollupBucket(a, Resolution.ONE_MINUTE, t + 60_000, 2, 20, 5, 15,
        t + 70_000, 5, t + 110_000, 15, 10);
    AggregationQuery q = AggregationQuery.builder("reqs", Aggregation.RATE)
        .between(T0, T0.plusSeconds(120)).step(Duration.ofMinutes(2)).build();

    var result = QueryPlanner.combine(q, List.of(first), List.of(second), List.of("1m", "raw"));

    assertThat(result.singleValue()).contains(25.0 / 110);
    assertThat(result.groups().get(0).buckets().get(0).count()).isEqualTo(4);
  }
}
