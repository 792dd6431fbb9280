package org.metricspipeline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.RecordingStorage;

/** A full or slow pipeline never blocks a service's threads, and what it refuses is counted. */
class OverloadTest {

  private static double figure(List<Measurement> measurements, String name) {
    return measurements.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().value();
  }

  @Test
  void aFullPipelineRefusesItemsWithoutBlockingAndTheRefusalsAreCounted() {
    RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create()).holdStores();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).queueCapacity(1).batchSize(1).build()) {
      pipeline.startProcessing();
      PipelineMeterRegistry registry = PipelineMeterRegistry.builder(pipeline).clock(new MockClock())
          .metricsPerItem(1).start(false).build();
      for (int i = 0; i < 5; i++) {
        registry.counter("c" + i).increment();
      }
      CompletableFuture<MetricsBatchResult> first = registry.flush(); // returns although storage is stuck
      assertThat(first).isNotDone();
      CompletableFuture<MetricsBatchResult> second = registry.flush();
      assertThat(second).isCompleted(); // skipped at once: the first step is still in flight
      assertThat(second.join().failureCount()).isEqualTo(5);
      registry.counter("c0").increment(); // a service thread records as usual meanwhile
      assertThat(registry.counter("c0").count()).isEqualTo(2.0);

      storage.releaseStores();
      MetricsBatchResult result = first.orTimeout(10, TimeUnit.SECONDS).join();
      assertThat(result.failureCount()).isPositive();
      assertThat(result.failures().get(0).reason()).contains("full");
      List<Measurement> figures = registry.measurements();
      assertThat(figure(figures, "metrics_micrometer_publishes_skipped_total")).isEqualTo(1.0);
      assertThat(figure(figures, "metrics_micrometer_items_accepted_total")).isEqualTo(result.successCount());
      assertThat(figure(figures, "metrics_micrometer_items_refused_total")).isEqualTo(5 + result.failureCount());
      registry.close();
    }
  }

  @Test
  void aFailingSinkIsCountedNotThrown() {
    PipelineMeterRegistry registry = PipelineMeterRegistry.builder(batch -> {
      throw new IllegalStateException("down");
    }).clock(new MockClock()).start(false).build();
    registry.counter("c").increment();
    MetricsBatchResult result = registry.flush().join();
    assertThat(result.failureCount()).isEqualTo(1);
    assertThat(figure(registry.measurements(), "metrics_micrometer_publish_failures_total")).isEqualTo(1.0);
    registry.close();
  }

  @Test
  void publishingHappensOnTheRegistrysOwnThread() throws Exception {
    AtomicReference<String> thread = new AtomicReference<>();
    CountDownLatch published = new CountDownLatch(1);
    PipelineMeterRegistry registry = PipelineMeterRegistry.builder(batch -> {
      thread.compareAndSet(null, Thread.currentThread().getName());
      published.countDown();
      return CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(batch.size()));
    }).step(Duration.ofMillis(50)).build();
    try {
      registry.counter("c").increment();
      assertThat(published.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(thread.get()).isEqualTo("metrics-micrometer-publish-1");
    } finally {
      registry.close();
    }
  }

  @Test
  void closePublishesTheLastStep() {
    AtomicReference<List<MetricsData>> last = new AtomicReference<>();
    PipelineMeterRegistry registry = PipelineMeterRegistry.builder(batch -> {
      last.set(batch);
      return CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(batch.size()));
    }).clock(new MockClock()).start(false).build();
    registry.counter("c").increment(3);
    registry.close();
    assertThat(last.get()).singleElement().satisfies(i -> assertThat(i.metrics().get(0).value()).isEqualTo(3.0));
  }
}
