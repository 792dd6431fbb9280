package org.metricspipeline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.NamingConvention;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.core.MetricsPipeline;

class PipelineMeterRegistryTest {

  private final MockClock clock = new MockClock();
  private InMemoryStorageAdapter storage;
  private MetricsPipeline pipeline;
  private PipelineMeterRegistry registry;

  @BeforeEach
  void setUp() {
    clock.add(Duration.ofSeconds(1_700_000_000L).minusMillis(1)); // a realistic wall time
    storage = InMemoryStorageAdapter.builder().build();
    pipeline = MetricsPipeline.builder().storage(storage).processingInterval(Duration.ofMillis(10)).build();
    pipeline.startProcessing();
    registry = PipelineMeterRegistry.builder(pipeline).clock(clock).step(Duration.ofSeconds(10))
        .source("checkout").start(false).build();
  }

  @AfterEach
  void tearDown() {
    registry.close();
    pipeline.close();
  }

  private void step() {
    clock.add(Duration.ofSeconds(10));
    assertThat(registry.flush().join().failures()).isEmpty();
  }

  private Map<String, Double> stored() {
    return storage.query(MetricsQuery.builder().limit(10_000).build()).join().stream()
        .flatMap(d -> d.metrics().stream())
        .collect(Collectors.toMap(PipelineMeterRegistryTest::key, Metric::value, (a, b) -> b));
  }

  private static String key(Metric m) {
    return m.name() + new java.util.TreeMap<>(m.tags());
  }

  @Test
  void countersAreMonotonicSoRateGivesTheirPerSecondIncrease() {
    Counter requests = registry.counter("http.requests", "uri", "/cart");
    Instant start = Instant.ofEpochMilli(clock.wallTime());
    for (int i = 0; i < 6; i++) {
      requests.increment(50); // 50 per 10 s step: 5 per second
      step();
    }
    double rate = storage.aggregate(AggregationQuery.builder("http_requests_total", Aggregation.RATE)
        .between(start, Instant.ofEpochMilli(clock.wallTime()).plusSeconds(1)).build()).join().singleValue().orElseThrow();
    assertThat(rate).isEqualTo(5.0);
    assertThat(stored()).containsEntry("http_requests_total{uri=/cart}", 300.0);
  }

  @Test
  void itemsCarryTheTypeSourceAndTheStepTime() {
    registry.gauge("queue.depth", 7);
    step();
    MetricsData item = storage.query(MetricsQuery.builder().metricNames("queue_depth").build()).join().get(0);
    assertThat(item.metricType()).isEqualTo("micrometer");
    assertThat(item.source()).isEqualTo("checkout");
    assertThat(item.timestamp()).isEqualTo(Instant.ofEpochMilli(clock.wallTime()));
    assertThat(item.metrics()).containsExactly(Metric.of("queue_depth", 7));
  }

  @Test
  void timersBecomeCountSumMaxPercentilesAndCumulativeBuckets() {
    Timer timer = Timer.builder("http.server.requests").tag("uri", "/pay")
        .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500))
        .publishPercentiles(0.5).register(registry);
    timer.record(Duration.ofMillis(50));
    timer.record(Duration.ofMillis(300));
    timer.record(Duration.ofSeconds(2));
    step();
    Map<String, Double> s = stored();
    assertThat(s).containsEntry("http_server_requests_seconds_count{uri=/pay}", 3.0)
        .containsEntry("http_server_requests_seconds_sum{uri=/pay}", 2.35)
        .containsEntry("http_server_requests_seconds_max{uri=/pay}", 2.0)
        .containsEntry("http_server_requests_seconds_bucket{le=0.1, uri=/pay}", 1.0)
        .containsEntry("http_server_requests_seconds_bucket{le=0.5, uri=/pay}", 2.0)
        .containsEntry("http_server_requests_seconds_bucket{le=+Inf, uri=/pay}", 3.0)
        .containsKey("http_server_requests_seconds{quantile=0.5, uri=/pay}");
    assertThat(storage.query(MetricsQuery.builder().metricNames("http_server_requests_seconds_sum").build())
        .join().get(0).metrics().get(0).unit()).isEqualTo("seconds");
  }

  @Test
  void histogramBucketsKeepGrowingAcrossStepsSoTheyCanBeRated() {
    Timer timer = Timer.builder("work").serviceLevelObjectives(Duration.ofMillis(100)).register(registry);
    timer.record(Duration.ofMillis(10));
    step();
    clock.add(Duration.ofMinutes(5)); // far past the percentile window
    timer.record(Duration.ofMillis(10));
    step();
    assertThat(stored()).containsEntry("work_seconds_bucket{le=0.1}", 2.0)
        .containsEntry("work_seconds_bucket{le=+Inf}", 2.0);
  }

  @Test
  void summariesUseTheirBaseUnit() {
    DistributionSummary sizes = DistributionSummary.builder("payload.size").baseUnit("bytes")
        .serviceLevelObjectives(1024).register(registry);
    sizes.record(100);
    sizes.record(4096);
    step();
    assertThat(stored()).containsEntry("payload_size_bytes_count{}", 2.0)
        .containsEntry("payload_size_bytes_sum{}", 4196.0)
        .containsEntry("payload_size_bytes_max{}", 4096.0)
        .containsEntry("payload_size_bytes_bucket{le=1024}", 1.0)
        .containsEntry("payload_size_bytes_bucket{le=+Inf}", 2.0);
  }

  @Test
  void longTaskTimersFunctionMetersAndGaugesAreWritten() {
    LongTaskTimer ltt = LongTaskTimer.builder("batch.job").register(registry);
    ltt.start();
    clock.add(Duration.ofSeconds(3));
    AtomicLong calls = new AtomicLong(42);
    FunctionCounter.builder("cache.calls", calls, AtomicLong::get).register(registry);
    FunctionTimer.builder("cache.loads", calls, AtomicLong::get, c -> 2_000, TimeUnit.MILLISECONDS).register(registry);
    Gauge.builder("pool.size", () -> 4).register(registry);
    step();
    assertThat(stored()).containsEntry("batch_job_seconds_active_count{}", 1.0)
        .containsEntry("batch_job_seconds_duration_sum{}", 13.0)
        .containsEntry("cache_calls_total{}", 42.0)
        .containsEntry("cache_loads_seconds_count{}", 42.0)
        .containsEntry("cache_loads_seconds_sum{}", 2.0)
        .containsEntry("pool_size{}", 4.0);
  }

  @Test
  void aGaugeWithoutAValueIsLeftOutInsteadOfFailingTheItem() {
    registry.gauge("gone", Tags.empty(), new Object(), o -> Double.NaN);
    registry.counter("kept").increment();
    step();
    assertThat(stored()).containsOnlyKeys("kept_total{}");
  }

  @Test
  void commonTagsAndMeterFiltersApply() {
    registry.config().commonTags("region", "eu").meterFilter(MeterFilter.denyNameStartsWith("secret"));
    registry.counter("orders").increment();
    registry.counter("secret.things").increment();
    step();
    assertThat(stored()).containsOnlyKeys("orders_total{region=eu}");
  }

  @Test
  void namesAndTagKeysFollowOurRulesWhateverTheyWere() {
    registry.counter("9 lives/öre", "tag key!", "v").increment();
    step();
    Metric m = storage.query(MetricsQuery.builder().build()).join().get(0).metrics().get(0);
    assertThat(m.name()).isEqualTo("_9_lives__re_total");
    assertThat(m.tags()).containsOnlyKeys("tag_key_");
  }

  @Test
  void anotherConventionKeepsItsNamesWhenTheyAreValid() {
    registry.config().namingConvention(PipelineNamingConvention.sanitizing(NamingConvention.dot));
    registry.counter("http.requests", "status.code", "200").increment();
    step();
    assertThat(stored()).containsOnlyKeys("http.requests{status.code=200}");
  }

  @Test
  void everyStepItemIsValidEvenWithManyMeters() {
    for (int i = 0; i < 2_500; i++) {
      registry.counter("c" + i).increment();
    }
    List<MetricsData> items = registry.items();
    assertThat(items).hasSize(3);
    assertThat(items).allSatisfy(i -> assertThat(MetricsValidator.defaults().validate(i).valid()).isTrue());
  }

  @Test
  void builderNamesTheBadOption() {
    assertThatThrownBy(() -> PipelineMeterRegistry.builder(pipeline).step(Duration.ZERO).build())
        .hasMessageContaining("step");
    assertThatThrownBy(() -> PipelineMeterRegistry.builder(pipeline).metricsPerItem(0).build())
        .hasMessageContaining("metricsPerItem");
    assertThatThrownBy(() -> PipelineMeterRegistry.builder(pipeline).metricType("no spaces").start(false).build())
        .hasMessageContaining("metricType");
  }
}
