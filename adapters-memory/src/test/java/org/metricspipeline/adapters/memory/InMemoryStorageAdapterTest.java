package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.metricspipeline.adapters.memory.Items.at;
import static org.metricspipeline.adapters.memory.Items.item;
import static org.metricspipeline.adapters.memory.Items.m;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.MetricsQuery;

class InMemoryStorageAdapterTest {

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().pointsPerChunk(16).build();

  @AfterEach
  void close() {
    storage.close();
  }

  private List<MetricsData> all() {
    return storage.query(MetricsQuery.builder().limit(MetricsQuery.MAX_LIMIT).build()).join();
  }

  private void store(MetricsData... items) {
    assertThat(storage.batchStore(List.of(items)).join().allSucceeded()).isTrue();
  }

  @Test
  void isNamedMemory() {
    assertThat(storage.name()).isEqualTo("memory");
  }

  @Test
  void keepsPointsFarApartInTimeInOneSeries() {
    long day = 24L * 3600 * 1000;
    store(item(0, m("a", 1)), item(30 * day, m("a", 2)), item(-400 * day, m("a", 0)),
        item(900 * day, m("a", 3)));

    assertThat(all()).extracting(d -> d.metrics().get(0).value()).containsExactly(0.0, 1.0, 2.0, 3.0);
  }

  /** Before 1970 (which validation rejects, but the store accepts): buckets still align downwards. */
  @Test
  void alignsBucketsBeforeTheEpochDownwards() {
    store(item(-1, m("v", 1)), item(-1_000, m("v", 2)), item(-1_001, m("v", 4)));

    List<Bucket> buckets = storage.aggregate(AggregationQuery.builder("v", Aggregation.SUM)
        .step(Duration.ofSeconds(1)).build()).join().groups().get(0).buckets();

    assertThat(buckets).containsExactly(new Bucket(at(-2_000), 4, 1), new Bucket(at(-1_000), 3, 2));
  }

  @Test
  void attachesContextToItemsReadBackWithTheSameTimestampTypeAndSource() {
    MetricsData withContext = MetricsData.builder().timestamp(at(7)).metricType("t").source("s")
        .metric(m("a", 1)).context("trace", "abc").context("n", 1).build();
    MetricsData more = MetricsData.builder().timestamp(at(7)).metricType("t").source("s")
        .metric(m("b", 2)).context("n", 2).build();
    store(withContext, more, item(7, "t", "other", m("a", 3)));

    List<MetricsData> items = all();

    assertThat(items).hasSize(2);
    assertThat(items.get(0).context()).isEmpty();
    assertThat(items.get(1).context()).isEqualTo(Map.of("trace", "abc", "n", 2));
    assertThat(storage.memoryStats().contexts()).isEqualTo(1);
  }

  @Test
  void acceptsAnItemWithoutMetricsAndStoresNothing() {
    MetricsBatchResult result = storage.batchStore(List.of(
        new MetricsData(at(1), "t", List.of(), "", Map.of("k", "v")))).join();

    assertThat(result.allSucceeded()).isTrue();
    assertThat(all()).isEmpty();
    assertThat(storage.memoryStats().contexts()).isZero();
  }

  @Test
  void rejectsWholeItemsThatDoNotFitUnderMaxPoints() {
    try (InMemoryStorageAdapter small = InMemoryStorageAdapter.builder().maxPoints(10).build()) {
      MetricsData six = item(1, m("a", 1), m("b", 1), m("c", 1), m("d", 1), m("e", 1), m("f", 1));
      MetricsData five = item(2, m("a", 2), m("b", 2), m("c", 2), m("d", 2), m("e", 2));
      MetricsData four = item(3, m("a", 3), m("b", 3), m("c", 3), m("d", 3));

      MetricsBatchResult result = small.batchStore(List.of(six, five, four)).join();

      assertThat(result.successCount()).isEqualTo(2);
      assertThat(result.failures()).containsExactly(
          MetricsBatchResult.Failure.of(1, "storage full: maxPoints=10"));
      assertThat(small.query(MetricsQuery.builder().build()).join())
          .extracting(MetricsData::timestamp).containsExactly(at(1), at(3));
      assertThat(small.memoryStats().points()).isEqualTo(10);
    }
  }

  @Test
  void rejectsWholeItemsThatWouldCreateSeriesBeyondMaxSeriesAndStillStoresKnownOnes() {
    try (InMemoryStorageAdapter bounded = InMemoryStorageAdapter.builder().maxSeries(3).build()) {
      MetricsData two = item(1, m("a", 1), m("b", 1));
      MetricsData twoMoreOneNew = item(2, m("a", 2), m("c", 2), m("d", 2)); // c and d: 4 series
      MetricsData oneNew = item(3, m("c", 3), m("a", 3), m("c", 3));
      MetricsData known = item(4, m("a", 4), m("b", 4), m("c", 4));

      MetricsBatchResult result = bounded.batchStore(List.of(two, twoMoreOneNew, oneNew, known)).join();

      assertThat(result.failures()).containsExactly(MetricsBatchResult.Failure.of(1,
          "series limit reached: maxSeries=3 (the item would add 2 new series to 2)"));
      assertThat(bounded.memoryStats().series()).isEqualTo(3);
      assertThat(bounded.query(MetricsQuery.builder().build()).join())
          .extracting(MetricsData::timestamp).containsExactly(at(1), at(3), at(4));
      assertThat(bounded.memoryStats().points()).isEqualTo(8);

      HealthCheckResult health = bounded.healthCheck().join();
      assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(health.details()).containsEntry("max_series", 3L);
      assertThat(health.details().get("reason").toString()).contains("series limit reached: maxSeries=3");
    }
    assertThatThrownBy(() -> InMemoryStorageAdapter.builder().maxSeries(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxSeries must be >= 1, got 0");
  }

  @Test
  void failsStoreWithTheFullReasonWhenTheItemDoesNotFit() {
    try (InMemoryStorageAdapter small = InMemoryStorageAdapter.builder().maxPoints(1).build()) {
      small.store(item(1, m("a", 1))).join();

      assertThatThrownBy(() -> small.store(item(2, m("a", 2))).join())
          .isInstanceOf(CompletionException.class)
          .cause().isExactlyInstanceOf(MetricsPipelineException.class)
          .hasMessage("storage full: maxPoints=1");
    }
  }

  @Test
  void reportsItsFiguresInTheHealthCheck() {
    store(item(1, m("a", 1), m("b", 2)));

    HealthCheckResult health = storage.healthCheck().join();

    assertThat(health.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(health.details()).containsEntry("points", 2L).containsEntry("series", 2L)
        .containsEntry("max_points", InMemoryStorageAdapter.DEFAULT_MAX_POINTS)
        .containsKeys("bytes_used", "bytes_per_point", "utilization");
  }

  @Test
  void reportsDegradedWhenNearlyFull() {
    try (InMemoryStorageAdapter small = InMemoryStorageAdapter.builder().maxPoints(10).build()) {
      for (int i = 0; i < 9; i++) {
        small.store(item(i, m("a", i))).join();
      }

      HealthCheckResult health = small.healthCheck().join();

      assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(health.details().get("reason").toString()).contains("nearly full");
    }
  }

  @Test
  void keepsLongSeriesUnderFourBytesPerPointOnceSealed() {
    try (InMemoryStorageAdapter big = InMemoryStorageAdapter.create()) {
      List<Map<String, String>> tags = new ArrayList<>();
      for (int s = 0; s < 100; s++) {
        tags.add(Items.tags("host", "host-" + s, "region", "eu"));
      }
      for (int t = 0; t < 5_000; t++) {
        List<Metric> metrics = new ArrayList<>(100);
        for (int s = 0; s < 100; s++) {
          metrics.add(Metric.of("cpu", t % 97, tags.get(s)));
        }
        big.store(MetricsData.of(at(1_700_000_000_000L + t * 1000L), "system", metrics)).join();
      }

      MemoryStats stats = big.memoryStats();

      assertThat(stats.points()).isEqualTo(500_000);
      assertThat(stats.series()).isEqualTo(100);
      // sealed chunks are compressed: the steady interval costs ~0 bits, the small integers ~7
      assertThat(stats.bytesPerPoint()).isBetween(0.5, 4.0);
    }
  }

  @Test
  void failsEveryCallWithStorageUnavailableOnceClosed() {
    storage.close();

    assertThatThrownBy(() -> storage.store(item(1, m("a", 1))).join())
        .cause().isInstanceOf(StorageUnavailableException.class);
    assertThatThrownBy(() -> storage.query(MetricsQuery.builder().build()).join())
        .cause().isInstanceOf(StorageUnavailableException.class);
    assertThat(storage.healthCheck().join().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void rejectsOutOfRangeBuilderOptionsNamingThem() {
    assertThatThrownBy(() -> InMemoryStorageAdapter.builder().maxPoints(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPoints must be >= 1");
    assertThatThrownBy(() -> InMemoryStorageAdapter.builder().pointsPerChunk(8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pointsPerChunk must be between 16 and 1048576, got 8");
  }
}
