package org.metricspipeline.api.timeseries;

import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.UnsupportedCapabilityException;

/**
 * Finds a storage adapter's optional capabilities through {@link StorageAdapter#capability(Class)}
 * (so a decorator's capabilities are those of the store it wraps), or fails with an
 * {@link UnsupportedCapabilityException} naming the store and what it lacks.
 *
 * <pre>{@code
 * if (StorageCapabilities.supportsRollups(storage)) {
 *   StorageCapabilities.rollups(storage).rollup(Resolution.ONE_MINUTE, range).join();
 * }
 * }</pre>
 */
public final class StorageCapabilities {

  private StorageCapabilities() {}

  /** Whether the store keeps rollups. */
  public static boolean supportsRollups(StorageAdapter storage) {
    return storage.capability(RollupStorage.class).isPresent();
  }

  /** Whether the store can delete old data. */
  public static boolean supportsRetention(StorageAdapter storage) {
    return storage.capability(RetentionStorage.class).isPresent();
  }

  /** Whether the store can list and describe its metrics. */
  public static boolean supportsDiscovery(StorageAdapter storage) {
    return storage.capability(DiscoveryStorage.class).isPresent();
  }

  /** The store's rollups; fails when it keeps none. */
  public static RollupStorage rollups(StorageAdapter storage) {
    return storage.capability(RollupStorage.class)
        .orElseThrow(() -> new UnsupportedCapabilityException(storage.name(), "rollups"));
  }

  /** The store's retention; fails when it cannot delete old data. */
  public static RetentionStorage retention(StorageAdapter storage) {
    return storage.capability(RetentionStorage.class)
        .orElseThrow(() -> new UnsupportedCapabilityException(storage.name(), "retention"));
  }

  /** The store's discovery; fails when it cannot list its metrics. */
  public static DiscoveryStorage discovery(StorageAdapter storage) {
    return storage.capability(DiscoveryStorage.class)
        .orElseThrow(() -> new UnsupportedCapabilityException(storage.name(), "discovery"));
  }
}
