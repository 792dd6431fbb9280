package org.metricspipeline.adapters.memory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
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

  private final ReentrantLock lock = new ReentrantLock();
  // Everything below is guarded by lock.
  private final ArrayDeque<MetricsData> queue = new ArrayDeque<>();
  private final Set<MemoryDelivery> inFlight = new LinkedHashSet<>();
  private final ArrayDeque<PendingPoll> pendingPolls = new ArrayDeque<>();
  private final ArrayDeque<RejectedItem> rejected = new ArrayDeque<>();
  private boolean dispatchScheduled;
  private boolean closed;
  private long ingestedCount;
  private long deliveredCount;
  private long ackedCount;
  private long nackedCount;
  private long rejectedCount;
  private long refusedCount;

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
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A channel with every default. */
  public static InMemoryIngestionAdapter create() {
    return builder().build();
  }

  /** False: an in-process queue ends with its object, so a stopping pipeline drains it. */
  @Override
  public boolean keepsUnsettledItems() {
    return false;
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
    MetricsPipelineException refused;
    lock.lock();
    try {
      refused = offerLocked(data);
    } finally {
      lock.unlock();
    }
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
    lock.lock();
    try {
      for (int i = 0; i < batch.size(); i++) {
        MetricsValidationResult result = results.get(i);
        if (!result.valid()) {
          failures.add(MetricsBatchResult.Failure.invalid(i, result));
          continue;
        }
        MetricsPipelineException refused = offerLocked(batch.get(i));
        if (refused != null) {
          failures.add(MetricsBatchResult.Failure.of(i, refused.getMessage()));
        }
      }
    } finally {
      lock.unlock();
    }
    return CompletableFuture.completedFuture(MetricsBatchResult.of(batch.size(), failures));
  }

  /** Adds an item, or says why not. */
  private MetricsPipelineException offerLocked(MetricsData data) {
    if (closed) {
      return new MetricsPipelineException("memory ingestion channel is closed");
    }
    if (queue.size() + inFlight.size() >= capacity) {
      refusedCount++;
      return new OverloadedException("memory ingestion channel full: capacity=" + capacity, retryAfter);
    }
    queue.addLast(data);
    ingestedCount++;
    scheduleDispatchLocked();
    return null;
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
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.completedFuture(List.of());
      }
      if (!queue.isEmpty() && pendingPolls.isEmpty()) {
        return CompletableFuture.completedFuture(takeLocked(maxDeliveries));
      }
      if (maxWait.isZero()) {
        return CompletableFuture.completedFuture(List.of());
      }
      PendingPoll pending = new PendingPoll(maxDeliveries);
      pendingPolls.addLast(pending);
      long nanos = maxWait.compareTo(Duration.ofDays(365)) > 0 ? TimeUnit.DAYS.toNanos(365) : maxWait.toNanos();
      pending.timeout = scheduler.schedule(() -> expire(pending), nanos, TimeUnit.NANOSECONDS);
      scheduleDispatchLocked();
      return pending.future;
    } finally {
      lock.unlock();
    }
  }

  private List<Delivery> takeLocked(int max) {
    int n = Math.min(max, queue.size());
    List<Delivery> deliveries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      MemoryDelivery d = new MemoryDelivery(queue.pollFirst());
      inFlight.add(d);
      deliveries.add(d);
    }
    deliveredCount += n;
    return deliveries;
  }

  /** Makes sure the poll thread will hand queued items to waiting polls. */
  private void scheduleDispatchLocked() {
    if (!dispatchScheduled && !pendingPolls.isEmpty() && !queue.isEmpty() && !closed) {
      dispatchScheduled = true;
      scheduler.execute(this::dispatch);
    }
  }

  private void dispatch() {
    List<PendingPoll> served = new ArrayList<>();
    List<List<Delivery>> answers = new ArrayList<>();
    lock.lock();
    try {
      dispatchScheduled = false;
      while (!pendingPolls.isEmpty() && !queue.isEmpty()) {
        PendingPoll p = pendingPolls.pollFirst();
        served.add(p);
        answers.add(takeLocked(p.maxDeliveries));
      }
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < served.size(); i++) {
      PendingPoll p = served.get(i);
      p.timeout.cancel(false);
      p.future.complete(answers.get(i));
    }
  }

  private void expire(PendingPoll pending) {
    boolean removed;
    lock.lock();
    try {
      removed = pendingPolls.remove(pending);
    } finally {
      lock.unlock();
    }
    if (removed) {
      pending.future.complete(List.of());
    }
  }

  private void settle(MemoryDelivery d, Outcome outcome, MetricsValidationResult reason) {
    lock.lock();
    try {
      if (!inFlight.remove(d)) {
        return;
      }
      switch (outcome) {
        case ACK -> ackedCount++;
        case NACK -> {
          nackedCount++;
          queue.addFirst(d.data);
          scheduleDispatchLocked();
        }
        case REJECT -> {
          rejectedCount++;
          if (maxRejectedKept > 0) {
            if (rejected.size() == maxRejectedKept) {
              rejected.pollFirst();
            }
            rejected.addLast(new RejectedItem(d.data, reason));
          }
        }
        default -> throw new IllegalStateException("unknown outcome " + outcome);
      }
    } finally {
      lock.unlock();
    }
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
    boolean isClosed;
    int held;
    lock.lock();
    try {
      isClosed = closed;
      held = queue.size() + inFlight.size();
      details.put("depth", queue.size());
      details.put("in_flight", inFlight.size());
      details.put("capacity", capacity);
      details.put("waiting_polls", pendingPolls.size());
      details.put("ingested", ingestedCount);
      details.put("delivered", deliveredCount);
      details.put("acked", ackedCount);
      details.put("nacked", nackedCount);
      details.put("rejected", rejectedCount);
      details.put("refused_full", refusedCount);
    } finally {
      lock.unlock();
    }
    if (isClosed) {
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
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Deliveries handed out and not settled yet. */
  public int inFlight() {
    lock.lock();
    try {
      return inFlight.size();
    } finally {
      lock.unlock();
    }
  }

  /** The configured capacity. */
  public int capacity() {
    return capacity;
  }

  /** The latest rejected items, oldest first (at most {@link Builder#maxRejectedKept(int)}). */
  public List<RejectedItem> rejected() {
    lock.lock();
    try {
      return List.copyOf(rejected);
    } finally {
      lock.unlock();
    }
  }

  /** How many deliveries were rejected since the channel was built. */
  public long rejectedCount() {
    lock.lock();
    try {
      return rejectedCount;
    } finally {
      lock.unlock();
    }
  }

  /** Items the channel still holds: unsettled deliveries first, then the queue in order. */
  public List<MetricsData> undelivered() {
    lock.lock();
    try {
      List<MetricsData> items = new ArrayList<>(inFlight.size() + queue.size());
      for (MemoryDelivery d : inFlight) {
        items.add(d.data);
      }
      items.addAll(queue);
      return items;
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    List<PendingPoll> waiting;
    int unsettled;
    int queued;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      waiting = new ArrayList<>(pendingPolls);
      pendingPolls.clear();
      unsettled = inFlight.size();
      queued = queue.size();
    } finally {
      lock.unlock();
    }
    scheduler.shutdown();
    for (PendingPoll p : waiting) {
      p.future.complete(List.of());
    }
    if (unsettled + queued > 0) {
      LOG.warn("memory ingestion channel closed holding {} queued and {} unsettled items;"
          + " see undelivered()", queued, unsettled);
    }
  }

  @Override
  public String toString() {
    return "InMemoryIngestionAdapter{capacity=" + capacity + "}";
  }

  private enum Outcome { ACK, NACK, REJECT }

  private static final class PendingPoll {
    final int maxDeliveries;
    final CompletableFuture<List<Delivery>> future = new CompletableFuture<>();
    ScheduledFuture<?> timeout;

    PendingPoll(int maxDeliveries) {
      this.maxDeliveries = maxDeliveries;
    }
  }

  /** One delivery; the first settlement wins, later ones are ignored. */
  private final class MemoryDelivery implements Delivery {
    final MetricsData data;

    MemoryDelivery(MetricsData data) {
      this.data = data;
    }

    @Override
    public MetricsData data() {
      return data;
    }

    @Override
    public void ack() {
      settle(this, Outcome.ACK, null);
    }

    @Override
    public void nack(String reason) {
      settle(this, Outcome.NACK, null);
    }

    @Override
    public void reject(MetricsValidationResult reason) {
      Objects.requireNonNull(reason, "reason");
      settle(this, Outcome.REJECT, reason);
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
