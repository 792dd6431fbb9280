package org.metricspipeline.guard;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
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
 * A storage that fails on command: a "connection" to a shared in-memory store (the server). While
 * {@link #down} is set (the server is down) or this connection is {@link #broken} (only a new
 * connection helps), every call fails with {@link StorageUnavailableException} and health checks
 * answer unhealthy. {@link #slow} makes batches of more than {@code slowAbove} items time out.
 */
final class FlakyStorage implements StorageAdapter, org.metricspipeline.api.telemetry.SelfMeasuring {

  /** The shared server state. */
  static final class Server {
    final InMemoryStorageAdapter store = InMemoryStorageAdapter.create();
    volatile boolean down;
    final AtomicInteger connections = new AtomicInteger();
    final List<FlakyStorage> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

    FlakyStorage connect() {
      connections.incrementAndGet();
      FlakyStorage s = new FlakyStorage(this);
      opened.add(s);
      return s;
    }

    long points() {
      return store.memoryStats().points();
    }
  }

  final Server server;
  volatile boolean broken;
  volatile boolean closed;
  volatile int slowAbove = Integer.MAX_VALUE;
  volatile boolean lastBatchTimedOut;
  /** Batches wait for this before they are stored (a slow store holding deliveries in flight). */
  volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

  private FlakyStorage(Server server) {
    this.server = server;
  }

  private boolean failing() {
    return server.down || broken || closed;
  }

  private <T> CompletableFuture<T> unavailable() {
    return CompletableFuture.failedFuture(new StorageUnavailableException("flaky storage is down"));
  }

  @Override
  public String name() {
    return "flaky";
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    return failing() ? unavailable() : server.store.store(data);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    if (failing()) {
      return unavailable();
    }
    if (batch.size() > slowAbove) {
      lastBatchTimedOut = true;
      return new CompletableFuture<MetricsBatchResult>().orTimeout(Duration.ofMillis(20).toMillis(),
          java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    lastBatchTimedOut = false;
    return gate.thenCompose(v -> server.store.batchStore(batch));
  }

  @Override
  public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
    return failing() ? unavailable() : server.store.query(query);
  }

  @Override
  public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
    return failing() ? unavailable() : server.store.aggregate(query);
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (lastBatchTimedOut) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("batches time out"));
    }
    return CompletableFuture.completedFuture(failing()
        ? HealthCheckResult.unhealthy(closed ? "connection closed" : "connection refused")
        : HealthCheckResult.healthy(java.util.Map.of("points", server.points())));
  }

  /** Reports its points, with a label value that needs escaping in Prometheus text. */
  @Override
  public List<org.metricspipeline.api.telemetry.Measurement> measurements() {
    return List.of(new org.metricspipeline.api.telemetry.Measurement("metrics_flaky_points",
        org.metricspipeline.api.telemetry.Measurement.Kind.GAUGE, "Points in the flaky store",
        java.util.Map.of("path", "C:\\data \"x\"\nnext"), server.points()));
  }

  @Override
  public void close() {
    closed = true;
  }
}
