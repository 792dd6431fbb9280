package org.metricspipeline.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;

/**
 * An ingestion channel for tests: an in-process queue whose deliveries record how they were
 * settled. A nacked item is offered again when {@code redeliver} is set.
 */
final class FakeChannel implements IngestionAdapter, SelfMeasuring {

  final List<FakeDelivery> deliveries = new CopyOnWriteArrayList<>();
  final AtomicInteger largestPoll = new AtomicInteger();
  final AtomicBoolean closed = new AtomicBoolean();
  /** What {@link #measurements()} answers (or throws). */
  volatile java.util.function.Supplier<List<Measurement>> measured = List::of;
  /** What {@link Delivery#awaited()} answers. */
  volatile boolean awaited;
  /** What {@link Delivery#checkedBy()} answers. */
  volatile MetricsValidator checkedBy;
  /** What {@link #keepsUnsettledItems()} answers (read when the pipeline is built). */
  volatile boolean keeps = true;
  private final LinkedBlockingQueue<MetricsData> pending = new LinkedBlockingQueue<>();
  private final boolean redeliver;

  FakeChannel(boolean redeliver) {
    this.redeliver = redeliver;
  }

  /** How a delivery was settled. */
  enum Outcome { PENDING, ACKED, NACKED, REJECTED }

  final class FakeDelivery implements Delivery {
    private final MetricsData data;
    volatile Outcome outcome = Outcome.PENDING;
    volatile String nackReason;
    volatile MetricsValidationResult rejection;
    final AtomicInteger settlements = new AtomicInteger();

    FakeDelivery(MetricsData data) {
      this.data = data;
    }

    @Override
    public MetricsData data() {
      return data;
    }

    @Override
    public boolean awaited() {
      return awaited;
    }

    @Override
    public Optional<MetricsValidator> checkedBy() {
      return Optional.ofNullable(checkedBy);
    }

    @Override
    public void ack() {
      settle(Outcome.ACKED);
    }

    @Override
    public void nack(String reason) {
      nackReason = reason;
      if (settle(Outcome.NACKED) && redeliver) {
        pending.add(data);
      }
    }

    @Override
    public void reject(MetricsValidationResult reason) {
      rejection = reason;
      settle(Outcome.REJECTED);
    }

    private boolean settle(Outcome o) {
      settlements.incrementAndGet();
      synchronized (this) {
        if (outcome != Outcome.PENDING) {
          return false;
        }
        outcome = o;
        return true;
      }
    }
  }

  List<FakeDelivery> withOutcome(Outcome o) {
    List<FakeDelivery> out = new ArrayList<>();
    for (FakeDelivery d : deliveries) {
      if (d.outcome == o) {
        out.add(d);
      }
    }
    return out;
  }

  @Override
  public String name() {
    return "fake-channel";
  }

  @Override
  public boolean keepsUnsettledItems() {
    return keeps;
  }

  @Override
  public List<Measurement> measurements() {
    return measured.get();
  }

  @Override
  public CompletableFuture<Void> ingest(MetricsData data) {
    pending.add(data);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchIngest(List<MetricsData> batch) {
    pending.addAll(batch);
    return CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(batch.size()));
  }

  @Override
  public CompletableFuture<MetricsValidationResult> validate(MetricsData data) {
    return CompletableFuture.completedFuture(MetricsValidator.defaults().validate(data));
  }

  @Override
  public CompletableFuture<List<Delivery>> poll(int maxDeliveries, Duration maxWait) {
    largestPoll.accumulateAndGet(maxDeliveries, Math::max);
    List<Delivery> out = new ArrayList<>();
    try {
      MetricsData first = pending.poll(maxWait.toNanos(), TimeUnit.NANOSECONDS);
      if (first != null) {
        out.add(track(first));
        List<MetricsData> more = new ArrayList<>();
        pending.drainTo(more, maxDeliveries - 1);
        for (MetricsData d : more) {
          out.add(track(d));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return CompletableFuture.completedFuture(out);
  }

  private FakeDelivery track(MetricsData data) {
    FakeDelivery d = new FakeDelivery(data);
    deliveries.add(d);
    return d;
  }

  int backlog() {
    return pending.size();
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    return CompletableFuture.completedFuture(HealthCheckResult.healthy(Map.of("depth", pending.size())));
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
