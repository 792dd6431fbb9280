package org.metricspipeline.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;

/** Pipelines over a channel and a storage that fails on command, and a wait for async outcomes. */
final class TestPipelines {

  private TestPipelines() {}

  static MetricsPipeline started(StorageAdapter storage, IngestionAdapter channel, int batchSize) {
    MetricsPipeline p = built(storage, channel, batchSize);
    p.startProcessing();
    return p;
  }

  /** Not started yet. */
  static MetricsPipeline built(StorageAdapter storage, IngestionAdapter channel, int batchSize) {
    return MetricsPipeline.builder().storage(storage).ingestion(channel).batchSize(batchSize)
        .processingInterval(Duration.ofMillis(5))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(2)).build())
        .build();
  }

  static void ingest(IngestionAdapter channel, int from, int count) {
    for (MetricsData item : items(from, count)) {
      channel.ingest(item).join();
    }
  }

  /** Items numbered {@code from} on, each with its number as the {@code item} tag. */
  static List<MetricsData> items(int from, int count) {
    List<MetricsData> items = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      items.add(MetricsData.builder().timestamp(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i))
          .metricType("test").source("test")
          .metric(Metric.of("value", i, Map.of("item", Integer.toString(i)))).build());
    }
    return items;
  }

  /** The distinct {@code item} tags of the test items in a store. */
  static Set<String> storedItems(StorageAdapter store) {
    Set<String> ids = new HashSet<>();
    for (MetricsData d : store.query(MetricsQuery.builder().metricType("test").limit(MetricsQuery.MAX_LIMIT).build())
        .join()) {
      d.metrics().forEach(m -> ids.add(m.tags().get("item")));
    }
    return ids;
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
