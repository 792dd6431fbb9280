package org.metricspipeline.adapters.memory;

import java.util.Set;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.StorageProvider;

/**
 * Provides {@link InMemoryStorageAdapter} under the name {@code memory}.
 *
 * <p>Settings (all optional): {@value #MAX_POINTS} (the most points kept, default 50,000,000) and
 * {@value #POINTS_PER_CHUNK} (the largest chunk, 16 to 1,048,576, default 1,024). Unknown keys are
 * rejected.
 */
public final class MemoryStorageProvider implements StorageProvider {

  /** Setting: {@link InMemoryStorageAdapter.Builder#maxPoints(long)}. */
  public static final String MAX_POINTS = "max-points";
  /** Setting: {@link InMemoryStorageAdapter.Builder#pointsPerChunk(int)}. */
  public static final String POINTS_PER_CHUNK = "points-per-chunk";

  /** Used by {@link java.util.ServiceLoader}. */
  public MemoryStorageProvider() {}

  @Override
  public String name() {
    return InMemoryStorageAdapter.NAME;
  }

  @Override
  public StorageAdapter create(AdapterConfig config) {
    config.requireOnlyKnownKeys("memory storage provider", Set.of(MAX_POINTS, POINTS_PER_CHUNK));
    InMemoryStorageAdapter.Builder b = InMemoryStorageAdapter.builder();
    long maxPoints = config.getLong(MAX_POINTS, InMemoryStorageAdapter.DEFAULT_MAX_POINTS);
    AdapterConfig.apply(MAX_POINTS, () -> b.maxPoints(maxPoints));
    int perChunk = config.getInt(POINTS_PER_CHUNK, InMemoryStorageAdapter.DEFAULT_POINTS_PER_CHUNK);
    AdapterConfig.apply(POINTS_PER_CHUNK, () -> b.pointsPerChunk(perChunk));
    return b.build();
  }
}
