package org.metricspipeline.micrometer.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.telemetry.Measurement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one step's items to a pipeline without ever waiting for it: at most one hand-over is in
 * flight; a step that finds the previous one unfinished is skipped (counted), which loses nothing
 * of counters and histograms because they are cumulative. Refused items and failed hand-overs are
 * counted and logged at most once per {@link #LOG_INTERVAL_NANOS}.
 */
public final class Publisher {

  /** Shortest time between two warnings about refused items. */
  public static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  private final String bridge;
  private final Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink;
  private final LongSupplier nanoTime;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final AtomicLong publishes = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong itemsAccepted = new AtomicLong();
  private final AtomicLong itemsRefused = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private final AtomicLong suppressedTotal = new AtomicLong();
  private final AtomicLong lastWarning;

  /**
   * A publisher named {@code bridge} in its measurements' labels, writing to {@code sink}, timing
   * its warnings with {@code nanoTime}.
   */
  public Publisher(String bridge, Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink,
      LongSupplier nanoTime) {
    this.bridge = Objects.requireNonNull(bridge, "bridge");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.lastWarning = new AtomicLong(nanoTime.getAsLong() - LOG_INTERVAL_NANOS);
  }

  /**
   * Hands {@code items} to the sink; returns at once. The future completes with the sink's answer,
   * or with every item failed when the step was skipped or the sink failed; it never completes
   * exceptionally.
   */
  public CompletableFuture<MetricsBatchResult> publish(List<MetricsData> items) {
    if (items.isEmpty()) {
      return CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(0));
    }
    if (!inFlight.compareAndSet(false, true)) {
      skipped.incrementAndGet();
      itemsRefused.addAndGet(items.size());
      warn("skipped a step of {} items: {}", items.size(), "the previous one is still being stored");
      return CompletableFuture.completedFuture(allFailed(items.size(), "skipped: the previous step is in flight"));
    }
    publishes.incrementAndGet();
    CompletableFuture<MetricsBatchResult> handed;
    try {
      handed = Objects.requireNonNull(sink.apply(items), "the sink returned null");
    } catch (RuntimeException e) {
      handed = CompletableFuture.failedFuture(e);
    }
    return handed.handle((result, error) -> {
      inFlight.set(false);
      if (error != null) {
        failures.incrementAndGet();
        itemsRefused.addAndGet(items.size());
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error;
        warn("could not hand {} items to the pipeline: {}", items.size(), String.valueOf(cause));
        return allFailed(items.size(), String.valueOf(cause.getMessage()));
      }
      itemsAccepted.addAndGet(result.successCount());
      if (result.failureCount() > 0) {
        itemsRefused.addAndGet(result.failureCount());
        warn("the pipeline refused {} items: {}", result.failureCount(), result.failures().get(0).reason());
      }
      return result;
    });
  }

  /** Whether a hand-over is still in flight. */
  public boolean inFlight() {
    return inFlight.get();
  }

  /** Items the sink accepted so far. */
  public long itemsAccepted() {
    return itemsAccepted.get();
  }

  /** Items the sink refused (or that were never handed over) so far. */
  public long itemsRefused() {
    return itemsRefused.get();
  }

  /** Steps skipped because the previous hand-over was in flight. */
  public long skipped() {
    return skipped.get();
  }

  /** Hand-overs that failed as a whole (the sink threw or its future failed). */
  public long failures() {
    return failures.get();
  }

  /** Warnings left out by the once-a-minute limit so far. */
  public long warningsSuppressed() {
    return suppressedTotal.get();
  }

  /** This publisher's figures, labelled {@code bridge=<name>}. */
  public List<Measurement> measurements() {
    Map<String, String> labels = Map.of("bridge", bridge);
    return List.of(
        counter("metrics_micrometer_publishes_total", "Steps handed to the pipeline", labels, publishes.get()),
        counter("metrics_micrometer_publishes_skipped_total",
            "Steps skipped because the previous one was still being stored", labels, skipped.get()),
        counter("metrics_micrometer_publish_failures_total",
            "Steps the pipeline failed as a whole", labels, failures.get()),
        counter("metrics_micrometer_items_accepted_total", "Items the pipeline accepted", labels, itemsAccepted.get()),
        counter("metrics_micrometer_items_refused_total",
            "Items the pipeline refused or that were never handed over", labels, itemsRefused.get()));
  }

  private static Measurement counter(String name, String help, Map<String, String> labels, double value) {
    return new Measurement(name, Measurement.Kind.COUNTER, help, labels, value);
  }

  private static MetricsBatchResult allFailed(int n, String reason) {
    List<MetricsBatchResult.Failure> failures = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      failures.add(MetricsBatchResult.Failure.of(i, reason));
    }
    return MetricsBatchResult.of(n, failures);
  }

  private void warn(String format, Object a, Object b) {
    long now = nanoTime.getAsLong();
    long last = lastWarning.get();
    if (now - last < LOG_INTERVAL_NANOS || !lastWarning.compareAndSet(last, now)) {
      suppressed.incrementAndGet();
      suppressedTotal.incrementAndGet();
      return;
    }
    long quiet = suppressed.getAndSet(0);
    if (quiet > 0) {
      LOG.warn("[" + bridge + "] " + format + " ({} similar warnings suppressed in the last minute)", a, b, quiet);
    } else {
      LOG.warn("[" + bridge + "] " + format, a, b);
    }
  }
}
