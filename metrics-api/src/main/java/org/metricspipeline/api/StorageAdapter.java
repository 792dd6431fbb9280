package org.metricspipeline.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;

/**
 * Where metrics are kept, and how they are read back.
 *
 * <p>Every method returns at once. A transient failure (backend unreachable, timeout) completes the
 * future with {@link StorageUnavailableException}; callers may retry. Items the store can never
 * accept are reported per item in {@link MetricsBatchResult#failures()} and must not be retried.
 * Queries and aggregations follow the semantics documented on {@link MetricsQuery} and
 * {@link AggregationQuery}; every implementation must give the same answers for the same data.
 */
public interface StorageAdapter extends AutoCloseable {

  /** The adapter's stable name, for example {@code memory} or {@code clickhouse}. */
  String name();

  /** Stores one item. Completes once it is stored; exceptionally if it was not. */
  CompletableFuture<Void> store(MetricsData data);

  /**
   * Stores several items. Completes with a per-item result once every accepted item is stored;
   * completes exceptionally (and stores nothing) when the backend is unavailable.
   */
  CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch);

  /** Reads stored metrics back; see {@link MetricsQuery} for ordering, grouping and paging. */
  CompletableFuture<List<MetricsData>> query(MetricsQuery query);

  /** Computes an aggregation over stored metrics; see {@link AggregationQuery}. */
  CompletableFuture<AggregationResult> aggregate(AggregationQuery query);

  /** Reports whether the store works, with its figures (points stored, bytes used, ...). */
  CompletableFuture<HealthCheckResult> healthCheck();

  /**
   * This store's optional capability of the given type, or empty when it has none: rollups
   * ({@code RollupStorage}), retention ({@code RetentionStorage}), discovery
   * ({@code DiscoveryStorage}), its own figures ({@code SelfMeasuring}). Look capabilities up here
   * (or through {@code StorageCapabilities}), never with {@code instanceof}: a decorator such as the
   * guard's {@code GuardedStorage} answers with the capabilities of the store it wraps, so wrapping
   * never takes a feature away.
   *
   * <p>The default answers with this adapter when it implements {@code type}. A decorator overrides
   * it to forward to what it wraps (and may return a view that decorates the capability's calls too).
   */
  default <T> Optional<T> capability(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /** Flushes and releases resources. */
  @Override
  void close();
}
