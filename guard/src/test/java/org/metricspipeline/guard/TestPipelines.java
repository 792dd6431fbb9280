package org.metricspipeline.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;

/** Pipelines over a channel and a storage that fails on command, and a wait for async outcomes. */
final class TestPipelines {

  private TestPipelines() {}

  static MetricsPipeline started(StorageAdapter storage, InMemoryIngestionAdapter channel, int batchSize) {
    MetricsPipeline p = MetricsPipeline.builder().storage(storage).ingestion(channel).batchSize(batchSize)
        .processingInterval(Duration.ofMillis(5))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(2)).build())
        .build();
    p.startProcessing();
    return p;
  }

  static void ingest(InMemoryIngestionAdapter channel, int from, int count) {
    for (int i = from; i < from + count; i++) {
      channel.ingest(MetricsData.builder().timestamp(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i))
          .metricType("test").source("test")
          .metric(Metric.of("value", i, Map.of("item", Integer.toString(i)))).build()).join();
    }
  }

  /** Waits for an asynchronous outcome (the pipeline's own threads); fails after 20 s. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
