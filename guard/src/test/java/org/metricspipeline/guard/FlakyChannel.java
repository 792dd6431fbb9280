package org.metricspipeline.guard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationResult;

/**
 * An ingestion channel that fails on command, shaped like an SQS client: a "connection" to a
 * shared queue (the server, holding what producers sent). While a connection is {@link #broken},
 * its polls and ingests fail, its health is unhealthy and settling its deliveries does not reach the
 * queue (a failed DeleteMessage); only a new connection helps. Closing a connection gives its
 * unsettled deliveries back to the queue at once (SQS makes them visible again); settling one of
 * them afterwards is lost ({@link Server#lateSettlements}), so the item is delivered again, as is one
 * whose ack was lost on a broken connection ({@link Server#lostAcks}).
 */
final class FlakyChannel implements IngestionAdapter {

  /** The queue service. */
  static final class Server implements AutoCloseable {
    final InMemoryIngestionAdapter queue = InMemoryIngestionAdapter.create();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger lateSettlements = new AtomicInteger();
    final AtomicInteger lostAcks = new AtomicInteger();
    final List<FlakyChannel> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

    FlakyChannel connect() {
      connections.incrementAndGet();
      FlakyChannel c = new FlakyChannel(this);
      opened.add(c);
      return c;
    }

    /** A producer elsewhere sends items to the queue. */
    void send(List<MetricsData> items) {
      MetricsBatchResult r = queue.batchIngest(items).join();
      if (!r.allSucceeded()) {
        throw new IllegalStateException("the queue refused items: " + r.failures());
      }
    }

    @Override
    public void close() {
      queue.close();
    }
  }

  final Server server;
  volatile boolean broken;
  volatile boolean closed;
  private final Set<ConnectionDelivery> unsettled = ConcurrentHashMap.newKeySet();

  private FlakyChannel(Server server) {
    this.server = server;
  }

  private <T> CompletableFuture<T> refused() {
    return CompletableFuture.failedFuture(new MetricsPipelineException("flaky channel: connection broken"));
  }

  @Override
  public String name() {
    return "flaky-channel";
  }

  @Override
  public CompletableFuture<Void> ingest(MetricsData data) {
    return broken || closed ? refused() : server.queue.ingest(data);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchIngest(List<MetricsData> batch) {
    return broken || closed ? refused() : server.queue.batchIngest(batch);
  }

  @Override
  public CompletableFuture<MetricsValidationResult> validate(MetricsData data) {
    return server.queue.validate(data);
  }

  @Override
  public CompletableFuture<List<Delivery>> poll(int maxDeliveries, Duration maxWait) {
    if (closed) {
      return CompletableFuture.completedFuture(List.of());
    }
    if (broken) {
      return refused();
    }
    return server.queue.poll(maxDeliveries, maxWait).thenApply(list -> {
      List<Delivery> out = new ArrayList<>(list.size());
      for (Delivery d : list) {
        ConnectionDelivery c = new ConnectionDelivery(d);
        unsettled.add(c);
        out.add(c);
      }
      if (closed) { // received as the connection closed: never handed out, visible again
        out.forEach(d -> ((ConnectionDelivery) d).release());
        return List.of();
      }
      return out;
    });
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (closed) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("connection closed"));
    }
    return CompletableFuture.completedFuture(broken ? HealthCheckResult.unhealthy("connection broken")
        : HealthCheckResult.healthy(Map.of("unsettled", unsettled.size())));
  }

  int unsettled() {
    return unsettled.size();
  }

  @Override
  public void close() {
    closed = true;
    for (ConnectionDelivery d : List.copyOf(unsettled)) {
      d.release();
    }
  }

  /** A delivery through this connection. */
  private final class ConnectionDelivery implements Delivery {
    private final Delivery message;
    private final AtomicBoolean done = new AtomicBoolean();

    ConnectionDelivery(Delivery message) {
      this.message = message;
    }

    @Override
    public MetricsData data() {
      return message.data();
    }

    /** Closing the connection: the message is visible in the queue again. */
    void release() {
      if (done.compareAndSet(false, true)) {
        unsettled.remove(this);
        message.nack("connection closed");
      }
    }

    private boolean settle() {
      if (closed) {
        server.lateSettlements.incrementAndGet(); // the queue never hears of it
        return false;
      }
      if (broken) {
        return false; // lost on the way: the message stays with this connection until it closes
      }
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      unsettled.remove(this);
      return true;
    }

    @Override
    public void ack() {
      if (broken && !closed) {
        server.lostAcks.incrementAndGet();
      }
      if (settle()) {
        message.ack();
      }
    }

    @Override
    public void nack(String reason) {
      if (settle()) {
        message.nack(reason);
      }
    }

    @Override
    public void reject(MetricsValidationResult reason) {
      if (settle()) {
        message.reject(reason);
      }
    }
  }
}
