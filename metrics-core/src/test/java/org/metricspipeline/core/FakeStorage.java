package org.metricspipeline.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;

/**
 * A storage for tests: keeps what it stores in a list, and fails on command (the next N calls, every
 * call, or per item), or holds calls until released.
 */
final class FakeStorage implements StorageAdapter {

  final List<MetricsData> stored = new CopyOnWriteArrayList<>();
  final List<String> threadNames = new CopyOnWriteArrayList<>();
  final AtomicInteger calls = new AtomicInteger();
  final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile boolean failAlways;
  private volatile boolean neverAnswer;
  private volatile Predicate<MetricsData> rejectItem = d -> false;
  private volatile CountDownLatch gate; // when set, calls wait for it
  private final CountDownLatch entered = new CountDownLatch(1);
  private volatile HealthCheckResult health = HealthCheckResult.healthy(Map.of("points", 0));

  /** The next {@code n} calls complete exceptionally. */
  FakeStorage failNext(int n) {
    failuresLeft.set(n);
    return this;
  }

  /** Every call completes exceptionally (until {@code recover()}). */
  FakeStorage failAlways() {
    failAlways = true;
    return this;
  }

  FakeStorage recover() {
    failAlways = false;
    return this;
  }

  /** Calls return a future that never completes. */
  FakeStorage neverAnswer() {
    neverAnswer = true;
    return this;
  }

  /** Items matching are reported as per-item failures. */
  FakeStorage rejectItemsWhere(Predicate<MetricsData> predicate) {
    rejectItem = predicate;
    return this;
  }

  /** Calls block (on the calling writer thread) until {@link #release()}. */
  FakeStorage hold() {
    gate = new CountDownLatch(1);
    return this;
  }

  void release() {
    CountDownLatch g = gate;
    gate = null;
    if (g != null) {
      g.countDown();
    }
  }

  /** Waits until the first call has begun. */
  void awaitFirstCall() throws InterruptedException {
    if (!entered.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new AssertionError("storage was never called");
    }
  }

  FakeStorage health(HealthCheckResult result) {
    health = result;
    return this;
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    return batchStore(List.of(data)).thenApply(r -> null);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    calls.incrementAndGet();
    batchSizes.add(batch.size());
    threadNames.add(Thread.currentThread().getName());
    entered.countDown();
    CountDownLatch g = gate;
    if (g != null) {
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (neverAnswer) {
      return new CompletableFuture<>();
    }
    if (failAlways || failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      return CompletableFuture.failedFuture(new StorageUnavailableException("storage is down"));
    }
    List<MetricsBatchResult.Failure> failures = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      MetricsData d = batch.get(i);
      if (rejectItem.test(d)) {
        failures.add(MetricsBatchResult.Failure.of(i, "rejected by the fake"));
      } else {
        stored.add(d);
      }
    }
    return CompletableFuture.completedFuture(MetricsBatchResult.of(batch.size(), failures));
  }

  @Override
  public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
    return CompletableFuture.completedFuture(List.copyOf(stored));
  }

  @Override
  public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
    return CompletableFuture.completedFuture(new AggregationResult(query, List.of(), List.of("raw")));
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    return CompletableFuture.completedFuture(health);
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
