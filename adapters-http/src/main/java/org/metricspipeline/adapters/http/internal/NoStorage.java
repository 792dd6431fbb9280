package org.metricspipeline.adapters.http.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.UnsupportedCapabilityException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;

/** Stands in when the server was built without a store: query endpoints answer 501. */
public final class NoStorage implements StorageAdapter {

  @Override
  public String name() {
    return "none";
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    return CompletableFuture.failedFuture(new UnsupportedCapabilityException("none", "storing"));
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    return CompletableFuture.failedFuture(new UnsupportedCapabilityException("none", "storing"));
  }

  @Override
  public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
    return CompletableFuture.failedFuture(new UnsupportedCapabilityException("none", "queries"));
  }

  @Override
  public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
    return CompletableFuture.failedFuture(new UnsupportedCapabilityException("none", "queries"));
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("no storage configured on the HTTP server"));
  }

  @Override
  public void close() {}
}
