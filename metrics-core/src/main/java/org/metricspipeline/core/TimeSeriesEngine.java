package org.metricspipeline.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.RetentionStorage;
import org.metricspipeline.api.timeseries.RollupStorage;
import org.metricspipeline.api.timeseries.StorageCapabilities;
import org.metricspipeline.core.internal.NamedThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the rollup and retention jobs against a store, on one owned scheduled thread
 * ({@code metrics-timeseries-jobs-1}), so the two never run at once.
 *
 * <p>A {@link MetricsPipeline} built with {@code rollups(..)} or {@code retention(..)} owns one, starts
 * it with the pipeline and reports its {@link #health()} under the {@code jobs} detail. It can also
 * run on its own:
 *
 * <pre>{@code
 * try (TimeSeriesEngine engine = TimeSeriesEngine.builder(storage)
 *     .rollups(RollupSettings.defaults()).retention(RetentionPolicy.defaults()).build()) {
 *   engine.start();            // rollups every 60 s, retention every 24 h
 *   engine.runRollupsNow();    // or drive the jobs directly (tests, CLI)
 * }
 * }</pre>
 *
 * <p>Time comes from the injected clock; the scheduling interval is real time.
 */
public final class TimeSeriesEngine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TimeSeriesEngine.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final StorageAdapter storage;
  private final RollupSettings rollupSettings;
  private final RetentionPolicy retentionPolicy;
  private final Clock clock;
  private final Object runLock = new Object();
  private final Job rollupJob = new Job("rollup");
  private final Job retentionJob = new Job("retention");
  private ScheduledThreadPoolExecutor executor;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private boolean closed;

  private TimeSeriesEngine(Builder b) {
    this.storage = b.storage;
    this.rollupSettings = b.rollups;
    this.retentionPolicy = b.retention;
    this.clock = b.clock;
    if (rollupSettings != null) {
      StorageCapabilities.rollups(storage);
    }
    if (retentionPolicy != null) {
      StorageCapabilities.retention(storage);
    }
  }

  /**
   * A builder for jobs against {@code storage}. Enabling a job the store cannot do fails in
   * {@link Builder#build()} with an {@code UnsupportedCapabilityException}.
   */
  public static Builder builder(StorageAdapter storage) {
    return new Builder(storage);
  }

  /** The rollup settings, when rollups are enabled. */
  public Optional<RollupSettings> rollupSettings() {
    return Optional.ofNullable(rollupSettings);
  }

  /** The retention policy, when retention is enabled. */
  public Optional<RetentionPolicy> retentionPolicy() {
    return Optional.ofNullable(retentionPolicy);
  }

  /** Schedules the enabled jobs, each first after one interval. Calling it again does nothing. */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("time-series engine is closed");
    }
    if (executor != null) {
      return;
    }
    AtomicInteger n = new AtomicInteger();
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = NamedThreads.create("timeseries", "jobs", n.incrementAndGet(), r);
      threads.add(t);
      return t;
    });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    if (rollupSettings != null) {
      long ms = rollupSettings.interval().toMillis();
      executor.scheduleWithFixedDelay(this::runRollupsQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
    if (retentionPolicy != null) {
      long ms = retentionPolicy.interval().toMillis();
      executor.scheduleWithFixedDelay(this::runRetentionQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Runs the rollup job now on the caller's thread and returns its status: per configured
   * resolution, rolls up {@code [watermark - allowedLateness, closed)} (from the earliest point on
   * the first run), where {@code closed} is the start of the bucket holding
   * {@code now - allowedLateness}.
   */
  public JobStatus runRollupsNow() {
    if (rollupSettings == null) {
      throw new IllegalStateException("rollups are not enabled");
    }
    return rollupJob.run(this::rollUp);
  }

  /**
   * Runs the retention job now on the caller's thread and returns its status: deletes raw points
   * and rollup buckets older than their retention (see {@link RetentionPolicy}).
   */
  public JobStatus runRetentionNow() {
    if (retentionPolicy == null) {
      throw new IllegalStateException("retention is not enabled");
    }
    return retentionJob.run(this::applyRetention);
  }

  /** The rollup job's status. */
  public JobStatus rollupStatus() {
    return rollupJob.status();
  }

  /** The retention job's status. */
  public JobStatus retentionStatus() {
    return retentionJob.status();
  }

  /** Healthy unless an enabled job's last run failed (degraded); details per job. */
  public HealthCheckResult health() {
    Map<String, Object> details = new LinkedHashMap<>();
    HealthStatus status = HealthStatus.HEALTHY;
    if (rollupSettings != null) {
      JobStatus s = rollupStatus();
      details.put("rollup", s.toDetails());
      status = s.lastError().isPresent() ? HealthStatus.DEGRADED : status;
    }
    if (retentionPolicy != null) {
      JobStatus s = retentionStatus();
      details.put("retention", s.toDetails());
      status = s.lastError().isPresent() ? HealthStatus.DEGRADED : status;
    }
    return new HealthCheckResult(status, details);
  }

  private long rollUp() {
    RollupStorage rollups = StorageCapabilities.rollups(storage);
    long lateness = rollupSettings.allowedLateness().toMillis();
    long now = clock.millis();
    long total = 0;
    for (Resolution r : rollupSettings.resolutions()) {
      long closedEdge = Aggregations.bucketStart(now - lateness, r.millis());
      Optional<Instant> watermark = rollups.rollupWatermark(r).join();
      TimeRange range;
      if (watermark.isEmpty()) {
        range = TimeRange.until(Instant.ofEpochMilli(closedEdge));
      } else {
        long w = watermark.get().toEpochMilli();
        long from = Math.min(w, Aggregations.bucketStart(w - lateness, r.millis()));
        if (from >= closedEdge) {
          continue;
        }
        range = TimeRange.between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(closedEdge));
      }
      total += rollups.rollup(r, range).join();
    }
    return total;
  }

  private long applyRetention() {
    RetentionStorage retention = StorageCapabilities.retention(storage);
    Instant now = clock.instant();
    long deleted = retention.deleteRawBefore(now.minus(retentionPolicy.rawRetention())).join();
    for (Resolution r : Resolution.values()) {
      deleted += retention.deleteRollupsBefore(r, now.minus(retentionPolicy.retentionFor(r))).join();
    }
    return deleted;
  }

  private void runRollupsQuietly() {
    runRollupsNow();
  }

  private void runRetentionQuietly() {
    runRetentionNow();
  }

  /**
   * Stops the scheduled jobs, waiting up to 10 s in all for a running one to finish and for the
   * jobs thread to end (once it returns, the thread is gone).
   */
  @Override
  public void close() {
    ScheduledThreadPoolExecutor e;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      e = executor;
    }
    if (e != null) {
      e.shutdownNow();
      long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
      try {
        // A terminated executor's worker may still be finishing its run(); join it too.
        boolean stopped = e.awaitTermination(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        for (Thread t : threads) {
          long left = deadline - System.nanoTime();
          if (t != Thread.currentThread() && left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(t, left);
          }
          stopped &= !t.isAlive() || t == Thread.currentThread();
        }
        if (!stopped) {
          LOG.warn("time-series jobs did not stop within {}", CLOSE_WAIT);
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "TimeSeriesEngine{storage=" + storage.name() + ", rollups=" + rollupSettings
        + ", retention=" + retentionPolicy + "}";
  }

  /** One job's run bookkeeping; runs are serialized by the engine's run lock. */
  private final class Job {
    private final String name;
    private long runs;
    private long failures;
    private Instant lastRunAt;
    private Duration lastDuration = Duration.ZERO;
    private long lastResult;
    private String lastError;

    Job(String name) {
      this.name = name;
    }

    JobStatus run(LongSupplier work) {
      synchronized (runLock) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        try {
          lastResult = work.getAsLong();
          lastError = null;
        } catch (RuntimeException e) {
          Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.CompletionException
              ? e.getCause() : e;
          lastError = cause.toString();
          lastResult = 0;
          failures++;
          LOG.warn("{} job failed", name, cause);
        }
        runs++;
        lastRunAt = started;
        lastDuration = Duration.ofNanos(System.nanoTime() - t0);
        return status();
      }
    }

    JobStatus status() {
      synchronized (runLock) {
        return new JobStatus(name, runs, failures, Optional.ofNullable(lastRunAt), lastDuration,
            lastResult, Optional.ofNullable(lastError));
      }
    }
  }

  /** Builds a {@link TimeSeriesEngine}. */
  public static final class Builder {
    private final StorageAdapter storage;
    private RollupSettings rollups;
    private RetentionPolicy retention;
    private Clock clock = Clock.systemUTC();

    private Builder(StorageAdapter storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
    }

    /** Enables the rollup job with these settings. */
    public Builder rollups(RollupSettings settings) {
      this.rollups = Objects.requireNonNull(settings, "rollups");
      return this;
    }

    /** Enables the retention job with this policy. */
    public Builder retention(RetentionPolicy policy) {
      this.retention = Objects.requireNonNull(policy, "retention");
      return this;
    }

    /** The clock that says what "now" is for both jobs [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The engine, not yet started; fails when the store lacks an enabled capability. */
    public TimeSeriesEngine build() {
      return new TimeSeriesEngine(this);
    }
  }
}
