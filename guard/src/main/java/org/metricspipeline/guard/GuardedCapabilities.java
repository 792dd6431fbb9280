package org.metricspipeline.guard;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.UnsupportedCapabilityException;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.DiscoveryStorage;
import org.metricspipeline.api.timeseries.MetricInfo;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.MetricPage;
import org.metricspipeline.api.timeseries.RetentionStorage;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupInfo;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.RollupStorage;

/**
 * The storage capabilities of a {@link GuardedStorage}, as views that send every call to the
 * capability of the adapter in use at the time of the call (a restart replaces it) through the
 * circuit breaker, like the storage calls themselves.
 */
final class GuardedCapabilities implements RollupStorage, RetentionStorage, DiscoveryStorage {

  /** A storage call made through the circuit breaker. */
  interface Breaker {
    <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> call);
  }

  private final String name;
  private final Supplier<StorageAdapter> delegate;
  private final Breaker breaker;

  GuardedCapabilities(String name, Supplier<StorageAdapter> delegate, Breaker breaker) {
    this.name = name;
    this.delegate = delegate;
    this.breaker = breaker;
  }

  /**
   * The view of {@code type} when the wrapped adapter has that capability now; the other
   * capabilities (and types this class does not decorate) come from the adapter as they are.
   */
  <T> Optional<T> lookup(Class<T> type) {
    Optional<T> own = delegate.get().capability(type);
    if (own.isPresent() && (type == RollupStorage.class || type == RetentionStorage.class
        || type == DiscoveryStorage.class)) {
      return Optional.of(type.cast(this));
    }
    return own;
  }

  private <C, T> CompletableFuture<T> call(Class<C> type, String capability, Function<C, CompletableFuture<T>> call) {
    Optional<C> target = delegate.get().capability(type);
    if (target.isEmpty()) {
      // the adapter a restart created lacks what the one before had: not a storage failure
      return CompletableFuture.failedFuture(new UnsupportedCapabilityException(name, capability));
    }
    return breaker.guarded(() -> call.apply(target.get()));
  }

  @Override
  public CompletableFuture<Long> rollup(Resolution resolution, TimeRange range) {
    return call(RollupStorage.class, "rollups", r -> r.rollup(resolution, range));
  }

  @Override
  public CompletableFuture<List<RollupBucket>> readRollups(RollupQuery query) {
    return call(RollupStorage.class, "rollups", r -> r.readRollups(query));
  }

  @Override
  public CompletableFuture<List<RollupBucket>> computeRollups(RollupQuery query) {
    return call(RollupStorage.class, "rollups", r -> r.computeRollups(query));
  }

  @Override
  public CompletableFuture<Optional<Instant>> rollupWatermark(Resolution resolution) {
    return call(RollupStorage.class, "rollups", r -> r.rollupWatermark(resolution));
  }

  @Override
  public CompletableFuture<List<RollupInfo>> listRollups() {
    return call(RollupStorage.class, "rollups", RollupStorage::listRollups);
  }

  @Override
  public CompletableFuture<Long> deleteRawBefore(Instant cutoff) {
    return call(RetentionStorage.class, "retention", r -> r.deleteRawBefore(cutoff));
  }

  @Override
  public CompletableFuture<Long> deleteRollupsBefore(Resolution resolution, Instant cutoff) {
    return call(RetentionStorage.class, "retention", r -> r.deleteRollupsBefore(resolution, cutoff));
  }

  @Override
  public CompletableFuture<MetricPage> listMetrics(MetricListQuery query) {
    return call(DiscoveryStorage.class, "discovery", d -> d.listMetrics(query));
  }

  @Override
  public CompletableFuture<Optional<MetricInfo>> metricInfo(String metricName, int maxTagValues) {
    return call(DiscoveryStorage.class, "discovery", d -> d.metricInfo(metricName, maxTagValues));
  }

  @Override
  public String toString() {
    return "GuardedCapabilities{" + name + "}";
  }
}
