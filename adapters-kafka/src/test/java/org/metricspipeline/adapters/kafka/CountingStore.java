package org.metricspipeline.adapters.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;

/** The memory store, counting how often each item (by its {@code id} or {@code event_id} context entry) was stored. */
class CountingStore implements StorageAdapter {

  final InMemoryStorageAdapter delegate = InMemoryStorageAdapter.create();
  final Map<String, AtomicInteger> times = new ConcurrentHashMap<>();
  final Map<String, MetricsData> byId = new ConcurrentHashMap<>();
  final LongAdder stored = new LongAdder();
  volatile Duration delay = Duration.ZERO;

  static String id(MetricsData d) {
    Object id = d.context().get("id");
    return String.valueOf(id != null ? id : d.context().get("event_id"));
  }

  int distinct() {
    return times.size();
  }

  long duplicates() {
    return stored.sum() - times.size();
  }

  /** This store for one of several pipelines: closing the pipeline does not close the store. */
  StorageAdapter shared() {
    CountingStore self = this;
    return new StorageAdapter() {
      @Override
      public String name() {
        return self.name();
      }

      @Override
      public CompletableFuture<Void> store(MetricsData data) {
        return self.store(data);
      }

      @Override
      public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
        return self.batchStore(batch);
      }

      @Override
      public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
        return self.query(query);
      }

      @Override
      public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
        return self.aggregate(query);
      }

      @Override
      public CompletableFuture<HealthCheckResult> healthCheck() {
        return self.healthCheck();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public String name() {
    return "counting-memory";
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    return batchStore(List.of(data)).thenApply(r -> null);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis()); // slow storage on the pipeline's writer thread
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return delegate.batchStore(batch).thenApply(r -> {
      for (MetricsData d : batch) {
        String id = id(d);
        times.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        byId.put(id, d);
        stored.increment();
      }
      return r;
    });
  }

  @Override
  public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
    return delegate.query(query);
  }

  @Override
  public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
    return delegate.aggregate(query);
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    return delegate.healthCheck();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
