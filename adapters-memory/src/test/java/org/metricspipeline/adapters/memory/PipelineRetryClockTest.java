package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;
import org.metricspipeline.testkit.MutableClock;

/** The pipeline's retry backoff runs on its injected clock: the test moves time instead of waiting. */
class PipelineRetryClockTest {

  /** The memory store, refusing its first batch as an unreachable store would. */
  private static final class FailingOnce implements StorageAdapter {
    final InMemoryStorageAdapter store = InMemoryStorageAdapter.create();
    final AtomicInteger calls = new AtomicInteger();

    @Override public String name() {
      return "failing-once";
    }

    @Override public CompletableFuture<Void> store(MetricsData data) {
      return store.store(data);
    }

    @Override public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
      return calls.incrementAndGet() == 1
          ? CompletableFuture.failedFuture(new StorageUnavailableException("down for the test"))
          : store.batchStore(batch);
    }

    @Override public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
      return store.query(query);
    }

    @Override public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
      return store.aggregate(query);
    }

    @Override public CompletableFuture<HealthCheckResult> healthCheck() {
      return store.healthCheck();
    }

    @Override public void close() {
      store.close();
    }
  }

  @Test
  void retriesOnlyOnceTheClockHasMovedPastTheBackoff() throws Exception {
    MutableClock clock = MutableClock.at("2026-12-01T00:00:00Z");
    FailingOnce storage = new FailingOnce();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).clock(clock)
        .processingInterval(Duration.ofMillis(5))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofSeconds(1)).jitter(0).build())
        .build()) {
      pipeline.startProcessing();
      CompletableFuture<Void> stored = pipeline.processMetrics(Items.item(clock.millis(), Items.m("cpu", 1)));
      while (pipeline.stats().retries() < 1) {
        Thread.sleep(1); // a test waiting for the first attempt to fail
      }
      Thread.sleep(200); // real time passes, the clock does not: no retry
      assertThat(storage.calls.get()).isEqualTo(1);
      assertThat(stored).isNotDone();

      clock.advance(Duration.ofMillis(999));
      Thread.sleep(200);
      assertThat(storage.calls.get()).isEqualTo(1);

      clock.advance(Duration.ofMillis(1));
      assertThat(stored).succeedsWithin(Duration.ofSeconds(10));
      assertThat(storage.calls.get()).isEqualTo(2);
      assertThat(pipeline.stats().stored()).isEqualTo(1);
    }
  }
}
