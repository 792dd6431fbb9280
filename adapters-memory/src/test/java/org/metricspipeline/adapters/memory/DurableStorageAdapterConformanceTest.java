package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.testkit.StorageAdapterConformanceSuite;

/**
 * The durable store (a data directory) passes the storage conformance kit, with every optional
 * capability; after each test the directory is reopened and must hold every point it held.
 */
class DurableStorageAdapterConformanceTest extends StorageAdapterConformanceSuite {

  private Path dir;

  @Override
  protected StorageAdapter createStorage() {
    try {
      dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "durable-kit-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // small chunks and segments: the suite's data then spans several chunks and chunk files
    return builder().build();
  }

  private InMemoryStorageAdapter.Builder builder() {
    return InMemoryStorageAdapter.builder().pointsPerChunk(InMemoryStorageAdapter.MIN_POINTS_PER_CHUNK)
        .walSegmentBytes(64 << 10).dataDir(dir);
  }

  @Override
  protected void cleanUp(StorageAdapter storage) {
    InMemoryStorageAdapter durable = (InMemoryStorageAdapter) storage;
    boolean open = durable.healthCheck().join().status() != HealthStatus.UNHEALTHY;
    long points = durable.memoryStats().points();
    long series = durable.memoryStats().series();
    durable.close();
    if (open) {
      try (InMemoryStorageAdapter reopened = builder().build()) {
        assertThat(reopened.memoryStats().points()).as("points after a restart").isEqualTo(points);
        assertThat(reopened.memoryStats().series()).as("series after a restart").isLessThanOrEqualTo(series);
      }
    }
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }
}
