package org.metricspipeline.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A channel that metrics travel through on their way to storage: an SQS queue, an HTTP endpoint's
 * buffer, an in-process queue.
 *
 * <p>Producers call {@link #ingest} or {@link #batchIngest}; the pipeline calls {@link #poll} and
 * settles each {@link Delivery} only after storage has accepted it. Every method returns at once;
 * failures complete the future exceptionally with a {@link MetricsPipelineException} (for example
 * {@link MetricsValidationException} for bad input, {@link OverloadedException} when the channel is
 * full).
 */
public interface IngestionAdapter extends AutoCloseable {

  /** The adapter's stable name, for example {@code memory} or {@code sqs}. */
  String name();

  /**
   * Offers one item to the channel. Completes normally once the channel holds it (not once it is
   * stored), or exceptionally when it is invalid or the channel is full.
   */
  CompletableFuture<Void> ingest(MetricsData data);

  /**
   * Offers several items. Valid items are accepted even when others are not; the result names every
   * rejected item by its index and reason.
   */
  CompletableFuture<MetricsBatchResult> batchIngest(List<MetricsData> batch);

  /** Checks an item against this channel's validation rules without ingesting it. */
  CompletableFuture<MetricsValidationResult> validate(MetricsData data);

  /**
   * Takes up to {@code maxDeliveries} items, waiting up to {@code maxWait} for the first one.
   * Completes with an empty list when nothing arrived in time or the adapter is closed.
   */
  CompletableFuture<List<Delivery>> poll(int maxDeliveries, Duration maxWait);

  /** Reports whether the channel works, with its figures (depth, capacity, ...). */
  CompletableFuture<HealthCheckResult> healthCheck();

  /**
   * This channel's optional capability of the given type (for example {@code SelfMeasuring}, or an
   * adapter's own type to reach its specific methods), or empty when it has none. Look capabilities
   * up here, never with {@code instanceof}: a decorator such as the guard's
   * {@code GuardedIngestion} answers with the capabilities of the channel it wraps.
   *
   * <p>The default answers with this adapter when it implements {@code type}. A decorator overrides
   * it to forward to what it wraps.
   */
  default <T> Optional<T> capability(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /** Stops accepting input and releases resources. Unsettled deliveries are offered again later. */
  @Override
  void close();
}
