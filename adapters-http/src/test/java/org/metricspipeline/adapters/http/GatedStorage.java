package org.metricspipeline.adapters.http;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;

/** A store whose writes wait for {@link #open()} (a slow or frozen store), counting health checks. */
final class GatedStorage implements StorageAdapter {

  final StorageAdapter delegate;
  final AtomicInteger healthChecks = new AtomicInteger();
  /** Items handed to a successful write: a duplicate counts twice even where the store merges it. */
  final AtomicInteger itemsWritten = new AtomicInteger();
  private volatile CompletableFuture<Void> gate = new CompletableFuture<>();

  GatedStorage(StorageAdapter delegate) {
    this.delegate = delegate;
  }

  /** Lets every waiting and later write through. */
  void open() {
    gate.complete(null);
  }

  @Override
  public String name() {
    return "gated-" + delegate.name();
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    return gate.thenCompose(x -> delegate.store(data)).thenRun(itemsWritten::incrementAndGet);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    return gate.thenCompose(x -> delegate.batchStore(batch)).thenApply(r -> {
      itemsWritten.addAndGet(r.successCount());
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
    healthChecks.incrementAndGet();
    return delegate.healthCheck();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
