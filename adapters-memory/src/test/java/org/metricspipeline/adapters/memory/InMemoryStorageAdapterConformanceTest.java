package org.metricspipeline.adapters.memory;

import java.util.EnumSet;
import java.util.Set;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.testkit.StorageAdapterConformanceSuite;

/** The in-memory store passes the storage conformance kit, with every optional capability. */
class InMemoryStorageAdapterConformanceTest extends StorageAdapterConformanceSuite {

  @Override
  protected StorageAdapter createStorage() {
    // small chunks: the suite's data then spans several chunks per series
    return InMemoryStorageAdapter.builder().pointsPerChunk(InMemoryStorageAdapter.MIN_POINTS_PER_CHUNK).build();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }
}
