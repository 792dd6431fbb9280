package org.metricspipeline.guard;

import java.util.EnumSet;
import java.util.Set;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.testkit.StorageAdapterConformanceSuite;

/**
 * {@link GuardedStorage} around the in-memory store passes the storage conformance kit with every
 * capability the store has: wrapping takes none away (rollups, retention and discovery are found
 * through {@code capability(Class)} and go through the circuit breaker).
 */
class GuardedMemoryStorageConformanceTest extends StorageAdapterConformanceSuite {

  @Override
  protected StorageAdapter createStorage() {
    return GuardedStorage.builder(() -> InMemoryStorageAdapter.builder()
        .pointsPerChunk(InMemoryStorageAdapter.MIN_POINTS_PER_CHUNK).build()).build();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }
}
