package org.metricspipeline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.core.MetricsPipeline;

/** The SDK's periodic reader exports into a pipeline: what the SDK recorded is what a query returns. */
class PipelineMetricExporterTest {

  private InMemoryStorageAdapter storage;
  private MetricsPipeline pipeline;
  private PipelineMetricExporter exporter;
  private SdkMeterProvider provider;
  private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000_000_000L);
  private final io.opentelemetry.sdk.common.Clock clock = new io.opentelemetry.sdk.common.Clock() {
    @Override
    public long now() {
      return nanos.get();
    }

    @Override
    public long nanoTime() {
      return nanos.get();
    }
  };

  @BeforeEach
  void setUp() {
    storage = InMemoryStorageAdapter.builder().build();
    pipeline = MetricsPipeline.builder().storage(storage).processingInterval(Duration.ofMillis(10)).build();
    pipeline.startProcessing();
    exporter = PipelineMetricExporter.create(pipeline);
    provider = SdkMeterProvider.builder().setClock(clock)
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout",
            AttributeKey.stringKey("deployment.environment"), "test")))
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    provider.close();
    pipeline.close();
  }

  private void export() {
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
  }

  private List<MetricsData> stored(String name) {
    return storage.query(MetricsQuery.builder().metricNames(name).limit(1_000).build()).join();
  }

  @Test
  void countersArriveAsCumulativeMonotonicSumsWithResourceTagsAndSource() {
    Meter meter = provider.get("shop");
    LongCounter orders = meter.counterBuilder("orders").setUnit("{order}").build();
    orders.add(3, Attributes.of(AttributeKey.stringKey("country"), "FR"));
    orders.add(4, Attributes.of(AttributeKey.stringKey("country"), "FR"));
    export();
    MetricsData item = stored("orders").get(0);
    assertThat(item.metricType()).isEqualTo("otlp");
    assertThat(item.source()).isEqualTo("checkout");
    Metric m = item.metrics().get(0);
    assertThat(m.value()).isEqualTo(7.0);
    assertThat(m.unit()).isEqualTo("{order}");
    assertThat(m.tags()).containsEntry("country", "FR").containsEntry("deployment.environment", "test")
        .containsEntry("otlp.temporality", "cumulative").containsEntry("otlp.monotonic", "true")
        .containsEntry("service.name", "checkout");
  }

  @Test
  void histogramsArriveAsCountSumAndCumulativeLeBuckets() {
    DoubleHistogram latency = provider.get("shop").histogramBuilder("latency").setUnit("ms")
        .setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0)).build();
    latency.record(5);
    latency.record(50);
    latency.record(500);
    export();
    Map<String, Double> values = storage.query(MetricsQuery.builder()
            .metricNames("latency_count", "latency_sum", "latency_bucket").build()).join().stream()
        .flatMap(i -> i.metrics().stream())
        .collect(Collectors.toMap(m -> m.name() + new TreeMap<>(Map.of("le", m.tags().getOrDefault("le", ""))),
            Metric::value));
    assertThat(values).containsEntry("latency_count{le=}", 3.0).containsEntry("latency_sum{le=}", 555.0)
        .containsEntry("latency_bucket{le=10}", 1.0).containsEntry("latency_bucket{le=100}", 2.0)
        .containsEntry("latency_bucket{le=+Inf}", 3.0);
  }

  @Test
  void gaugesAndUpDownCountersArrive() {
    Meter meter = provider.get("shop");
    meter.gaugeBuilder("temperature").buildWithCallback(g -> g.record(21.5));
    meter.upDownCounterBuilder("in_flight").build().add(-2);
    export();
    assertThat(stored("temperature").get(0).metrics().get(0).value()).isEqualTo(21.5);
    Metric inFlight = stored("in_flight").get(0).metrics().get(0);
    assertThat(inFlight.value()).isEqualTo(-2.0);
    assertThat(inFlight.tags()).containsEntry("otlp.monotonic", "false");
  }

  @Test
  void rateOverExportedCountersIsTheirPerSecondIncrease() {
    LongCounter requests = provider.get("shop").counterBuilder("requests").build();
    Instant start = Instant.ofEpochSecond(0, nanos.get());
    requests.add(10);
    export();
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(10));
    requests.add(40);
    export();
    assertThat(stored("requests")).hasSize(2);
    double rate = storage.aggregate(AggregationQuery.builder("requests", Aggregation.RATE)
        .between(start, start.plusSeconds(60)).build()).join().singleValue().orElseThrow();
    assertThat(rate).isEqualTo(4.0);
  }

  @Test
  void theExporterCountsWhatThePipelineAccepted() {
    provider.get("shop").counterBuilder("a").build().add(1);
    provider.get("shop").counterBuilder("b").build().add(1);
    export();
    assertThat(exporter.measurements()).anySatisfy(m -> {
      assertThat(m.name()).isEqualTo("metrics_micrometer_items_accepted_total");
      assertThat(m.value()).isEqualTo(2.0);
    });
  }
}
