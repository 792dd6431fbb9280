package org.metricspipeline.core;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.core.WindowedAggregator.WindowResult;
import org.metricspipeline.core.internal.StreamingConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming aggregation job (seed 002's {@code StreamingJob}): reads what a pipeline stores,
 * aggregates it in event-time windows with core's {@link WindowedAggregator}, and writes each batch
 * of window results to its {@link WindowOutput}s (a storage adapter, a table sink, a callback).
 *
 * <pre>{@code
 * StreamingJob job = StreamingJob.builder("events")
 *     .config(Map.of("aggregations", List.of(Map.of("name", "events_per_minute", "type", "count",
 *         "metric", "event", "window", Map.of("type", "tumbling", "duration", "1 minute"),
 *         "group_by", List.of("device_type"), "watermark", "10 seconds"))))
 *     .output(WindowOutput.table(sink, "events_per_minute", mapping))
 *     .build();
 * MetricsPipeline pipeline = MetricsPipeline.builder().storage(job.tee(storage)).build();
 * job.start();
 * }</pre>
 *
 * <h2>Input and delivery guarantee</h2>
 * {@link #tee} wraps the pipeline's storage: once a {@code batchStore} (or {@code store}) completed,
 * the items storage accepted are fed to the job ({@link #accept} feeds items directly). The wrapper
 * forwards every capability of the storage (rollups, retention, discovery, self-measurement). Window
 * state lives in memory: items are counted at most once per job run, and the windows open when the
 * process dies are lost (the job does not re-read storage on restart). Window results reach each
 * output at least once: a batch is retried until the output accepts it, keeping its batch id, so a
 * batch whose write outcome was unknown may be written twice (a table with a primary key over the
 * window and group, or a {@code foreachBatch} that checks the batch id, makes it exactly once).
 *
 * <h2>Batches, retries and overload</h2>
 * Every {@link Builder#triggerInterval} the results emitted since the last trigger become one batch
 * (ids 0, 1, 2, ...). Each output writes its batches in order, one at a time. A failed write is
 * retried after the {@link RetryPolicy}'s backoff, measured on the job's clock; after
 * {@code maxAttempts} failures in a row the output is reported failing (health DEGRADED) and keeps
 * retrying at the policy's longest backoff, so no result is lost while a sink is down for a while.
 * Results waiting for an output are bounded by {@link Builder#maxPendingResults}: beyond it new
 * results are refused and counted ({@link Status#overflowedResults()}), health turns UNHEALTHY.
 *
 * <h2>Lifecycle</h2>
 * {@link #start()} starts the trigger thread ({@code metrics-streaming-<name>-1}); {@link #stop}
 * stops accepting input, emits the open windows as final results when asked to
 * ({@code flushOpenWindows}; otherwise they are discarded and counted), then writes what is pending
 * until every output is empty or {@link Builder#stopTimeout} passes (results left are counted as
 * abandoned). {@link #awaitTermination} waits for that. {@link #close()} is {@code stop(true)} and
 * a wait. Thread-safe.
 */
public final class StreamingJob implements AutoCloseable, SelfMeasuring {

  private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);

  /** Default time between triggers (batches). */
  public static final Duration DEFAULT_TRIGGER_INTERVAL = Duration.ofSeconds(1);
  /** Default most results waiting for one output. */
  public static final int DEFAULT_MAX_PENDING_RESULTS = 100_000;
  /** Default longest time {@link #stop} writes what is pending. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

  /** The job's lifecycle. */
  public enum State {
    /** Built, not started. */
    CREATED,
    /** Triggering batches. */
    RUNNING,
    /** Writing what is pending before it stops. */
    STOPPING,
    /** Stopped; nothing more is written. */
    STOPPED
  }

  /**
   * One output's figures.
   *
   * @param name the output's name
   * @param batchesWritten batches the output accepted
   * @param resultsWritten results in them
   * @param errors failed writes (each retried)
   * @param consecutiveFailures failed writes since the last success
   * @param pendingResults results waiting for this output
   * @param lastError the last failure's message, if any
   */
  public record OutputStatus(String name, long batchesWritten, long resultsWritten, long errors,
      int consecutiveFailures, long pendingResults, Optional<String> lastError) {}

  /**
   * The job's figures.
   *
   * @param name the job's name
   * @param state its lifecycle state
   * @param itemsSeen items fed to the job
   * @param batches batches formed so far
   * @param overflowedResults results refused because an output had {@code maxPendingResults} waiting
   * @param discardedOpenWindows open (window, group) cells discarded by {@code stop(false)}
   * @param abandonedResults results still pending when the stop timeout passed
   * @param lateDropped events dropped because their windows were already emitted
   * @param outputs per output
   */
  public record Status(String name, State state, long itemsSeen, long batches, long overflowedResults,
      long discardedOpenWindows, long abandonedResults, long lateDropped, List<OutputStatus> outputs) {
    /** Copies. */
    public Status {
      outputs = List.copyOf(outputs);
    }
  }

  private final String name;
  private final Clock clock;
  private final RetryPolicy retryPolicy;
  private final Duration triggerInterval;
  private final Duration stopTimeout;
  private final int maxPendingResults;
  private final SinkMetrics metrics;
  private final List<WindowedAggregator> aggregators = new ArrayList<>();
  private final List<Delivery> deliveries = new ArrayList<>();
  private final Object lock = new Object();
  private final ScheduledExecutorService scheduler;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final AtomicLong itemsSeen = new AtomicLong();
  private List<WindowResult> pending = new ArrayList<>();
  private long nextBatchId;
  private long overflowed;
  private long discarded;
  private long abandoned;
  private volatile State state = State.CREATED;
  private Instant stopDeadline;

  private StreamingJob(Builder b) {
    this.name = b.name;
    this.clock = b.clock;
    this.retryPolicy = b.retryPolicy;
    this.triggerInterval = b.triggerInterval;
    this.stopTimeout = b.stopTimeout;
    this.maxPendingResults = b.maxPendingResults;
    this.metrics = b.metrics;
    for (WindowOutput o : b.outputs) {
      deliveries.add(new Delivery(o));
    }
    for (WindowedAggregator.Builder a : b.aggregations) {
      aggregators.add(a.output(this::emitted).build());
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metrics-streaming-" + name + "-1");
      t.setDaemon(true);
      return t;
    });
  }

  /** A builder for a job named {@code name} (letters, digits, {@code _ - .}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The job's name. */
  public String name() {
    return name;
  }

  // ---- input

  /** Feeds one item (ignored once the job is stopping). */
  public void accept(MetricsData item) {
    Objects.requireNonNull(item, "item");
    if (state == State.STOPPING || state == State.STOPPED) {
      return;
    }
    itemsSeen.incrementAndGet();
    for (WindowedAggregator a : aggregators) {
      a.accept(item);
    }
  }

  /**
   * {@code storage} with a tee: items it accepted are fed to this job after each {@code store} or
   * {@code batchStore} completes. Every interface the storage implements (rollups, retention,
   * discovery, self-measurement) is forwarded, so a wrapped store keeps its capabilities; its
   * {@code measurements()} add the job's.
   */
  public StorageAdapter tee(StorageAdapter storage) {
    Objects.requireNonNull(storage, "storage");
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    for (Class<?> c = storage.getClass(); c != null; c = c.getSuperclass()) {
      collectInterfaces(c, interfaces);
    }
    interfaces.add(StorageAdapter.class);
    interfaces.add(SelfMeasuring.class);
    InvocationHandler handler = (proxy, method, args) -> {
      String m = method.getName();
      if (m.equals("measurements") && method.getParameterCount() == 0) {
        List<Measurement> out = new ArrayList<>(storage instanceof SelfMeasuring s ? s.measurements() : List.of());
        out.addAll(measurements());
        return out;
      }
      if (m.equals("equals") && method.getParameterCount() == 1) {
        return proxy == args[0];
      }
      if (m.equals("hashCode") && method.getParameterCount() == 0) {
        return System.identityHashCode(proxy);
      }
      if (m.equals("toString") && method.getParameterCount() == 0) {
        return "StreamingJob.tee(" + storage + ")";
      }
      Object result;
      try {
        result = method.invoke(storage, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (m.equals("batchStore") && args != null && args.length == 1 && result instanceof CompletableFuture<?> f) {
        @SuppressWarnings("unchecked")
        List<MetricsData> batch = (List<MetricsData>) args[0];
        f.thenAccept(r -> feedAccepted(batch, (MetricsBatchResult) r));
      } else if (m.equals("store") && args != null && args.length == 1 && result instanceof CompletableFuture<?> f) {
        MetricsData item = (MetricsData) args[0];
        f.thenRun(() -> accept(item));
      }
      return result;
    };
    return (StorageAdapter) Proxy.newProxyInstance(StorageAdapter.class.getClassLoader(),
        interfaces.toArray(new Class<?>[0]), handler);
  }

  private static void collectInterfaces(Class<?> c, Set<Class<?>> out) {
    for (Class<?> i : c.getInterfaces()) {
      if (java.lang.reflect.Modifier.isPublic(i.getModifiers()) && out.add(i)) {
        collectInterfaces(i, out);
      }
    }
  }

  private void feedAccepted(List<MetricsData> batch, MetricsBatchResult result) {
    Set<Integer> failed = new java.util.HashSet<>();
    result.failures().forEach(f -> failed.add(f.index()));
    for (int i = 0; i < batch.size(); i++) {
      if (!failed.contains(i)) {
        accept(batch.get(i));
      }
    }
  }

  private void emitted(WindowResult r) {
    synchronized (lock) {
      long waiting = pending.size();
      for (Delivery d : deliveries) {
        if (d.queued + waiting >= maxPendingResults) {
          overflowed++;
          return;
        }
      }
      pending.add(r);
    }
  }

  // ---- lifecycle

  /** Starts triggering batches every trigger interval. */
  public StreamingJob start() {
    synchronized (lock) {
      if (state != State.CREATED) {
        throw new IllegalStateException("job " + name + " was already started (state " + state + ")");
      }
      state = State.RUNNING;
    }
    scheduler.scheduleWithFixedDelay(this::tick, triggerInterval.toMillis(), triggerInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  private void tick() {
    try {
      trigger();
    } catch (RuntimeException e) {
      LOG.warn("streaming job {}: trigger failed", name, e);
    }
  }

  /**
   * Runs one trigger now: the results emitted since the last one become a batch, and every output
   * whose retry time has come writes its next batch. The scheduler calls it every trigger interval;
   * tests call it after moving the clock.
   */
  public void trigger() {
    synchronized (lock) {
      if (!pending.isEmpty()) {
        List<WindowResult> batch = List.copyOf(pending);
        pending = new ArrayList<>();
        long id = nextBatchId++;
        for (Delivery d : deliveries) {
          d.queue.add(new Batch(id, batch));
          d.queued += batch.size();
        }
      }
    }
    for (Delivery d : deliveries) {
      d.writeNext();
    }
    checkStopped();
  }

  /**
   * Stops the job: no more input; with {@code flushOpenWindows} the open windows are emitted as
   * final results, otherwise they are discarded (counted). Then what is pending is written until the
   * outputs are empty or the stop timeout passes. Completes when stopped.
   */
  public CompletableFuture<Void> stop(boolean flushOpenWindows) {
    synchronized (lock) {
      if (state == State.STOPPING || state == State.STOPPED) {
        return stopped;
      }
      boolean wasRunning = state == State.RUNNING;
      state = State.STOPPING;
      stopDeadline = clock.instant().plus(stopTimeout);
      for (WindowedAggregator a : aggregators) {
        if (flushOpenWindows) {
          a.flush();
        } else {
          discarded += a.stats().openCells();
        }
      }
      if (!wasRunning) {
        scheduler.scheduleWithFixedDelay(this::tick, 0, triggerInterval.toMillis(), TimeUnit.MILLISECONDS);
        return stopped;
      }
    }
    try {
      scheduler.execute(this::tick);
    } catch (RejectedExecutionException e) {
      // a periodic tick ran first, found nothing pending and stopped the job (and its scheduler)
    }
    return stopped;
  }

  private void checkStopped() {
    synchronized (lock) {
      if (state != State.STOPPING) {
        return;
      }
      boolean empty = pending.isEmpty() && deliveries.stream().allMatch(d -> d.queue.isEmpty());
      boolean late = !clock.instant().isBefore(stopDeadline);
      if (!empty && !late) {
        return;
      }
      if (!empty) {
        long left = pending.size();
        for (Delivery d : deliveries) {
          left = Math.max(left, d.queued + pending.size());
        }
        abandoned += left;
        LOG.warn("streaming job {}: stop timeout passed with {} results not written", name, left);
      }
      state = State.STOPPED;
    }
    scheduler.shutdown();
    terminated.countDown();
    stopped.complete(null);
  }

  /** Waits until the job stopped; false when {@code timeout} passed first. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@code stop(true)}, then waits for it (up to the stop timeout and a minute). */
  @Override
  public void close() {
    stop(true);
    try {
      if (!awaitTermination(stopTimeout.plusMinutes(1))) {
        LOG.warn("streaming job {} did not stop in time", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
  }

  // ---- figures

  /** The job's figures now. */
  public Status status() {
    synchronized (lock) {
      List<OutputStatus> outs = new ArrayList<>();
      for (Delivery d : deliveries) {
        outs.add(new OutputStatus(d.output.name(), d.batches, d.results, d.errors, d.failures, d.queued + pending.size(),
            Optional.ofNullable(d.lastError)));
      }
      long late = aggregators.stream().mapToLong(a -> a.stats().lateDropped()).sum();
      return new Status(name, state, itemsSeen.get(), nextBatchId, overflowed, discarded, abandoned, late, outs);
    }
  }

  /**
   * HEALTHY while every output keeps up; DEGRADED while an output failed {@code maxAttempts} times
   * in a row (it keeps retrying); UNHEALTHY once results overflowed or were abandoned. Details: the
   * {@link Status} figures and, per output, its pending results and last error.
   */
  public CompletableFuture<HealthCheckResult> healthCheck() {
    Status s = status();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("job", name);
    details.put("state", s.state().name());
    details.put("batches", s.batches());
    details.put("overflowed_results", s.overflowedResults());
    details.put("abandoned_results", s.abandonedResults());
    HealthStatus status = s.overflowedResults() > 0 || s.abandonedResults() > 0 ? HealthStatus.UNHEALTHY : HealthStatus.HEALTHY;
    for (OutputStatus o : s.outputs()) {
      details.put("output." + o.name() + ".pending_results", o.pendingResults());
      o.lastError().ifPresent(e -> details.put("output." + o.name() + ".last_error", e));
      if (o.consecutiveFailures() >= retryPolicy.maxAttempts() && status == HealthStatus.HEALTHY) {
        status = HealthStatus.DEGRADED;
      }
    }
    return CompletableFuture.completedFuture(new HealthCheckResult(status, details));
  }

  /**
   * The job's figures and its outputs' sink figures: {@code metrics_streaming_items_total},
   * {@code _batches_total}, {@code _results_overflowed_total}, {@code _pending_results} per output,
   * and {@link SinkMetrics}' {@code metrics_sink_*} per output, labelled {@code job}.
   */
  @Override
  public List<Measurement> measurements() {
    Status s = status();
    Map<String, String> job = Map.of("job", name);
    List<Measurement> out = new ArrayList<>();
    out.add(new Measurement("metrics_streaming_items_total", Measurement.Kind.COUNTER, "Items fed to the job", job,
        s.itemsSeen()));
    out.add(new Measurement("metrics_streaming_batches_total", Measurement.Kind.COUNTER, "Batches of window results",
        job, s.batches()));
    out.add(new Measurement("metrics_streaming_results_overflowed_total", Measurement.Kind.COUNTER,
        "Window results refused because an output had too many waiting", job, s.overflowedResults()));
    for (OutputStatus o : s.outputs()) {
      out.add(new Measurement("metrics_streaming_pending_results", Measurement.Kind.GAUGE,
          "Window results waiting for an output", Map.of("job", name, "output", o.name()), o.pendingResults()));
    }
    out.addAll(metrics.measurements());
    return out;
  }

  /** The sink figures of this job's outputs. */
  public SinkMetrics sinkMetrics() {
    return metrics;
  }

  @Override
  public String toString() {
    return "StreamingJob{" + name + ", " + state + "}";
  }

  // ---- per output

  private record Batch(long id, List<WindowResult> results) {}

  /** One output's queue of batches, written in order, one at a time. */
  private final class Delivery {
    final WindowOutput output;
    final ArrayDeque<Batch> queue = new ArrayDeque<>();
    long queued;
    boolean writing;
    Instant retryAt = Instant.MIN;
    int failures;
    long batches;
    long results;
    long errors;
    String lastError;

    Delivery(WindowOutput output) {
      this.output = output;
    }

    void writeNext() {
      Batch batch;
      synchronized (lock) {
        if (writing || queue.isEmpty() || clock.instant().isBefore(retryAt)) {
          return;
        }
        writing = true;
        batch = queue.peek();
      }
      long t0 = System.nanoTime();
      CompletableFuture<Void> write;
      try {
        write = output.write(batch.results(), batch.id());
      } catch (RuntimeException e) {
        write = CompletableFuture.failedFuture(e);
      }
      write.whenComplete((ok, error) -> {
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        boolean more;
        synchronized (lock) {
          writing = false;
          if (error == null) {
            queue.poll();
            queued -= batch.results().size();
            batches++;
            results += batch.results().size();
            failures = 0;
            retryAt = Instant.MIN;
          } else {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            errors++;
            failures++;
            lastError = cause.toString();
            int retry = Math.min(failures, retryPolicy.maxAttempts());
            retryAt = clock.instant().plus(retryPolicy.backoff(retry));
            if (failures == retryPolicy.maxAttempts()) {
              LOG.warn("streaming job {}: output {} failed {} times in a row, still retrying: {}", name,
                  output.name(), failures, lastError);
            }
          }
          more = error == null && !queue.isEmpty();
        }
        metrics.sinkWrite(output.name(), output.table(), batch.results().size(), took, error == null);
        if (more) {
          writeNext();
        }
        checkStopped();
      });
    }
  }

  /** Builds a {@link StreamingJob}; {@link #build()} checks that it has aggregations and outputs. */
  public static final class Builder {
    private final String name;
    private final List<WindowedAggregator.Builder> aggregations = new ArrayList<>();
    private final List<WindowOutput> outputs = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Duration triggerInterval = DEFAULT_TRIGGER_INTERVAL;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private int maxPendingResults = DEFAULT_MAX_PENDING_RESULTS;
    private SinkMetrics metrics = new SinkMetrics();

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException("name must be 1 to 64 letters, digits, '_', '-' or '.', got '" + name + "'");
      }
      this.name = name;
    }

    /**
     * Adds an aggregation built in Java; its output is set by the job (any output set on it is
     * replaced).
     */
    public Builder aggregation(WindowedAggregator.Builder aggregation) {
      aggregations.add(Objects.requireNonNull(aggregation, "aggregation"));
      return this;
    }

    /**
     * Reads seed 002's config form: {@code aggregations} (a list; each with {@code name},
     * {@code type} count/count_distinct/sum/avg/min/max, {@code metric}, {@code field},
     * {@code metric_type} or {@code event_type}, {@code window} with {@code type} tumbling/sliding,
     * {@code duration} and {@code slide} such as {@code "1 minute"} or {@code "30 seconds"},
     * {@code group_by}, {@code watermark}, {@code max_open_windows}), and optionally
     * {@code trigger_interval}, {@code max_pending_results}, {@code stop_timeout}. Fails naming the
     * entry at fault.
     */
    public Builder config(Map<String, ?> config) {
      StreamingConfig parsed = StreamingConfig.parse(config);
      aggregations.addAll(parsed.aggregations());
      parsed.triggerInterval().ifPresent(this::triggerInterval);
      parsed.maxPendingResults().ifPresent(this::maxPendingResults);
      parsed.stopTimeout().ifPresent(this::stopTimeout);
      return this;
    }

    /** Adds an output; every output gets every batch. */
    public Builder output(WindowOutput output) {
      outputs.add(Objects.requireNonNull(output, "output"));
      return this;
    }

    /** The clock for retry times and the stop deadline [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Backoff between failed writes of an output [{@link RetryPolicy#defaults()}]. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** Time between batches, 10 ms to 1 h [1 s]. */
    public Builder triggerInterval(Duration interval) {
      Objects.requireNonNull(interval, "triggerInterval");
      if (interval.toMillis() < 10 || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("triggerInterval must be between 10ms and 1h, got " + interval);
      }
      this.triggerInterval = interval;
      return this;
    }

    /** Longest time {@code stop} writes what is pending, 0 to 1 h [30 s]. */
    public Builder stopTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "stopTimeout");
      if (timeout.isNegative() || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("stopTimeout must be between 0 and 1h, got " + timeout);
      }
      this.stopTimeout = timeout;
      return this;
    }

    /** Most results waiting for one output, 1 to 100,000,000 [{@value StreamingJob#DEFAULT_MAX_PENDING_RESULTS}]. */
    public Builder maxPendingResults(int max) {
      if (max < 1 || max > 100_000_000) {
        throw new IllegalArgumentException("maxPendingResults must be between 1 and 100000000, got " + max);
      }
      this.maxPendingResults = max;
      return this;
    }

    /** Where the outputs' write figures go [a new {@link SinkMetrics}], for sharing one across jobs. */
    public Builder sinkMetrics(SinkMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "sinkMetrics");
      return this;
    }

    /** The job, not started; fails without aggregations or outputs. */
    public StreamingJob build() {
      if (aggregations.isEmpty()) {
        throw new IllegalStateException("job " + name + " needs at least one aggregation: call aggregation(..) or config(..)");
      }
      if (outputs.isEmpty()) {
        throw new IllegalStateException("job " + name + " needs at least one output: call output(..)");
      }
      return new StreamingJob(this);
    }
  }

}
