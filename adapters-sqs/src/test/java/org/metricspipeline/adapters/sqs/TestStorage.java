package org.metricspipeline.adapters.sqs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;

/**
 * An {@link InMemoryStorageAdapter} that fails or slows down on command and remembers what it
 * stored, in order, keyed by each item's {@code id} context entry.
 */
final class TestStorage implements StorageAdapter {

  final InMemoryStorageAdapter delegate = InMemoryStorageAdapter.create();
  final List<MetricsData> stored = Collections.synchronizedList(new ArrayList<>());
  final Map<String, AtomicInteger> timesStored = new ConcurrentHashMap<>();
  final LongAdder failures = new LongAdder();
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile Duration delay = Duration.ZERO;

  /** The next {@code n} batchStore calls fail as if the store were down. */
  TestStorage failNext(int n) {
    failNext.set(n);
    return this;
  }

  /** Every batchStore call takes at least this long. */
  TestStorage delayEachStore(Duration delay) {
    this.delay = delay;
    return this;
  }

  static String id(MetricsData d) {
    return String.valueOf(d.context().get("id"));
  }

  int distinct() {
    return timesStored.size();
  }

  int duplicates() {
    synchronized (stored) {
      return stored.size() - timesStored.size();
    }
  }

  @Override
  public String name() {
    return "test-memory";
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    return batchStore(List.of(data)).thenApply(r -> null);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      failures.increment();
      return CompletableFuture.failedFuture(new StorageUnavailableException("test storage is down"));
    }
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis()); // simulates slow storage on the pipeline's writer thread
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return delegate.batchStore(batch).thenApply(result -> {
      for (int i = 0; i < batch.size(); i++) {
        int index = i;
        if (result.failures().stream().noneMatch(f -> f.index() == index)) {
          stored.add(batch.get(i));
          timesStored.computeIfAbsent(id(batch.get(i)), k -> new AtomicInteger()).incrementAndGet();
        }
      }
      return result;
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
