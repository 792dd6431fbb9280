package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.MutableClock;

class MetricsCollectorTest {

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  private final FlakyStorage.Server server = new FlakyStorage.Server();
  private final MetricsPipeline pipeline = TestPipelines.started(server.connect(), InMemoryIngestionAdapter.create(), 100);
  private final SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).clock(clock)
      .build();
  private final MetricsCollector collector = MetricsCollector.builder(pipeline).guard(guard).clock(clock).build();

  @AfterEach
  void close() {
    collector.close();
    guard.close();
    pipeline.close();
  }

  @Test
  void recordedValuesAreStoredThroughThePipelineAndReadBackWithFilters() {
    collector.record("training", "accuracy", 0.95, Map.of("model", "v2.1")).join();
    clock.advance(Duration.ofMinutes(1));
    collector.record("training", "accuracy", 0.97, Map.of("model", "v2.1")).join();
    collector.record("training", "loss", 0.02).join();
    collector.record("quantization", "model_size_mb", 34.2).join();

    List<MetricPoint> training = collector.getMetrics(MetricsCollector.Filter.component("training")).join();
    assertThat(training).extracting(MetricPoint::metricName).containsExactly("accuracy", "accuracy", "loss");
    assertThat(training.get(0).labels()).isEqualTo(Map.of("model", "v2.1"));
    assertThat(training.get(0).value()).isEqualTo(0.95);

    assertThat(collector.getMetrics(MetricsCollector.Filter.all().withMetricName("accuracy")
        .between(Instant.parse("2026-01-01T00:00:30Z"), Instant.parse("2026-01-01T01:00:00Z"))).join())
        .singleElement().satisfies(p -> assertThat(p.value()).isEqualTo(0.97));
    assertThat(collector.getMetrics(MetricsCollector.Filter.all().withLimit(2)).join()).hasSize(2);
    assertThat(collector.getMetrics(MetricsCollector.Filter.component("quantization")).join())
        .singleElement().satisfies(p -> assertThat(p.component()).isEqualTo("quantization"));
  }

  @Test
  void collectRecordsThePipelineAndGuardFiguresAsQueryableMetrics() {
    collector.record("app", "x", 1).join();
    guard.checkNow();
    collector.collect().join();
    List<MetricPoint> stored = collector.getMetrics(MetricsCollector.Filter.component("pipeline")
        .withMetricName("metrics_pipeline_items_stored_total")).join();
    assertThat(stored).singleElement().satisfies(p -> assertThat(p.value()).isEqualTo(1));
    assertThat(collector.getMetrics(MetricsCollector.Filter.component("guard")
        .withMetricName("metrics_guard_component_state")).join())
        .extracting(p -> p.labels().get("target")).containsExactlyInAnyOrder("ingestion", "pipeline", "storage");
    assertThat(collector.getMetrics(MetricsCollector.Filter.component("jvm")
        .withMetricName("jvm_threads_live")).join()).singleElement()
        .satisfies(p -> assertThat(p.value()).isPositive());
    // the same points through the store's own query API, as any other metric
    assertThat(server.store.query(MetricsQuery.builder().metricType("guard").metricNames("jvm_threads_live")
        .build()).join()).hasSize(1);
  }

  @Test
  void filtersValidateTheirLimitAndRange() {
    assertThatThrownBy(() -> MetricsCollector.Filter.all().withLimit(0))
        .hasMessage("limit must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> MetricsCollector.Filter.all().between(Instant.parse("2026-01-02T00:00:00Z"),
        Instant.parse("2026-01-01T00:00:00Z"))).hasMessageContaining("start must be before end");
  }

  @Test
  void collectFeedsGaugesAndCounterIncreasesToBaselines() {
    Baselines baselines = Baselines.builder().build();
    MetricsCollector fed = MetricsCollector.builder(pipeline).guard(guard).clock(clock).jvm(false)
        .baselines(baselines).build();
    fed.collect().join(); // nothing stored yet: the counter's first value is only remembered
    collector.record("app", "x", 1).join();
    long storedSinceFirst = pipeline.stats().stored(); // the first collection's items and the recorded one
    fed.collect().join();
    assertThat(baselines.baseline("pipeline/metrics_pipeline_queue_items").orElseThrow().points()).isEqualTo(2);
    Baselines.Baseline stored = baselines.baseline("pipeline/metrics_pipeline_items_stored_total").orElseThrow();
    assertThat(stored.points()).isEqualTo(1);
    assertThat(stored.lastValue()).isEqualTo(storedSinceFirst).isGreaterThan(1);
    assertThat(baselines.all()).extracting(Baselines.Baseline::key)
        .contains("guard/metrics_guard_component_state{component=storage}");
  }
}
