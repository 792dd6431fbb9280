package org.metricspipeline.adapters.memory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.core.internal.channel.LongPollQueue;
import org.metricspipeline.core.internal.channel.SettleOnceDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, bounded ingestion channel: producers {@link #ingest} items, the pipeline
 * {@link #poll}s them as {@link Delivery deliveries} and settles each one.
 *
 * <pre>{@code
 * try (InMemoryIngestionAdapter channel = InMemoryIngestionAdapter.builder().capacity(50_000).build()) {
 *   channel.ingest(item).join();                       // producer
 *   for (Delivery d : channel.poll(500, Duration.ofMillis(200)).join()) {   // consumer
 *     d.ack();
 *   }
 * }
 * }</pre>
 *
 * <h2>Capacity</h2>
 * The channel holds at most {@link Builder#capacity(int)} items, counting both queued items and
 * deliveries handed out but not settled yet. An item that does not fit is refused with an
 * {@link OverloadedException} carrying {@link Builder#retryAfter(Duration)}; in
 * {@link #batchIngest} the items that fit are accepted and the rest reported per item. Invalid items
 * (by the configured {@link MetricsValidator}) are refused with {@link MetricsValidationException}.
 *
 * <h2>Settling deliveries</h2>
 * {@code ack} forgets the item. {@code nack} puts it back at the head of the queue, to be delivered
 * again before newer items. {@code reject} drops it and records it: see {@link #rejected()} (the
 * latest {@link Builder#maxRejectedKept(int)}) and {@link #rejectedCount()}.
 *
 * <h2>Threads</h2>
 * Every method returns at once. A poll that finds items completes on the caller's thread; one that
 * has to wait is completed later, with the first items to arrive or empty after {@code maxWait}, on
 * the adapter's own daemon thread {@code metrics-memory-ingestion-poll-N} (never on a producer's
 * thread). Callbacks attached to such a poll run on that thread and should not block.
 *
 * <h2>Closing</h2>
 * {@link #close()} refuses further input, completes waiting polls with an empty list and stops the
 * thread. Items still queued or delivered but unsettled stay available through
 * {@link #undelivered()}, and their number is logged, so a caller can hand them on.
 */
public final class InMemoryIngestionAdapter implements IngestionAdapter {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "memory";
  /** Default most items held. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** Default wait suggested to producers refused because the channel is full. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofMillis(100);
  /** Default number of rejected items kept for inspection. */
  public static final int DEFAULT_MAX_REJECTED_KEPT = 1_000;
  /** Share of capacity in use from which {@link #healthCheck()} reports degraded. */
  public static final double DEGRADED_UTILIZATION = 0.9;

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryIngestionAdapter.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final int capacity;
  private final Duration retryAfter;
  private final int maxRejectedKept;
  private final MetricsValidator validator;
  private final ScheduledThreadPoolExecutor scheduler;
  private final LongPollQueue<MemoryDelivery> queue;
  // Deliveries handed out and not settled, in the order they were handed out.
  private final Set<MemoryDelivery> inFlight = Collections.synchronizedSet(new LinkedHashSet<>());
  private final ArrayDeque<RejectedItem> rejected = new ArrayDeque<>(); // guarded by itself
  private final AtomicLong ingestedCount = new AtomicLong();
  private final AtomicLong deliveredCount = new AtomicLong();
  private final AtomicLong ackedCount = new AtomicLong();
  private final AtomicLong nackedCount = new AtomicLong();
  private final AtomicLong rejectedCount = new AtomicLong();
  private final AtomicLong refusedCount = new AtomicLong();

  private InMemoryIngestionAdapter(Builder b) {
    this.capacity = b.capacity;
    this.retryAfter = b.retryAfter;
    this.maxRejectedKept = b.maxRejectedKept;
    this.validator = b.validator;
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "metrics-memory-ingestion-poll-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.queue = new LongPollQueue<>(capacity, scheduler, taken -> {
      inFlight.addAll(taken);
      deliveredCount.addAndGet(taken.size());
    });
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A channel with every default. */
  public static InMemoryIngestionAdapter create() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletableFuture<Void> ingest(MetricsData data) {
    Objects.requireNonNull(data, "data");
    MetricsValidationResult result = validator.validate(data);
    if (!result.valid()) {
      return CompletableFuture.failedFuture(new MetricsValidationException(result));
    }
    MetricsPipelineException refused = offer(data);
    return refused == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(refused);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchIngest(List<MetricsData> batch) {
    Objects.requireNonNull(batch, "batch");
    List<MetricsBatchResult.Failure> failures = new ArrayList<>();
    List<MetricsValidationResult> results = new ArrayList<>(batch.size());
    for (MetricsData data : batch) {
      results.add(validator.validate(Objects.requireNonNull(data, "batch item")));
    }
    for (int i = 0; i < batch.size(); i++) {
      MetricsValidationResult result = results.get(i);
      if (!result.valid()) {
        failures.add(MetricsBatchResult.Failure.invalid(i, result));
        continue;
      }
      MetricsPipelineException refused = offer(batch.get(i));
      if (refused != null) {
        failures.add(MetricsBatchResult.Failure.of(i, refused.getMessage()));
      }
    }
    return CompletableFuture.completedFuture(MetricsBatchResult.of(batch.size(), failures));
  }

  /** Adds an item, or says why not. */
  private MetricsPipelineException offer(MetricsData data) {
    switch (queue.offer(new MemoryDelivery(data))) {
      case ACCEPTED -> {
        ingestedCount.incrementAndGet();
        return null;
      }
      case FULL -> {
        refusedCount.incrementAndGet();
        return new OverloadedException("memory ingestion channel full: capacity=" + capacity, retryAfter);
      }
      default -> {
        return new MetricsPipelineException("memory ingestion channel is closed");
      }
    }
  }

  @Override
  public CompletableFuture<MetricsValidationResult> validate(MetricsData data) {
    Objects.requireNonNull(data, "data");
    return CompletableFuture.completedFuture(validator.validate(data));
  }

  /**
   * Takes up to {@code maxDeliveries} items; see the class documentation for the thread a waiting
   * poll completes on. Waiting polls are served in the order they were made.
   *
   * @throws IllegalArgumentException if {@code maxDeliveries < 1} or {@code maxWait} is negative
   */
  @Override
  public CompletableFuture<List<Delivery>> poll(int maxDeliveries, Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxDeliveries < 1) {
      throw new IllegalArgumentException("maxDeliveries must be >= 1, got " + maxDeliveries);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must be >= 0, got " + maxWait);
    }
    return queue.poll(maxDeliveries, maxWait);
  }

  /**
   * Depth, capacity and in-flight deliveries. Healthy below {@link #DEGRADED_UTILIZATION} of
   * capacity, degraded above, unhealthy once closed. Details: {@code depth}, {@code in_flight},
   * {@code capacity}, {@code waiting_polls}, {@code ingested}, {@code delivered}, {@code acked},
   * {@code nacked}, {@code rejected}, {@code refused_full} (and {@code reason} when not healthy).
   */
  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    Map<String, Object> details = new LinkedHashMap<>();
    int depth = queue.queued();
    int unsettled = inFlight.size();
    int held = depth + unsettled;
    details.put("depth", depth);
    details.put("in_flight", unsettled);
    details.put("capacity", capacity);
    details.put("waiting_polls", queue.waitingPolls());
    details.put("ingested", ingestedCount.get());
    details.put("delivered", deliveredCount.get());
    details.put("acked", ackedCount.get());
    details.put("nacked", nackedCount.get());
    details.put("rejected", rejectedCount.get());
    details.put("refused_full", refusedCount.get());
    if (queue.isClosed()) {
      details.put("reason", "memory ingestion channel is closed");
      return CompletableFuture.completedFuture(
          new HealthCheckResult(HealthStatus.UNHEALTHY, details));
    }
    if (held >= capacity * DEGRADED_UTILIZATION) {
      details.put("reason", "channel " + (held >= capacity ? "full" : "nearly full") + ": "
          + held + " of " + capacity + " items held");
      return CompletableFuture.completedFuture(HealthCheckResult.degraded(details));
    }
    return CompletableFuture.completedFuture(HealthCheckResult.healthy(details));
  }

  /** Items queued, waiting to be polled. */
  public int depth() {
    return queue.queued();
  }

  /** Deliveries handed out and not settled yet. */
  public int inFlight() {
    return inFlight.size();
  }

  /** The configured capacity. */
  public int capacity() {
    return capacity;
  }

  /** The latest rejected items, oldest first (at most {@link Builder#maxRejectedKept(int)}). */
  public List<RejectedItem> rejected() {
    synchronized (rejected) {
      return List.copyOf(rejected);
    }
  }

  /** How many deliveries were rejected since the channel was built. */
  public long rejectedCount() {
    return rejectedCount.get();
  }

  /** Items the channel still holds: unsettled deliveries first, then the queue in order. */
  public List<MetricsData> undelivered() {
    List<MetricsData> items = new ArrayList<>();
    synchronized (inFlight) {
      for (MemoryDelivery d : inFlight) {
        items.add(d.data);
      }
    }
    for (MemoryDelivery d : queue.snapshot()) {
      items.add(d.data);
    }
    return items;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return queue.isClosed();
  }

  @Override
  public void close() {
    if (queue.isClosed()) {
      return;
    }
    queue.close();
    scheduler.shutdown();
    int unsettled = inFlight.size();
    int queued = queue.queued();
    if (unsettled + queued > 0) {
      LOG.warn("memory ingestion channel closed holding {} queued and {} unsettled items;"
          + " see undelivered()", queued, unsettled);
    }
  }

  @Override
  public String toString() {
    return "InMemoryIngestionAdapter{capacity=" + capacity + "}";
  }

  /** One delivery; the first settlement wins, later ones are ignored. */
  private final class MemoryDelivery extends SettleOnceDelivery {
    final MetricsData data;

    MemoryDelivery(MetricsData data) {
      this.data = data;
    }

    @Override
    public MetricsData data() {
      return data;
    }

    @Override
    protected void onAck() {
      inFlight.remove(this);
      queue.release();
      ackedCount.incrementAndGet();
    }

    @Override
    protected void onNack(String reason) {
      inFlight.remove(this);
      nackedCount.incrementAndGet();
      queue.requeue(new MemoryDelivery(data));
    }

    @Override
    protected void onReject(MetricsValidationResult reason) {
      inFlight.remove(this);
      queue.release();
      rejectedCount.incrementAndGet();
      if (maxRejectedKept > 0) {
        synchronized (rejected) {
          if (rejected.size() == maxRejectedKept) {
            rejected.pollFirst();
          }
          rejected.addLast(new RejectedItem(data, reason));
        }
      }
    }
  }

  /** Builds an {@link InMemoryIngestionAdapter}; setters reject values out of range, naming them. */
  public static final class Builder {
    private int capacity = DEFAULT_CAPACITY;
    private Duration retryAfter = DEFAULT_RETRY_AFTER;
    private int maxRejectedKept = DEFAULT_MAX_REJECTED_KEPT;
    private MetricsValidator validator = MetricsValidator.defaults();

    private Builder() {}

    /** The most items held (queued plus in flight), at least 1 (default {@value InMemoryIngestionAdapter#DEFAULT_CAPACITY}). */
    public Builder capacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /** The wait suggested to producers refused because the channel is full, zero or more (default 100 ms). */
    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must be >= 0, got " + retryAfter);
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** How many rejected items to keep for {@link InMemoryIngestionAdapter#rejected()}, zero or more (default {@value InMemoryIngestionAdapter#DEFAULT_MAX_REJECTED_KEPT}). */
    public Builder maxRejectedKept(int maxRejectedKept) {
      if (maxRejectedKept < 0) {
        throw new IllegalArgumentException("maxRejectedKept must be >= 0, got " + maxRejectedKept);
      }
      this.maxRejectedKept = maxRejectedKept;
      return this;
    }

    /** The rules items must pass to be accepted (default {@link MetricsValidator#defaults()}). */
    public Builder validator(MetricsValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /** The channel; starts its poll thread. */
    public InMemoryIngestionAdapter build() {
      return new InMemoryIngestionAdapter(this);
    }
  }
}
