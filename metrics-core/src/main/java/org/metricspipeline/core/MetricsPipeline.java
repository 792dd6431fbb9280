package org.metricspipeline.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.metricspipeline.core.internal.RepeatedLog;
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
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.ValidationError;
import org.metricspipeline.core.internal.BatchTracker;
import org.metricspipeline.core.internal.ClockWaits;
import org.metricspipeline.core.internal.NamedThreads;
import org.metricspipeline.core.internal.PipelineEntry;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves metrics from producers and an ingestion channel into storage: validate, queue, batch,
 * store with retries, and tell every producer the outcome.
 *
 * <pre>{@code
 * try (MetricsPipeline pipeline = MetricsPipeline.builder()
 *     .storage(storage)
 *     .ingestion(channel)                       // optional
 *     .batchSize(100)
 *     .processingInterval(Duration.ofSeconds(1))
 *     .build()) {
 *   pipeline.startProcessing();
 *   pipeline.processMetrics(item).join();       // completes once the item is stored
 * }                                             // close(): flushes everything accepted
 * }</pre>
 *
 * <h2>Data path</h2>
 *
 * <ol>
 *   <li>An item arrives directly ({@link #processMetrics}, {@link #processBatch}) or is polled from
 *       the ingestion channel. It is validated by the {@link MetricsValidator}; an invalid item is
 *       refused ({@link MetricsValidationException}, a batch failure, or
 *       {@link Delivery#reject}) and never reaches storage. A delivery whose
 *       {@link Delivery#checkedBy()} is this pipeline's validator instance is not checked again.
 *   <li>A valid item enters a bounded queue. When the queue is full, a direct item is refused with
 *       {@link OverloadedException} (or waits, see {@link OverflowPolicy}). The channel is polled
 *       only for as many deliveries as the queue has room for, so its backlog stays in the channel.
 *   <li>Writer threads ({@code maxConcurrentStores} of them) take up to {@code batchSize} items and
 *       call {@link StorageAdapter#batchStore}. A partial batch is stored once its first item has
 *       waited {@code processingInterval}, or at once when it holds a delivery a producer waits for
 *       ({@link Delivery#awaited()}, such as an HTTP request acknowledged once stored).
 *   <li>When the store completes exceptionally, the batch is retried per the {@link RetryPolicy},
 *       after a backoff measured on the pipeline's {@link Builder#clock clock} (a zero backoff
 *       retries at once; the timer {@code metrics-pipeline-timer-1} checks the clock). An
 *       attempt not finished within {@code storeTimeout} is logged at WARN and waited for up to as
 *       long again before it counts as failed, so a retry never overlaps an attempt that answers. A {@link MetricsValidationException} from the store is
 *       not retried. Items the store rejects one by one ({@link MetricsBatchResult#failures()}) are
 *       permanent failures and are not retried either.
 *   <li>Outcomes: a stored item completes its future and a channel item is {@link Delivery#ack}ed.
 *       A permanently failed item goes to the {@link DeadLetterHandler}, and its future fails (or
 *       its delivery is {@link Delivery#reject}ed). When retries run out, a direct item goes to the
 *       dead-letter handler and its future fails with {@link StorageUnavailableException}, while a
 *       channel item is {@link Delivery#nack}ed so that the channel offers it again (at-least-once).
 * </ol>
 *
 * <h2>Stopping</h2>
 *
 * {@link #stop()} (and {@link #stopProcessing()}, {@link #close()}) refuses new items
 * ({@code "pipeline is stopped"}) and stores everything already accepted, retrying as usual, for up
 * to {@code drainTimeout} (30 s by default). A channel that keeps its items
 * ({@link IngestionAdapter#keepsUnsettledItems()}: SQS, Kafka, a disk buffer) is no longer polled; one
 * that does not (an in-memory buffer) is drained: polled until it answers empty. At the drain
 * deadline, pending retries end and what is still unstored is settled: handed back (nacked) to a
 * channel that keeps it, failed back to a waiting producer (dead-lettered), or, for items a channel
 * acknowledged as accepted and cannot keep, counted as lost: in the {@link StopResult}, the counter
 * {@code metrics_pipeline_items_lost_total} and an ERROR line with the count. Never silently. A stop
 * ends after at most about {@code drainTimeout + 2 * storeTimeout}.
 *
 * <h2>Threads</h2>
 *
 * A poller ({@code metrics-pipeline-poller-1}, only with an ingestion adapter), the writers
 * ({@code metrics-pipeline-writer-N}) and a timer ({@code metrics-pipeline-timer-1}) are started by {@link #startProcessing()} and end on stop.
 * Futures are completed on the writer threads: dependent stages attached without an executor run
 * there, so keep them short or use the {@code *Async} variants.
 */
public final class MetricsPipeline implements AutoCloseable, SelfMeasuring {

  /** Default items per {@code batchStore} call (seed 000). */
  public static final int DEFAULT_BATCH_SIZE = 100;
  /** Default longest wait of an accepted item before a partial batch is stored. */
  public static final Duration DEFAULT_PROCESSING_INTERVAL = Duration.ofSeconds(1);
  /** Default capacity of the queue of accepted items. */
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
  /** Default number of batches in flight to storage at once. */
  public static final int DEFAULT_MAX_CONCURRENT_STORES = 2;
  /** Default longest wait for one {@code batchStore} attempt before it counts as timed out. */
  public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(30);
  /** Default longest time a stop waits for storage before it settles what is still unstored. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  /** Largest batch size. */
  public static final int MAX_BATCH_SIZE = 100_000;
  /** Largest number of concurrent stores. */
  public static final int MAX_CONCURRENT_STORES_LIMIT = 64;

  private static final Logger LOG = LoggerFactory.getLogger(MetricsPipeline.class);
  private static final String COMPONENT = "pipeline";
  private static final long MAX_IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final Duration MAX_POLL_WAIT = Duration.ofMillis(250);
  private static final Duration POLL_GRACE = Duration.ofSeconds(30);
  private static final Duration POLL_FAILURE_PAUSE = Duration.ofSeconds(1);
  private static final Duration PAUSED_POLL_WAIT = Duration.ofMillis(50);
  /** How often pending retry backoffs compare the pipeline's clock with their due time. */
  static final Duration BACKOFF_TICK = Duration.ofMillis(5);
  private static final Duration HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(5);
  private static final double QUEUE_DEGRADED_SHARE = 0.9;
  private static final PipelineEntry[] NO_ENTRIES = new PipelineEntry[0];

  private enum State { NEW, RUNNING, STOPPING, STOPPED }

  private final StorageAdapter storage;
  private final IngestionAdapter ingestion; // null when there is none
  private volatile int batchSize;
  private volatile boolean ingestionPaused;
  private final Duration processingInterval;
  private final long intervalNanos;
  private final int queueCapacity;
  private final OverflowPolicy overflowPolicy;
  private final RetryPolicy retryPolicy;
  private final DeadLetterHandler deadLetterHandler;
  private final int maxConcurrentStores;
  private final Duration storeTimeout;
  private final Duration drainTimeout;
  private final boolean channelKeepsItems;
  private final MetricsValidator validator;
  private final Clock clock;
  private final ArrayBlockingQueue<PipelineEntry> queue;
  private final TimeSeriesEngine timeSeries; // null without rollups or retention

  private final LongAdder received = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder overflowed = new LongAdder();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong pointsStored = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong nacked = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final LongAdder storeTimeouts = new LongAdder();
  private final RepeatedLog failureLog = new RepeatedLog(LOG);
  private final LongAdder storeCalls = new LongAdder();
  private final LongAdder storeNanos = new LongAdder();
  private volatile long lastStoredAtMillis = Long.MIN_VALUE;
  private volatile long startedAtMillis = Long.MIN_VALUE;

  private final Object lifecycle = new Object();
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile State state = State.NEW;
  private volatile boolean pollerDone;
  private Thread poller;
  private Thread[] writers = new Thread[0];
  /** The first error that ended a writer thread (an OutOfMemoryError, say): the pipeline is then unhealthy. */
  private volatile Throwable writerDied;
  private ScheduledThreadPoolExecutor timer; // backoff waits and the drain deadline
  private ClockWaits clockWaits; // backoff waits measured on the injected clock
  private final Set<CompletableFuture<Void>> backoffs = ConcurrentHashMap.newKeySet();
  private volatile boolean drainDeadlinePassed;
  private long[] atStop; // stored, nacked, dead-lettered when the stop began
  private CompletableFuture<StopResult> stopFuture;
  private boolean closed;

  private MetricsPipeline(Builder b) {
    this.storage = b.storage;
    this.ingestion = b.ingestion;
    this.batchSize = b.batchSize;
    this.processingInterval = b.processingInterval;
    this.intervalNanos = b.processingInterval.toNanos();
    this.queueCapacity = b.queueCapacity;
    this.overflowPolicy = b.overflowPolicy;
    this.retryPolicy = b.retryPolicy;
    this.deadLetterHandler = b.deadLetterHandler;
    this.maxConcurrentStores = b.maxConcurrentStores;
    this.storeTimeout = b.storeTimeout;
    this.drainTimeout = b.drainTimeout;
    this.channelKeepsItems = b.ingestion == null || b.ingestion.keepsUnsettledItems();
    this.clock = b.clock;
    this.validator = b.validator != null ? b.validator : MetricsValidator.builder().clock(b.clock).build();
    this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
    this.timeSeries = b.timeSeries;
  }

  /** A builder; {@link Builder#storage(StorageAdapter)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the writer threads and, with an ingestion adapter, the poller. Calling it again while
   * running does nothing.
   *
   * @throws MetricsPipelineException when the pipeline was stopped (a stopped pipeline does not
   *     restart; build a new one)
   */
  public void startProcessing() {
    synchronized (lifecycle) {
      if (state == State.RUNNING) {
        return;
      }
      if (state != State.NEW) {
        throw new MetricsPipelineException("pipeline is stopped; a stopped pipeline does not restart");
      }
      writers = new Thread[maxConcurrentStores];
      for (int i = 0; i < writers.length; i++) {
        writers[i] = NamedThreads.create(COMPONENT, "writer", i + 1, this::guardedWriteLoop);
      }
      pollerDone = ingestion == null;
      if (ingestion != null) {
        poller = NamedThreads.create(COMPONENT, "poller", 1, this::pollLoop);
      }
      timer = new ScheduledThreadPoolExecutor(1, r -> NamedThreads.create(COMPONENT, "timer", 1, r));
      timer.setRemoveOnCancelPolicy(true);
      clockWaits = new ClockWaits(clock, timer, BACKOFF_TICK);
      startedAtMillis = clock.millis();
      state = State.RUNNING;
      if (timeSeries != null) {
        timeSeries.start();
      }
      for (Thread w : writers) {
        w.start();
      }
      if (poller != null) {
        poller.start();
      }
      LOG.debug("pipeline started: storage={}, ingestion={}, batchSize={}, processingInterval={}, "
          + "queueCapacity={}, writers={}", storage.name(),
          ingestion == null ? "none" : ingestion.name(), batchSize, processingInterval,
          queueCapacity, maxConcurrentStores);
    }
  }

  /**
   * Validates one item, queues it and completes once it is stored.
   *
   * <p>Completes exceptionally with {@link MetricsValidationException} (invalid; never stored),
   * {@link OverloadedException} (the queue was full), {@link StorageUnavailableException} (retries
   * ran out; the item was dead-lettered), another {@link MetricsPipelineException} when storage
   * rejected the item for good (dead-lettered) or when the pipeline is not running. Returns at once
   * unless the overflow policy is {@link OverflowPolicy#block blocking} and the queue is full.
   */
  public CompletableFuture<Void> processMetrics(MetricsData data) {
    Objects.requireNonNull(data, "data");
    State s = state;
    if (s != State.RUNNING) {
      return CompletableFuture.failedFuture(notRunning(s));
    }
    received.increment();
    MetricsValidationResult result = validator.validate(data);
    if (!result.valid()) {
      rejected.increment();
      return CompletableFuture.failedFuture(new MetricsValidationException(result));
    }
    CompletableFuture<Void> future = new CompletableFuture<>();
    long blockUntil = overflowPolicy.isBlocking() ? System.nanoTime() + overflowPolicy.timeout().toNanos() : 0;
    Refusal refusal = enqueue(new PipelineEntry(data, future, 0), blockUntil);
    if (refusal != null) {
      return CompletableFuture.failedFuture(refusal.exception);
    }
    return future;
  }

  /**
   * Validates and queues each item of a batch, and completes with the outcome of each once every
   * accepted item is stored or has failed for good.
   *
   * <p>Invalid, overflowed and dead-lettered items are failures with their index and reason (and
   * the validation errors, for invalid ones); the others count as successes. The future completes
   * exceptionally only when the pipeline is not running when the call is made; items refused
   * because the pipeline stopped during the call are failures.
   */
  public CompletableFuture<MetricsBatchResult> processBatch(List<MetricsData> batch) {
    Objects.requireNonNull(batch, "batch");
    State s = state;
    if (s != State.RUNNING) {
      return CompletableFuture.failedFuture(notRunning(s));
    }
    BatchTracker tracker = new BatchTracker(batch.size());
    long blockUntil = overflowPolicy.isBlocking() ? System.nanoTime() + overflowPolicy.timeout().toNanos() : 0;
    int index = 0;
    for (MetricsData data : batch) {
      int i = index++;
      if (state != State.RUNNING) {
        tracker.refused(MetricsBatchResult.Failure.of(i, "pipeline is stopped"));
        continue;
      }
      received.increment();
      if (data == null) {
        rejected.increment();
        tracker.refused(new MetricsBatchResult.Failure(i, "invalid: item is null",
            List.of(new ValidationError("", "must not be null"))));
        continue;
      }
      MetricsValidationResult result = validator.validate(data);
      if (!result.valid()) {
        rejected.increment();
        tracker.refused(MetricsBatchResult.Failure.invalid(i, result));
        continue;
      }
      tracker.expect();
      Refusal refusal = enqueue(new PipelineEntry(data, tracker, i), blockUntil);
      if (refusal != null) {
        tracker.refusedAfterExpect(MetricsBatchResult.Failure.of(i, refusal.reason));
      }
    }
    tracker.submitted();
    return tracker.future();
  }

  /**
   * Stops gracefully: stops polling the channel, refuses new items with a
   * {@link MetricsPipelineException} ({@code "pipeline is stopped"}), stores everything already
   * accepted, then completes. Calling it again returns the same outcome. The same as
   * {@link #stop()} without its report; see the class comment for what happens while storage is
   * down.
   */
  public CompletableFuture<Void> stopProcessing() {
    return stop().thenApply(r -> null);
  }

  /**
   * Stops gracefully and reports what became of the items held: see "Stopping" in the class comment
   * and {@link StopResult}. Calling it again returns the same outcome.
   */
  public CompletableFuture<StopResult> stop() {
    synchronized (lifecycle) {
      if (stopFuture == null) {
        stopFuture = new CompletableFuture<>();
        if (state == State.NEW) {
          state = State.STOPPED;
          pollerDone = true;
          stopFuture.complete(StopResult.NOTHING);
        } else {
          atStop = new long[] {stored.get(), nacked.get(), deadLettered.get()};
          state = State.STOPPING;
          stopSignal.countDown();
          timer.schedule(this::drainDeadline, drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
          NamedThreads.create(COMPONENT, "stopper", 1, this::finishStop).start();
        }
      }
      return stopFuture.copy();
    }
  }

  /** The drain timeout is over: end pending backoff waits so that writers settle their batches. */
  private void drainDeadline() {
    drainDeadlinePassed = true;
    for (CompletableFuture<Void> wait : backoffs) {
      wait.complete(null);
    }
  }

  /**
   * Stops polling the ingestion channel until {@link #resumeIngestion()}: new data waits in the
   * channel (backpressure) instead of reaching a store that is down. Items already accepted are
   * still stored, and direct producers ({@link #processMetrics}) are not affected. Does nothing
   * without an ingestion adapter. Used by the guard while storage recovers.
   */
  public void pauseIngestion() {
    if (!ingestionPaused) {
      ingestionPaused = true;
      LOG.info("ingestion paused: data waits in channel {}", ingestion == null ? "none" : ingestion.name());
    }
  }

  /** Polls the ingestion channel again after {@link #pauseIngestion()}. */
  public void resumeIngestion() {
    if (ingestionPaused) {
      ingestionPaused = false;
      LOG.info("ingestion resumed");
    }
  }

  /** Whether polling the channel is paused by {@link #pauseIngestion()}. */
  public boolean isIngestionPaused() {
    return ingestionPaused;
  }

  /** The current number of items per {@code batchStore} call. */
  public int batchSize() {
    return batchSize;
  }

  /**
   * Changes the items per {@code batchStore} call for batches formed from now on, for example to
   * shrink batches while a store times out: 1 to {@link #MAX_BATCH_SIZE}.
   */
  public void batchSize(int newBatchSize) {
    if (newBatchSize < 1 || newBatchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          "batchSize must be between 1 and " + MAX_BATCH_SIZE + ", got " + newBatchSize);
    }
    if (newBatchSize != batchSize) {
      LOG.info("batch size changed from {} to {}", batchSize, newBatchSize);
      batchSize = newBatchSize;
    }
  }

  /** The storage adapter items are stored in. */
  public StorageAdapter storage() {
    return storage;
  }

  /** The ingestion channel the pipeline polls, when it has one. */
  public Optional<IngestionAdapter> ingestion() {
    return Optional.ofNullable(ingestion);
  }

  /**
   * Reports the pipeline's health: its own (running, queue filling up), the storage's and the
   * ingestion channel's, whichever is worst, with the counters and the adapters' reports as details.
   *
   * <p>Own status: unhealthy once a writer thread ended with an error (an {@code OutOfMemoryError},
   * say; {@code reason} names it); else healthy while running with the queue under 90% full; degraded when the queue is
   * fuller, before start and while stopping; unhealthy once stopped. An adapter that does not
   * answer within 5 seconds counts as unhealthy.
   */
  public CompletableFuture<HealthCheckResult> healthCheck() {
    State s = state;
    int depth = queue.size();
    Map<String, Object> details = new LinkedHashMap<>();
    HealthStatus own;
    String reason = null;
    switch (s) {
      case RUNNING:
        Throwable died = writerDied;
        if (died != null) {
          own = HealthStatus.UNHEALTHY;
          reason = "a writer thread ended: " + died;
        } else if (depth >= queueCapacity * QUEUE_DEGRADED_SHARE) {
          own = HealthStatus.DEGRADED;
          reason = "queue is " + (100L * depth / queueCapacity) + "% full";
        } else {
          own = HealthStatus.HEALTHY;
        }
        break;
      case NEW:
        own = HealthStatus.DEGRADED;
        reason = "not started";
        break;
      case STOPPING:
        own = HealthStatus.DEGRADED;
        reason = "stopping";
        break;
      default:
        own = HealthStatus.UNHEALTHY;
        reason = "stopped";
    }
    details.put("state", s.name().toLowerCase(Locale.ROOT));
    if (reason != null) {
      details.put("reason", reason);
    }
    details.put("queue_capacity", queueCapacity);
    details.put("batch_size", batchSize);
    details.put("ingestion_paused", ingestionPaused);
    PipelineStats st = stats();
    details.put("queue_depth", st.queueDepth());
    details.put("in_flight", st.inFlight());
    details.put("received", st.received());
    details.put("accepted", st.accepted());
    details.put("rejected", st.rejected());
    details.put("overflowed", st.overflowed());
    details.put("stored", st.stored());
    details.put("points_stored", st.pointsStored());
    details.put("retries", st.retries());
    details.put("dead_lettered", st.deadLettered());
    details.put("nacked", st.nacked());
    if (startedAtMillis != Long.MIN_VALUE) {
      details.put("started_at", Instant.ofEpochMilli(startedAtMillis).toString());
    }
    if (lastStoredAtMillis != Long.MIN_VALUE) {
      details.put("last_stored_at", Instant.ofEpochMilli(lastStoredAtMillis).toString());
    }
    CompletableFuture<HealthCheckResult> storageHealth = adapterHealth(storage::healthCheck);
    CompletableFuture<HealthCheckResult> ingestionHealth = ingestion == null
        ? CompletableFuture.completedFuture(null) : adapterHealth(ingestion::healthCheck);
    if (timeSeries != null) {
      HealthCheckResult jobs = timeSeries.health();
      details.put("jobs", jobs.details());
      own = own.worst(jobs.status());
    }
    HealthStatus ownStatus = own;
    return storageHealth.thenCombine(ingestionHealth, (sh, ih) -> {
      HealthStatus status = ownStatus.worst(sh.status());
      details.put("storage", Map.of("name", storage.name(), "status", sh.status().wireName(),
          "details", sh.details()));
      if (ih != null) {
        status = status.worst(ih.status());
        details.put("ingestion", Map.of("name", ingestion.name(), "status", ih.status().wireName(),
            "details", ih.details()));
      }
      return new HealthCheckResult(status, details);
    });
  }

  /**
   * The rollup and retention jobs, when the pipeline was built with {@code rollups(..)} or
   * {@code retention(..)}; they start with {@link #startProcessing()} and stop with the pipeline.
   */
  public Optional<TimeSeriesEngine> timeSeries() {
    return Optional.ofNullable(timeSeries);
  }

  /** A snapshot of the counters; see {@link PipelineStats} for what each one counts. */
  public PipelineStats stats() {
    return new PipelineStats(received.sum(), accepted.sum(), rejected.sum(), overflowed.sum(),
        stored.get(), pointsStored.get(), retries.get(), deadLettered.get(), nacked.get(),
        queue.size(), inFlight.get(), lost.get());
  }

  /**
   * The pipeline's figures, then those of its ingestion and storage adapters that are
   * {@link SelfMeasuring}: counters {@code metrics_pipeline_items_received_total},
   * {@code _items_accepted_total}, {@code _items_rejected_total}, {@code _items_overflowed_total},
   * {@code _items_stored_total}, {@code _points_stored_total}, {@code _items_dead_lettered_total},
   * {@code _items_nacked_total}, {@code _items_lost_total}, {@code _store_retries_total},
   * {@code _store_timeouts_total}, {@code _store_duration_seconds_sum}
   * and {@code _count} (one per {@code batchStore} attempt); gauges {@code _queue_items},
   * {@code _queue_capacity_items}, {@code _in_flight_items}. See {@link PipelineStats} for what
   * each counter counts. An adapter whose {@code measurements()} throws is left out (logged).
   */
  @Override
  public List<Measurement> measurements() {
    PipelineStats st = stats();
    List<Measurement> out = new ArrayList<>(16);
    out.add(counter("items_received_total", "Items offered directly or polled from the ingestion channel", st.received()));
    out.add(counter("items_accepted_total", "Valid items that entered the queue", st.accepted()));
    out.add(counter("items_rejected_total", "Items that failed validation", st.rejected()));
    out.add(counter("items_overflowed_total", "Valid items refused because the queue was full", st.overflowed()));
    out.add(counter("items_stored_total", "Items the storage accepted", st.stored()));
    out.add(counter("points_stored_total", "Metrics (points) in the stored items", st.pointsStored()));
    out.add(counter("items_dead_lettered_total", "Items handed to the dead-letter handler", st.deadLettered()));
    out.add(counter("items_nacked_total", "Channel items given back after retries ran out", st.nacked()));
    out.add(counter("items_lost_total",
        "Items acknowledged as accepted that a stop could neither store nor hand back to a channel that keeps them",
        st.lost()));
    out.add(counter("store_retries_total", "batchStore attempts after the first", st.retries()));
    out.add(counter("store_timeouts_total", "batchStore attempts that did not finish within the store timeout",
        storeTimeouts.sum()));
    out.add(counter("store_duration_seconds_sum", "Total seconds spent in batchStore attempts",
        storeNanos.sum() / 1e9));
    out.add(counter("store_duration_seconds_count", "batchStore attempts timed in the _sum", storeCalls.sum()));
    out.add(Measurement.gauge("metrics_pipeline_queue_items", "Accepted items waiting in the queue", st.queueDepth()));
    out.add(Measurement.gauge("metrics_pipeline_queue_capacity_items", "The queue's capacity", queueCapacity));
    out.add(Measurement.gauge("metrics_pipeline_in_flight_items", "Items taken from the queue and not settled yet",
        st.inFlight()));
    if (ingestion != null) {
      appendMeasurements(out, ingestion, ingestion.capability(SelfMeasuring.class));
    }
    appendMeasurements(out, storage, storage.capability(SelfMeasuring.class));
    return out;
  }

  private static Measurement counter(String suffix, String help, double value) {
    return Measurement.counter("metrics_pipeline_" + suffix, help, value);
  }

  private static void appendMeasurements(List<Measurement> out, Object adapter, Optional<SelfMeasuring> measuring) {
    if (measuring.isPresent()) {
      try {
        out.addAll(measuring.get().measurements());
      } catch (RuntimeException e) {
        LOG.warn("measurements() of {} failed; left out", adapter, e);
      }
    }
  }

  /**
   * Stops gracefully ({@code stopProcessing().join()}), then closes the storage and the ingestion
   * adapter. Calling it again does nothing.
   *
   * @throws IllegalStateException when called on one of the pipeline's own threads (for example in
   *     a callback attached to a {@code processMetrics} future), where waiting for the stop would
   *     wait for itself; use {@link #stopProcessing()} there
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      Thread current = Thread.currentThread();
      if (current == poller || Arrays.asList(writers).contains(current)) {
        throw new IllegalStateException("close() cannot be called on the pipeline's own thread "
            + current.getName() + "; call stopProcessing() instead");
      }
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      stop().join();
    } finally {
      if (timeSeries != null) {
        timeSeries.close();
      }
      if (ingestion != null) {
        closeQuietly(ingestion, ingestion.name());
      }
      closeQuietly(storage, storage.name());
    }
  }

  // ---- accepting ----------------------------------------------------------------------------

  /** Why an item was not queued. */
  private record Refusal(String reason, MetricsPipelineException exception) {}

  /** Queues a validated item; null when accepted. */
  private Refusal enqueue(PipelineEntry entry, long blockUntilNanos) {
    // Counted before the offer: a writer may store the item before this thread runs again.
    accepted.increment();
    boolean offered;
    if (!overflowPolicy.isBlocking()) {
      offered = queue.offer(entry);
    } else {
      try {
        long wait = blockUntilNanos - System.nanoTime();
        offered = wait > 0 ? queue.offer(entry, wait, TimeUnit.NANOSECONDS) : queue.offer(entry);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        offered = false;
      }
    }
    if (!offered) {
      accepted.decrement();
      overflowed.increment();
      String reason = "overloaded: pipeline queue is full (capacity " + queueCapacity + ")"
          + (overflowPolicy.isBlocking() ? " after waiting up to " + overflowPolicy.timeout() : "");
      return new Refusal(reason, new OverloadedException(reason, processingInterval));
    }
    // The stop may have drained the queue for the last time between our state check and the offer.
    if (state == State.STOPPED && queue.remove(entry)) {
      accepted.decrement();
      received.decrement();
      return new Refusal("pipeline is stopped", notRunning(State.STOPPED));
    }
    return null;
  }

  private static MetricsPipelineException notRunning(State s) {
    return new MetricsPipelineException(s == State.NEW
        ? "pipeline is not started: call startProcessing() first" : "pipeline is stopped");
  }

  // ---- polling the channel --------------------------------------------------------------------

  private void pollLoop() {
    Duration pollWait = processingInterval.compareTo(MAX_POLL_WAIT) < 0 ? processingInterval : MAX_POLL_WAIT;
    long consecutiveFailures = 0;
    try {
      while (keepPolling()) {
        if (ingestionPaused && state == State.RUNNING) {
          awaitStop(PAUSED_POLL_WAIT);
          continue;
        }
        int room = queue.remainingCapacity();
        if (room == 0) {
          // Backpressure: leave the backlog in the channel until writers make room.
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          continue;
        }
        List<Delivery> deliveries;
        CompletableFuture<List<Delivery>> polled = null;
        try {
          polled = ingestion.poll(Math.min(room, batchSize), pollWait);
          deliveries = polled.get(pollWait.plus(POLL_GRACE).toNanos(), TimeUnit.NANOSECONDS);
          consecutiveFailures = 0;
        } catch (TimeoutException e) {
          LOG.warn("ingestion adapter {} did not answer a poll within {}; its deliveries will be nacked",
              ingestion.name(), pollWait.plus(POLL_GRACE));
          polled.thenAccept(late -> nackAll(late, "the pipeline stopped waiting for this poll"));
          continue;
        } catch (InterruptedException e) {
          continue; // owned thread: nobody else interrupts it, and stop uses the state instead
        } catch (ExecutionException | RuntimeException e) {
          Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
          consecutiveFailures++;
          if (state != State.RUNNING) {
            return; // draining a channel that fails: what it holds is counted by the stop
          }
          if (consecutiveFailures == 1 || consecutiveFailures % 100 == 0) {
            LOG.warn("polling ingestion adapter {} failed ({} time(s) in a row): {}",
                ingestion.name(), consecutiveFailures, cause.toString());
          }
          awaitStop(POLL_FAILURE_PAUSE);
          continue;
        }
        if (deliveries != null) {
          for (Delivery delivery : deliveries) {
            acceptDelivery(delivery);
          }
        }
        if (state != State.RUNNING && (deliveries == null || deliveries.isEmpty())
            && queue.isEmpty() && inFlight.get() == 0) {
          return; // drained: the channel answered empty and nothing can be nacked back any more
        }
      }
    } finally {
      pollerDone = true;
    }
  }

  /**
   * Polls while running; while stopping only a channel that does not keep items, until it is
   * drained or the drain timeout is over (what it still holds then is counted as lost).
   */
  private boolean keepPolling() {
    State s = state;
    return s == State.RUNNING || (s == State.STOPPING && !channelKeepsItems && !drainDeadlinePassed);
  }

  private void acceptDelivery(Delivery delivery) {
    received.increment();
    MetricsData data = delivery.data();
    if (data != null && delivery.checkedBy().orElse(null) == validator) {
      accepted.increment(); // the channel checked it with this very validator: not twice
      enqueue(new PipelineEntry(data, delivery, 0));
      return;
    }
    MetricsValidationResult result = data == null
        ? MetricsValidationResult.of(List.of(new ValidationError("", "must not be null")))
        : validator.validate(data);
    if (!result.valid()) {
      rejected.increment();
      try {
        delivery.reject(result);
      } catch (RuntimeException e) {
        LOG.warn("rejecting a delivery failed", e);
      }
      return;
    }
    accepted.increment();
    enqueue(new PipelineEntry(data, delivery, 0));
  }

  private void enqueue(PipelineEntry entry) {
    if (!queue.offer(entry)) {
      // Direct producers took the room meanwhile; the writers drain the queue, so wait for them.
      boolean interrupted = false;
      while (true) {
        try {
          queue.put(entry);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void nackAll(List<Delivery> deliveries, String reason) {
    if (deliveries == null) {
      return;
    }
    for (Delivery d : deliveries) {
      try {
        d.nack(reason);
      } catch (RuntimeException e) {
        LOG.warn("nacking a delivery failed", e);
      }
    }
  }

  private void awaitStop(Duration pause) {
    try {
      stopSignal.await(pause.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      // owned thread; the loop re-checks the state
    }
  }

  // ---- writing --------------------------------------------------------------------------------

  /** The write loop; an error that ends it is kept and logged, and makes the pipeline unhealthy. */
  private void guardedWriteLoop() {
    try {
      writeLoop();
    } catch (Throwable t) {
      if (writerDied == null) {
        writerDied = t;
      }
      LOG.error("{} ended: the pipeline stores with fewer writers and reports itself unhealthy",
          Thread.currentThread().getName(), t);
      throw t;
    }
  }

  private void writeLoop() {
    ArrayList<PipelineEntry> drained = new ArrayList<>(Math.min(batchSize, 1024));
    long idleWait = Math.min(intervalNanos, MAX_IDLE_WAIT_NANOS);
    while (true) {
      PipelineEntry first;
      try {
        first = queue.poll(idleWait, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        continue; // owned thread: stop uses the state, never interrupts
      }
      if (first == null) {
        if (state != State.RUNNING && pollerDone && queue.isEmpty()) {
          return;
        }
        continue;
      }
      int size = batchSize; // read once: the guard may change it between batches
      drained.add(first);
      queue.drainTo(drained, size - 1);
      if (drained.size() < size && !anyAwaited(drained)) {
        fillUntilDeadline(drained, size, System.nanoTime() + intervalNanos);
      }
      PipelineEntry[] batch = drained.toArray(NO_ENTRIES);
      drained.clear();
      inFlight.addAndGet(batch.length);
      storeBatch(batch);
    }
  }

  /** Whether a producer waits for one of these entries' outcome ({@link Delivery#awaited()}). */
  private static boolean anyAwaited(List<PipelineEntry> entries) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (entries.get(i).owner() instanceof Delivery d && d.awaited()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits for more items until the batch is full, the first item's wait is over, stop begins, or
   * an awaited delivery arrives (then the partial batch goes now: under load the queue refills
   * while it is stored, so batches still grow with the load).
   */
  private void fillUntilDeadline(ArrayList<PipelineEntry> drained, int size, long deadline) {
    while (drained.size() < size && state == State.RUNNING) {
      long wait = deadline - System.nanoTime();
      if (wait <= 0) {
        return;
      }
      PipelineEntry next;
      try {
        next = queue.poll(Math.min(wait, MAX_IDLE_WAIT_NANOS), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        continue;
      }
      if (next != null) {
        int from = drained.size();
        drained.add(next);
        queue.drainTo(drained, size - drained.size());
        if (anyAwaited(drained.subList(from, drained.size()))) {
          return;
        }
      }
    }
  }

  /**
   * Stores one batch with retries and settles every entry; never throws. An attempt that does not
   * finish within {@code storeTimeout} is logged at WARN and waited for up to one more
   * {@code storeTimeout} before the retry, so a late success counts and a retry does not overlap
   * it; backoff waits are scheduled on the pipeline's timer and end early at the drain deadline.
   */
  private void storeBatch(PipelineEntry[] batch) {
    if (drainDeadlinePassed) {
      settleExhausted(batch, 0, new StorageUnavailableException(
          "the pipeline stopped before storing it (drain timeout " + drainTimeout + ")"));
      return;
    }
    List<MetricsData> items = PipelineEntry.itemsOf(batch);
    for (int attempt = 1; ; attempt++) {
      MetricsBatchResult result = null;
      Throwable failure;
      long began = System.nanoTime();
      try {
        CompletableFuture<MetricsBatchResult> call = storage.batchStore(items);
        result = call == null ? null : awaitAttempt(call, batch.length, attempt);
        failure = result == null ? new StorageUnavailableException("batchStore completed with null") : null;
      } catch (ExecutionException e) {
        failure = e.getCause();
      } catch (TimeoutException e) {
        failure = new StorageUnavailableException(
            "storage " + storage.name() + " did not answer within " + storeTimeout + " (and as long again)");
      } catch (InterruptedException e) {
        failure = new StorageUnavailableException("interrupted while waiting for storage", e);
        attempt = retryPolicy.maxAttempts(); // owned thread: only a shutdown of the JVM interrupts it
      } catch (RuntimeException e) {
        failure = e; // thrown by batchStore itself instead of completing exceptionally
      }
      storeNanos.add(System.nanoTime() - began);
      storeCalls.increment();
      if (failure == null) {
        settleStored(batch, result);
        return;
      }
      while (failure instanceof CompletionException && failure.getCause() != null) {
        failure = failure.getCause();
      }
      if (failure instanceof MetricsValidationException invalid) {
        settleRejectedBatch(batch, invalid);
        return;
      }
      if (attempt >= retryPolicy.maxAttempts() || drainDeadlinePassed) {
        settleExhausted(batch, attempt, failure);
        return;
      }
      retries.incrementAndGet();
      Duration backoff = retryPolicy.backoff(attempt, ThreadLocalRandom.current().nextDouble());
      LOG.debug("storing a batch of {} items failed (attempt {} of {}), retrying in {}: {}",
          batch.length, attempt, retryPolicy.maxAttempts(), backoff, failure.toString());
      awaitBackoff(backoff);
    }
  }

  /** Waits for one attempt: {@code storeTimeout}, then (logged) as long again for a late outcome. */
  private MetricsBatchResult awaitAttempt(CompletableFuture<MetricsBatchResult> call, int items, int attempt)
      throws ExecutionException, TimeoutException, InterruptedException {
    try {
      return call.get(storeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      storeTimeouts.increment();
      failureLog.warn("timeout", "storing a batch of {} items into {} did not finish within the store "
          + "timeout of {} (attempt {} of {}); waiting up to {} more for it before a retry, so the "
          + "retry does not overlap it", items, storage.name(), storeTimeout, attempt,
          retryPolicy.maxAttempts(), storeTimeout);
      return call.get(storeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Waits for a retry's backoff, measured on the pipeline's clock (checked on the timer every
   * {@link #BACKOFF_TICK}); the drain deadline ends the wait early.
   */
  private void awaitBackoff(Duration backoff) {
    CompletableFuture<Void> wake = new CompletableFuture<>();
    backoffs.add(wake);
    try {
      if (drainDeadlinePassed) {
        return;
      }
      try {
        clockWaits.after(backoff).thenRun(() -> wake.complete(null));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return; // the timer is shut down: the stop is over the deadline
      }
      wake.join();
    } finally {
      backoffs.remove(wake);
    }
  }

  private void settleStored(PipelineEntry[] batch, MetricsBatchResult result) {
    int n = batch.length;
    boolean[] failed = null;
    MetricsBatchResult.Failure[] failures = null;
    if (!result.failures().isEmpty()) {
      failed = new boolean[n];
      failures = new MetricsBatchResult.Failure[n];
      for (MetricsBatchResult.Failure f : result.failures()) {
        if (f.index() < n) {
          failed[f.index()] = true;
          failures[f.index()] = f;
        } else {
          LOG.warn("storage {} reported a failure for index {} of a batch of {}; ignored",
              storage.name(), f.index(), n);
        }
      }
    }
    if (result.total() != n) {
      LOG.warn("storage {} reported on {} items of a batch of {}; items without a failure count as stored",
          storage.name(), result.total(), n);
    }
    long storedItems = 0;
    long points = 0;
    long permanent = 0;
    for (int i = 0; i < n; i++) {
      if (failed != null && failed[i]) {
        permanent++;
      } else {
        storedItems++;
        points += batch[i].data().metrics().size();
      }
    }
    // Counters first: whoever waits on an outcome sees counters that include it.
    stored.addAndGet(storedItems);
    pointsStored.addAndGet(points);
    deadLettered.addAndGet(permanent);
    lastStoredAtMillis = clock.millis();
    inFlight.addAndGet(-n);
    for (int i = 0; i < n; i++) {
      if (failed != null && failed[i]) {
        MetricsBatchResult.Failure f = failures[i];
        settlePermanent(batch[i], "storage rejected the item: " + f.reason(), f.errors(), null);
      } else {
        settleSuccess(batch[i]);
      }
    }
  }

  private void settleRejectedBatch(PipelineEntry[] batch, MetricsValidationException invalid) {
    deadLettered.addAndGet(batch.length);
    inFlight.addAndGet(-batch.length);
    for (PipelineEntry e : batch) {
      settlePermanent(e, "storage rejected the batch: " + invalid.getMessage(), invalid.errors(), invalid);
    }
  }

  private void settleExhausted(PipelineEntry[] batch, int attempts, Throwable cause) {
    String reason = attempts == 0 ? String.valueOf(cause.getMessage())
        : "storage failed " + attempts + " attempt(s): " + cause;
    failureLog.warn("exhausted", "giving up on a batch of {} items: {}", batch.length, reason);
    long channelItems = 0;
    for (PipelineEntry e : batch) {
      if (e.owner() instanceof Delivery) {
        channelItems++;
      }
    }
    nacked.addAndGet(channelItems);
    deadLettered.addAndGet(batch.length - channelItems);
    inFlight.addAndGet(-batch.length);
    for (PipelineEntry e : batch) {
      try {
        Object owner = e.owner();
        if (owner instanceof Delivery delivery) {
          delivery.nack(reason);
          continue;
        }
        deadLetter(e.data(), reason, cause);
        if (owner instanceof BatchTracker tracker) {
          tracker.failed(MetricsBatchResult.Failure.of(e.index(), "dead-lettered: " + reason));
        } else {
          future(owner).completeExceptionally(new StorageUnavailableException(reason, cause));
        }
      } catch (RuntimeException ex) {
        LOG.warn("settling an item failed", ex);
      }
    }
  }

  private void settleSuccess(PipelineEntry e) {
    try {
      Object owner = e.owner();
      if (owner instanceof CompletableFuture) {
        future(owner).complete(null);
      } else if (owner instanceof BatchTracker tracker) {
        tracker.stored();
      } else {
        ((Delivery) owner).ack();
      }
    } catch (RuntimeException ex) {
      LOG.warn("settling a stored item failed", ex);
    }
  }

  private void settlePermanent(PipelineEntry e, String reason, List<ValidationError> errors, Throwable cause) {
    try {
      deadLetter(e.data(), reason, cause);
      Object owner = e.owner();
      if (owner instanceof CompletableFuture) {
        future(owner).completeExceptionally(errors.isEmpty()
            ? new MetricsPipelineException(reason) : new MetricsValidationException(errors));
      } else if (owner instanceof BatchTracker tracker) {
        tracker.failed(new MetricsBatchResult.Failure(e.index(), reason, errors));
      } else {
        ((Delivery) owner).reject(MetricsValidationResult.of(errors.isEmpty()
            ? List.of(new ValidationError("", reason)) : errors));
      }
    } catch (RuntimeException ex) {
      LOG.warn("settling a rejected item failed", ex);
    }
  }

  private void deadLetter(MetricsData data, String reason, Throwable cause) {
    try {
      deadLetterHandler.deadLettered(data, reason, Optional.ofNullable(cause));
    } catch (RuntimeException e) {
      LOG.warn("dead-letter handler failed", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> future(Object owner) {
    return (CompletableFuture<Void>) owner;
  }

  // ---- stopping -------------------------------------------------------------------------------

  private void finishStop() {
    try {
      joinQuietly(poller);
      pollerDone = true;
      for (Thread w : writers) {
        joinQuietly(w);
      }
      state = State.STOPPED;
      if (timeSeries != null) {
        timeSeries.close();
      }
      // Producers that saw RUNNING just before the stop may have queued after the writers ended.
      List<PipelineEntry> rest = new ArrayList<>();
      queue.drainTo(rest);
      int size = batchSize;
      for (int from = 0; from < rest.size(); from += size) {
        PipelineEntry[] batch = rest.subList(from, Math.min(rest.size(), from + size)).toArray(NO_ENTRIES);
        inFlight.addAndGet(batch.length);
        storeBatch(batch);
      }
      timer.shutdownNow();
      StopResult result = settleStop();
      if (result.lost() > 0) {
        LOG.error("pipeline stopped with {} accepted items neither stored nor kept by channel {}: they "
            + "are lost (storage {} did not take them within the drain timeout of {}); {}", result.lost(),
            ingestion.name(), storage.name(), drainTimeout, result);
      } else if (!result.complete()) {
        LOG.warn("pipeline stopped with items not stored: {}", result);
      }
      LOG.debug("pipeline stopped: {}, {}", result, stats());
      stopFuture.complete(result);
    } catch (Throwable t) {
      stopFuture.completeExceptionally(new MetricsPipelineException("stopping the pipeline failed", t));
    }
  }

  /**
   * Counts what the stop did. A channel that does not keep items is swept: what it still holds
   * (never polled, or nacked back) ends with it, so it is counted lost, or failed when its producer
   * waits for the outcome. The swept deliveries are nacked, so the channel still holds them.
   */
  private StopResult settleStop() {
    long lostNow = 0;
    long failedNow = 0;
    if (!channelKeepsItems) {
      List<Delivery> swept = new ArrayList<>();
      while (true) {
        List<Delivery> more;
        try {
          more = ingestion.poll(Integer.MAX_VALUE, Duration.ZERO).get(POLL_GRACE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          LOG.warn("sweeping channel {} at stop failed; items it still holds are not counted: {}",
              ingestion.name(), e.toString());
          break;
        }
        if (more == null || more.isEmpty()) {
          break;
        }
        swept.addAll(more);
      }
      for (Delivery d : swept) {
        if (d.awaited()) {
          failedNow++;
        } else {
          lostNow++;
        }
      }
      nackAll(swept, "the pipeline stopped before storing it");
      lost.addAndGet(lostNow);
    }
    long storedNow = stored.get() - atStop[0];
    long nackedNow = nacked.get() - atStop[1];
    long deadLetteredNow = deadLettered.get() - atStop[2];
    return new StopResult(storedNow, channelKeepsItems ? nackedNow : 0, deadLetteredNow + failedNow, lostNow);
  }

  private static void joinQuietly(Thread t) {
    if (t == null) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private CompletableFuture<HealthCheckResult> adapterHealth(
      java.util.function.Supplier<CompletableFuture<HealthCheckResult>> check) {
    CompletableFuture<HealthCheckResult> f;
    try {
      f = check.get();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("health check failed: " + e));
    }
    if (f == null) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("health check returned null"));
    }
    return f.thenApply(r -> r == null ? HealthCheckResult.unhealthy("health check returned null") : r)
        .completeOnTimeout(HealthCheckResult.unhealthy("no answer within " + HEALTH_CHECK_TIMEOUT),
            HEALTH_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(t -> HealthCheckResult.unhealthy("health check failed: "
            + (t instanceof CompletionException && t.getCause() != null ? t.getCause() : t)));
  }

  private static void closeQuietly(AutoCloseable c, String name) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing adapter {} failed", name, e);
    }
  }

  @Override
  public String toString() {
    return "MetricsPipeline{state=" + state.name().toLowerCase(Locale.ROOT) + ", storage="
        + storage.name() + ", ingestion=" + (ingestion == null ? "none" : ingestion.name())
        + ", " + stats() + "}";
  }

  /**
   * Builds a {@link MetricsPipeline}. Every setter checks its argument and names the option and the
   * allowed range when it is out of range; {@link #build()} checks that a storage adapter was given.
   */
  public static final class Builder {
    private StorageAdapter storage;
    private IngestionAdapter ingestion;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration processingInterval = DEFAULT_PROCESSING_INTERVAL;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private OverflowPolicy overflowPolicy = OverflowPolicy.reject();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private DeadLetterHandler deadLetterHandler = DeadLetterHandler.logging();
    private int maxConcurrentStores = DEFAULT_MAX_CONCURRENT_STORES;
    private Duration storeTimeout = DEFAULT_STORE_TIMEOUT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private MetricsValidator validator;
    private Clock clock = Clock.systemUTC();
    private RollupSettings rollups;
    private RetentionPolicy retention;
    private TimeSeriesEngine timeSeries;

    private Builder() {}

    /**
     * Runs the rollup job with these settings while the pipeline runs (off by default); the storage
     * must keep rollups ({@code RollupStorage}), else {@link #build()} fails naming it.
     */
    public Builder rollups(RollupSettings rollups) {
      this.rollups = Objects.requireNonNull(rollups, "rollups");
      return this;
    }

    /**
     * Runs the retention job with this policy while the pipeline runs (off by default); the storage
     * must support retention ({@code RetentionStorage}), else {@link #build()} fails naming it.
     */
    public Builder retention(RetentionPolicy retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /** Where items are stored (required). {@link MetricsPipeline#close()} closes it. */
    public Builder storage(StorageAdapter storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** A channel the pipeline polls (optional). {@link MetricsPipeline#close()} closes it. */
    public Builder ingestion(IngestionAdapter ingestion) {
      this.ingestion = Objects.requireNonNull(ingestion, "ingestion");
      return this;
    }

    /** Items per {@code batchStore} call: 1 to {@link MetricsPipeline#MAX_BATCH_SIZE} [{@value MetricsPipeline#DEFAULT_BATCH_SIZE}]. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
        throw new IllegalArgumentException(
            "batchSize must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * The longest an accepted item waits before a partial batch is stored: 1 ms to 1 hour [1 s].
     */
    public Builder processingInterval(Duration processingInterval) {
      this.processingInterval = between("processingInterval", processingInterval);
      return this;
    }

    /** Capacity of the queue of accepted items: 1 to 100,000,000 [{@value MetricsPipeline#DEFAULT_QUEUE_CAPACITY}]. */
    public Builder queueCapacity(int queueCapacity) {
      if (queueCapacity < 1 || queueCapacity > 100_000_000) {
        throw new IllegalArgumentException(
            "queueCapacity must be between 1 and 100000000, got " + queueCapacity);
      }
      this.queueCapacity = queueCapacity;
      return this;
    }

    /** What happens to a direct item when the queue is full [{@link OverflowPolicy#reject()}]. */
    public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
      this.overflowPolicy = Objects.requireNonNull(overflowPolicy, "overflowPolicy");
      return this;
    }

    /** How failed stores are retried [{@link RetryPolicy#defaults()}]. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** Receives items that will never be stored [{@link DeadLetterHandler#logging()}]. */
    public Builder deadLetterHandler(DeadLetterHandler deadLetterHandler) {
      this.deadLetterHandler = Objects.requireNonNull(deadLetterHandler, "deadLetterHandler");
      return this;
    }

    /**
     * Batches in flight to storage at once, one writer thread each: 1 to
     * {@link MetricsPipeline#MAX_CONCURRENT_STORES_LIMIT} [{@value MetricsPipeline#DEFAULT_MAX_CONCURRENT_STORES}].
     */
    public Builder maxConcurrentStores(int maxConcurrentStores) {
      if (maxConcurrentStores < 1 || maxConcurrentStores > MAX_CONCURRENT_STORES_LIMIT) {
        throw new IllegalArgumentException("maxConcurrentStores must be between 1 and "
            + MAX_CONCURRENT_STORES_LIMIT + ", got " + maxConcurrentStores);
      }
      this.maxConcurrentStores = maxConcurrentStores;
      return this;
    }

    /**
     * The longest wait for one {@code batchStore} attempt: 1 ms to 1 hour [30 s]. An attempt still
     * running then is logged at WARN and waited for up to as long again (a late success counts), and
     * only then retried, so a retry does not overlap it. Keep it above the store's own timeouts (the
     * ClickHouse adapter's {@code connectTimeout + socketTimeout}, 25 s by default), so that the
     * store ends a hung attempt itself; a store that may still commit an attempt the pipeline gave up
     * on must recognise its retry (the ClickHouse adapter does, by insert id).
     */
    public Builder storeTimeout(Duration storeTimeout) {
      this.storeTimeout = between("storeTimeout", storeTimeout);
      return this;
    }

    /**
     * How long a stop waits for storage to take what the pipeline holds: 1 ms to 1 hour [30 s].
     * Retries go on meanwhile; at the deadline pending retries end, and what is still unstored is
     * handed back to a channel that keeps it, failed back to its producer, or counted as lost (see
     * {@link StopResult}). A stop ends after at most about {@code drainTimeout + 2 * storeTimeout}.
     */
    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = between("drainTimeout", drainTimeout);
      return this;
    }

    /** The validation rules [{@link MetricsValidator} defaults, on this builder's clock]. */
    public Builder validator(MetricsValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /**
     * The clock for timestamps in health details, for the default validator and for retry
     * backoffs (a test moves a mutable clock past a backoff instead of waiting for it) [system UTC].
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The pipeline, not yet started; fails when no storage adapter was given. An ingestion adapter
     * that is {@link PipelineAware} is told about it.
     */
    public MetricsPipeline build() {
      if (storage == null) {
        throw new IllegalStateException("storage is required: call storage(StorageAdapter)");
      }
      if (rollups != null || retention != null) {
        TimeSeriesEngine.Builder engine = TimeSeriesEngine.builder(storage).clock(clock);
        if (rollups != null) {
          engine.rollups(rollups);
        }
        if (retention != null) {
          engine.retention(retention);
        }
        timeSeries = engine.build();
      }
      MetricsPipeline pipeline = new MetricsPipeline(this);
      if (ingestion instanceof PipelineAware aware) {
        aware.pipelineBuilt(pipeline);
      }
      return pipeline;
    }

    private static Duration between(String option, Duration value) {
      Objects.requireNonNull(value, option);
      if (value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(option + " must be between 1ms and 1h, got " + value);
      }
      return value;
    }
  }
}
