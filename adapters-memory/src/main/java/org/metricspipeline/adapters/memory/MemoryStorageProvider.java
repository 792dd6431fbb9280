package org.metricspipeline.adapters.memory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.StorageProvider;

/**
 * Provides {@link InMemoryStorageAdapter} under the name {@code memory}.
 *
 * <p>Settings (all optional): {@value #MAX_POINTS} (the most points kept, default 50,000,000),
 * {@value #MAX_SERIES} (the most series kept, default no bound),
 * {@value #POINTS_PER_CHUNK} (the largest chunk, 16 to 1,048,576, default 1,024), and for a durable
 * store {@value #DATA_DIR} (its data directory; absent or {@code none}: memory only), {@value #FSYNC}
 * ({@code batch} or {@code interval}, default interval), {@value #FSYNC_INTERVAL} (default 1s) and
 * {@value #MAX_DISK_BYTES} (default 10 GiB). Unknown keys are rejected.
 */
public final class MemoryStorageProvider implements StorageProvider {

  /** Setting: {@link InMemoryStorageAdapter.Builder#maxPoints(long)}. */
  public static final String MAX_POINTS = "max-points";
  /** Setting: {@link InMemoryStorageAdapter.Builder#maxSeries(long)}; absent: no bound. */
  public static final String MAX_SERIES = "max-series";
  /** Setting: {@link InMemoryStorageAdapter.Builder#pointsPerChunk(int)}. */
  public static final String POINTS_PER_CHUNK = "points-per-chunk";

  /** Setting: {@link InMemoryStorageAdapter.Builder#dataDir(Path)}; {@code none}: memory only. */
  public static final String DATA_DIR = "data-dir";
  /** Setting: {@link InMemoryStorageAdapter.Builder#fsync(FsyncPolicy)}, {@code batch} or {@code interval}. */
  public static final String FSYNC = "fsync";
  /** Setting: {@link InMemoryStorageAdapter.Builder#fsyncInterval(Duration)}. */
  public static final String FSYNC_INTERVAL = "fsync-interval";
  /** Setting: {@link InMemoryStorageAdapter.Builder#maxDiskBytes(long)}. */
  public static final String MAX_DISK_BYTES = "max-disk-bytes";

  /** Used by {@link java.util.ServiceLoader}. */
  public MemoryStorageProvider() {}

  @Override
  public String name() {
    return InMemoryStorageAdapter.NAME;
  }

  @Override
  public StorageAdapter create(AdapterConfig config) {
    config.requireOnlyKnownKeys("memory storage provider",
        Set.of(MAX_POINTS, MAX_SERIES, POINTS_PER_CHUNK, DATA_DIR, FSYNC, FSYNC_INTERVAL, MAX_DISK_BYTES));
    InMemoryStorageAdapter.Builder b = InMemoryStorageAdapter.builder();
    long maxPoints = config.getLong(MAX_POINTS, InMemoryStorageAdapter.DEFAULT_MAX_POINTS);
    AdapterConfig.apply(MAX_POINTS, () -> b.maxPoints(maxPoints));
    if (config.getString(MAX_SERIES).isPresent()) {
      long maxSeries = config.getLong(MAX_SERIES, Long.MAX_VALUE);
      AdapterConfig.apply(MAX_SERIES, () -> b.maxSeries(maxSeries));
    }
    int perChunk = config.getInt(POINTS_PER_CHUNK, InMemoryStorageAdapter.DEFAULT_POINTS_PER_CHUNK);
    AdapterConfig.apply(POINTS_PER_CHUNK, () -> b.pointsPerChunk(perChunk));
    config.getString(DATA_DIR).filter(d -> !d.equals("none"))
        .ifPresent(d -> AdapterConfig.apply(DATA_DIR, () -> b.dataDir(Path.of(d))));
    String fsync = config.getString(FSYNC, "interval");
    AdapterConfig.apply(FSYNC, () -> b.fsync(switch (fsync) {
      case "batch" -> FsyncPolicy.BATCH;
      case "interval" -> FsyncPolicy.INTERVAL;
      default -> throw new IllegalArgumentException("fsync must be batch or interval, got '" + fsync + "'");
    }));
    Duration every = config.getDuration(FSYNC_INTERVAL, InMemoryStorageAdapter.DEFAULT_FSYNC_INTERVAL);
    AdapterConfig.apply(FSYNC_INTERVAL, () -> b.fsyncInterval(every));
    long maxDisk = config.getLong(MAX_DISK_BYTES, InMemoryStorageAdapter.DEFAULT_MAX_DISK_BYTES);
    AdapterConfig.apply(MAX_DISK_BYTES, () -> b.maxDiskBytes(maxDisk));
    return b.build();
  }
}
