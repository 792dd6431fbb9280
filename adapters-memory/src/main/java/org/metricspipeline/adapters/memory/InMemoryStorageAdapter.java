package org.metricspipeline.adapters.memory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.metricspipeline.adapters.memory.internal.DataDirectory;
import org.metricspipeline.adapters.memory.internal.Discovery;
import org.metricspipeline.adapters.memory.internal.QueryEngine;
import org.metricspipeline.adapters.memory.internal.RollupStore;
import org.metricspipeline.adapters.memory.internal.SeriesStore;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.api.timeseries.DiscoveryStorage;
import org.metricspipeline.api.timeseries.MetricInfo;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.MetricPage;
import org.metricspipeline.api.timeseries.RetentionStorage;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupInfo;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.RollupStorage;
import org.metricspipeline.core.QueryPlanner;

/**
 * The embedded default store: keeps metrics in the JVM heap, column-wise per series, and answers
 * every {@link StorageAdapter} query with the semantics documented on {@link MetricsQuery},
 * {@link AggregationQuery} and core's {@code Aggregations}.
 *
 * <pre>{@code
 * try (InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().maxPoints(10_000_000).build()) {
 *   storage.batchStore(items).join();
 *   AggregationResult avg = storage.aggregate(
 *       AggregationQuery.builder("cpu_usage", Aggregation.AVG).groupBy("host").build()).join();
 * }
 * }</pre>
 *
 * <h2>Layout</h2>
 * A series is one combination of metric type, source, metric name, unit and tags; each stored
 * {@code Metric} is one point of its series. A series keeps its points in chunks of two primitive
 * columns: millisecond offsets from the chunk's base time ({@code int}) and values ({@code double}),
 * 12 bytes per point. Chunks grow 16, 32, 64, ... up to {@link Builder#pointsPerChunk(int)} points
 * (less a few points fixed per series, so that series written in step do not fill their chunks at
 * once) and are never copied to grow, so slack is at most part of each series' last chunk. Figures:
 * {@link #memoryStats()}, also in {@link #healthCheck()}.
 *
 * <h2>Order and late points</h2>
 * Points may arrive in any order. Within a series, points are read back in timestamp order, ties by
 * value; this is also the order {@code rate} sees them in. A late point marks its series unsorted
 * and the next read re-sorts only the chunks from the late point's time onwards.
 *
 * <h2>Rate</h2>
 * {@code rate} is computed per series, as defined above (metric type, source and unit included, not
 * only tags), then summed per group; a rate bucket's {@code count} is the number of points of the
 * series that have a rate in it.
 *
 * <h2>Bound</h2>
 * At most {@link Builder#maxPoints(long)} points are kept. When an item does not fit, it is rejected
 * whole (nothing of it is stored): {@link #batchStore} reports it as a failure with the reason
 * {@code storage full: maxPoints=N}, {@link #store} completes exceptionally with a
 * {@link MetricsPipelineException} with that message. Nothing already stored is evicted.
 * {@link Builder#maxSeries(long)} bounds the series the same way (reason
 * {@code series limit reached: maxSeries=N}).
 *
 * <h2>Context</h2>
 * Item {@code context} is rare, so it lives in a sparse side table keyed by (timestamp, metric type,
 * source), the key by which query results group points into items. Every item read back with that
 * key carries it; items stored with the same key share one context (later entries replace earlier
 * ones with the same name). An item without metrics stores nothing, its context included.
 *
 * <h2>Rollups, retention, discovery</h2>
 * The store keeps rollups ({@link RollupStorage}) per series in columns beside the raw points, and
 * {@link #aggregate} plans with core's {@code QueryPlanner.plan}: the coarsest rollup that answers
 * exactly, raw points after its watermark. It then folds the rollup columns straight into each
 * group's bucket table (no bucket objects), with results bit-identical to
 * {@code QueryPlanner.aggregate} over {@link #readRollups} and {@link #computeRollups}. Retention ({@link RetentionStorage}) drops whole chunks
 * and copies the one chunk straddling the cutoff. Discovery ({@link DiscoveryStorage}) reads the
 * series index.
 *
 * <h2>Durability: a data directory</h2>
 * With {@link Builder#dataDir(Path)} the store keeps its data across restarts and crashes: every
 * batch goes to a write-ahead log (length-prefixed records with a CRC32C checksum) before
 * {@link #batchStore} completes, full log segments become immutable compressed chunk files, and
 * rollups and retention cutoffs are logged too. On {@link #build() open} the directory is loaded
 * (chunk files, then the log after them, a torn tail cut off and reported; a corrupt chunk file is
 * renamed {@code .corrupt} and reported in {@link #healthCheck()}, the rest loads). The fsync policy
 * ({@link FsyncPolicy}) says what a power failure may lose; a process crash loses nothing
 * acknowledged. {@link Builder#maxDiskBytes(long)} bounds the directory: when full, items are
 * refused with {@code storage full: maxDiskBytes=N}. One store owns a directory at a time (a lock
 * file); another fails to build with a {@link org.metricspipeline.api.ConfigurationException}.
 * Details: {@code docs/durable-store.md}.
 *
 * <h2>Threads</h2>
 * Thread-safe: any number of writers and readers. Stores and queries run on the caller's thread and
 * every returned future is already complete: the work is short, memory-bound and never waits for
 * I/O, so handing it to another thread would cost more than doing it. The exception is sealing
 * (compressing) full chunks, which one daemon thread {@code metrics-memory-sealer-N} does behind a
 * bounded queue (a writer seals itself when the queue is full); it stops after a second idle and on
 * {@link #close()}. A batch looks each of its series up and appends that series' points under one
 * lock; readers lock a series only to take a snapshot of it. Timestamps are kept with millisecond
 * precision. After {@link #close()}, the data is released and every method fails with
 * {@link StorageUnavailableException}.
 */
public final class InMemoryStorageAdapter
    implements StorageAdapter, RollupStorage, RetentionStorage, DiscoveryStorage, SelfMeasuring {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "memory";
  /** Default bound on stored points. */
  public static final long DEFAULT_MAX_POINTS = 50_000_000L;
  /** Default largest chunk, in points. */
  public static final int DEFAULT_POINTS_PER_CHUNK = 1024;
  /** Smallest allowed {@link Builder#pointsPerChunk(int)}. */
  public static final int MIN_POINTS_PER_CHUNK = 16;
  /** Largest allowed {@link Builder#pointsPerChunk(int)}. */
  public static final int MAX_POINTS_PER_CHUNK = 1 << 20;
  /** Share of {@code maxPoints} in use from which {@link #healthCheck()} reports degraded. */
  public static final double DEGRADED_UTILIZATION = 0.9;

  /** Default bound on a data directory's size: 10 GiB. */
  public static final long DEFAULT_MAX_DISK_BYTES = 10L << 30;
  /** Default interval of {@link FsyncPolicy#INTERVAL}. */
  public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofSeconds(1);
  /** Default size at which a write-ahead log segment becomes a chunk file. */
  public static final long DEFAULT_WAL_SEGMENT_BYTES = 64L << 20;

  private final long maxPoints;
  private final long maxSeries;
  private final int pointsPerChunk;
  private final Optional<Path> dataDir;
  private volatile DataDirectory disk;
  private volatile SeriesStore store;
  private volatile QueryEngine engine;
  private volatile RollupStore rollups;
  private volatile Discovery discovery;

  private InMemoryStorageAdapter(Builder b) {
    this.maxPoints = b.maxPoints;
    this.pointsPerChunk = b.pointsPerChunk;
    this.maxSeries = b.maxSeries;
    this.store = new SeriesStore(maxPoints, pointsPerChunk, b.compressSealedChunks, maxSeries);
    this.engine = new QueryEngine(store);
    this.rollups = new RollupStore(store, engine);
    this.discovery = new Discovery(store);
    this.dataDir = b.dataDir;
    if (b.dataDir.isPresent()) {
      this.disk = DataDirectory.open(new DataDirectory.Options(b.dataDir.get(), b.fsync == FsyncPolicy.BATCH,
          b.fsyncInterval, b.maxDiskBytes, b.walSegmentBytes), store, rollups);
    }
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A store with every default. */
  public static InMemoryStorageAdapter create() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    Objects.requireNonNull(data, "data");
    SeriesStore s = store;
    if (s == null) {
      return closed();
    }
    DataDirectory d = disk;
    if (d != null) {
      return durable(d, List.of(data)).thenCompose(r -> r.allSucceeded()
          ? CompletableFuture.<Void>completedFuture(null)
          : CompletableFuture.<Void>failedFuture(new MetricsPipelineException(r.failures().get(0).reason())));
    }
    Optional<String> failure = s.store(data);
    return failure.isPresent()
        ? CompletableFuture.failedFuture(new MetricsPipelineException(failure.get()))
        : CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    Objects.requireNonNull(batch, "batch");
    SeriesStore s = store;
    if (s == null) {
      return closed();
    }
    DataDirectory d = disk;
    return d != null ? durable(d, batch) : CompletableFuture.completedFuture(s.storeAll(batch));
  }

  private static CompletableFuture<MetricsBatchResult> durable(DataDirectory d, List<MetricsData> batch) {
    try {
      return CompletableFuture.completedFuture(d.storeAll(batch));
    } catch (MetricsPipelineException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
    Objects.requireNonNull(query, "query");
    QueryEngine e = engine;
    if (e == null) {
      return closed();
    }
    return CompletableFuture.completedFuture(e.query(query));
  }

  @Override
  public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
    Objects.requireNonNull(query, "query");
    QueryEngine e = engine;
    if (e == null) {
      return closed();
    }
    RollupStore r = rollups;
    if (r == null) {
      return closed();
    }
    return QueryPlanner.plan(query, this).thenApply(plan -> plan.resolution().isEmpty()
        ? e.aggregate(query) : r.aggregate(query, plan));
  }

  @Override
  public CompletableFuture<Long> rollup(Resolution resolution, TimeRange range) {
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(range, "range");
    RollupStore r = rollups;
    return r == null ? closed() : call(() -> r.rollup(resolution, range));
  }

  @Override
  public CompletableFuture<List<RollupBucket>> readRollups(RollupQuery query) {
    Objects.requireNonNull(query, "query");
    RollupStore r = rollups;
    return r == null ? closed() : CompletableFuture.completedFuture(r.read(query));
  }

  @Override
  public CompletableFuture<List<RollupBucket>> computeRollups(RollupQuery query) {
    Objects.requireNonNull(query, "query");
    RollupStore r = rollups;
    return r == null ? closed() : CompletableFuture.completedFuture(r.compute(query));
  }

  @Override
  public CompletableFuture<Optional<Instant>> rollupWatermark(Resolution resolution) {
    Objects.requireNonNull(resolution, "resolution");
    RollupStore r = rollups;
    return r == null ? closed() : CompletableFuture.completedFuture(r.watermark(resolution));
  }

  @Override
  public CompletableFuture<List<RollupInfo>> listRollups() {
    RollupStore r = rollups;
    return r == null ? closed() : CompletableFuture.completedFuture(r.list());
  }

  @Override
  public CompletableFuture<Long> deleteRawBefore(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    SeriesStore s = store;
    if (s == null) {
      return closed();
    }
    DataDirectory d = disk;
    try {
      return CompletableFuture.completedFuture(
          d != null ? d.deleteBefore(cutoff.toEpochMilli()) : s.deleteBefore(cutoff.toEpochMilli()));
    } catch (UncheckedIOException e) {
      return CompletableFuture.failedFuture(new StorageUnavailableException(e.getMessage(), e));
    }
  }

  @Override
  public CompletableFuture<Long> deleteRollupsBefore(Resolution resolution, Instant cutoff) {
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(cutoff, "cutoff");
    RollupStore r = rollups;
    return r == null ? closed()
        : CompletableFuture.completedFuture(r.deleteBefore(resolution, cutoff.toEpochMilli()));
  }

  @Override
  public CompletableFuture<MetricPage> listMetrics(MetricListQuery query) {
    Objects.requireNonNull(query, "query");
    Discovery d = discovery;
    return d == null ? closed() : CompletableFuture.completedFuture(d.list(query));
  }

  @Override
  public CompletableFuture<Optional<MetricInfo>> metricInfo(String metricName, int maxTagValues) {
    Objects.requireNonNull(metricName, "metricName");
    Discovery d = discovery;
    return d == null ? closed() : call(() -> d.info(metricName, maxTagValues));
  }

  private static <T> CompletableFuture<T> call(Supplier<T> work) {
    try {
      return CompletableFuture.completedFuture(work.get());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new MetricsPipelineException(e.getMessage(), e));
    } catch (UncheckedIOException e) {
      return CompletableFuture.failedFuture(new StorageUnavailableException(e.getMessage(), e));
    }
  }

  /**
   * What the store holds and its heap cost. Healthy when below {@link #DEGRADED_UTILIZATION} of
   * {@code maxPoints}, degraded above, unhealthy once closed. Details: {@code points},
   * {@code series}, {@code bytes_used}, {@code bytes_per_point}, {@code max_points},
   * {@code utilization}, {@code contexts}, {@code max_series} when bounded (and {@code reason} when
   * not healthy; degraded too once the series limit is reached).
   */
  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (store == null) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("memory storage is closed"));
    }
    MemoryStats stats = memoryStats();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("points", stats.points());
    details.put("series", stats.series());
    details.put("bytes_used", stats.bytesUsed());
    details.put("bytes_per_point", Math.round(stats.bytesPerPoint() * 100) / 100.0);
    details.put("max_points", stats.maxPoints());
    details.put("utilization", Math.round(stats.utilization() * 10_000) / 10_000.0);
    details.put("contexts", stats.contexts());
    DataDirectory d = disk;
    if (d != null) {
      details.putAll(d.details());
      if (!d.lastError().isEmpty()) {
        details.put("reason", "data directory: " + d.lastError());
        return CompletableFuture.completedFuture(new HealthCheckResult(HealthStatus.UNHEALTHY, details));
      }
      if (d.full()) {
        details.put("reason", d.fullReason() + "; new items are rejected");
        return CompletableFuture.completedFuture(HealthCheckResult.degraded(details));
      }
      if (!d.quarantined().isEmpty()) {
        details.put("reason", "corrupt files set aside in the data directory: " + d.quarantined());
        return CompletableFuture.completedFuture(HealthCheckResult.degraded(details));
      }
    }
    if (maxSeries != Long.MAX_VALUE) {
      details.put("max_series", maxSeries);
      if (stats.series() >= maxSeries) {
        details.put("reason", store.seriesLimitReason() + "; items naming new series are rejected");
        return CompletableFuture.completedFuture(HealthCheckResult.degraded(details));
      }
    }
    if (stats.points() >= stats.maxPoints()) {
      details.put("reason", "storage full: maxPoints=" + maxPoints + "; new items are rejected");
      return CompletableFuture.completedFuture(HealthCheckResult.degraded(details));
    }
    if (stats.utilization() >= DEGRADED_UTILIZATION) {
      details.put("reason", "storage nearly full: " + stats.points() + " of " + maxPoints + " points");
      return CompletableFuture.completedFuture(HealthCheckResult.degraded(details));
    }
    return CompletableFuture.completedFuture(HealthCheckResult.healthy(details));
  }

  /** Points, series and estimated heap bytes held now; all zero once closed. */
  public MemoryStats memoryStats() {
    SeriesStore s = store;
    if (s == null) {
      return new MemoryStats(0, 0, 0, maxPoints, 0);
    }
    return new MemoryStats(s.pointCount(), s.seriesCount(), s.bytesUsed(), maxPoints, s.contextCount());
  }

  /**
   * Cheap gauges (no walk over the series): {@code metrics_memory_points},
   * {@code metrics_memory_series} and {@code metrics_memory_max_points}; zeros once closed.
   */
  @Override
  public List<Measurement> measurements() {
    SeriesStore s = store;
    return List.of(
        Measurement.gauge("metrics_memory_points", "Points held by the in-memory store",
            s == null ? 0 : s.pointCount()),
        Measurement.gauge("metrics_memory_series", "Series held by the in-memory store",
            s == null ? 0 : s.seriesCount()),
        Measurement.gauge("metrics_memory_max_points", "The in-memory store's bound on points", maxPoints));
  }

  /** The configured bound on stored points. */
  public long maxPoints() {
    return maxPoints;
  }

  /** The configured largest chunk, in points. */
  public int pointsPerChunk() {
    return pointsPerChunk;
  }

  /** The data directory, when the store is durable. */
  public Optional<Path> dataDir() {
    return dataDir;
  }

  /** The points loaded from the data directory when the store was built (0 without one). */
  public long loadedPoints() {
    DataDirectory d = disk;
    return d == null ? 0 : d.loadedPoints();
  }

  /** Bytes the data directory's files take (0 without one). */
  public long diskBytes() {
    DataDirectory d = disk;
    return d == null ? 0 : d.diskBytes();
  }

  /**
   * Releases every stored point (with a data directory: after turning the log into chunk files and
   * releasing the directory's lock); later calls fail with {@link StorageUnavailableException}.
   */
  @Override
  public synchronized void close() {
    DataDirectory d = disk;
    disk = null;
    if (d != null) {
      d.close();
    }
    SeriesStore s = store;
    if (s != null) {
      s.close();
    }
    store = null;
    engine = null;
    rollups = null;
    discovery = null;
  }

  private static <T> CompletableFuture<T> closed() {
    return CompletableFuture.failedFuture(new StorageUnavailableException("memory storage is closed"));
  }

  @Override
  public String toString() {
    return "InMemoryStorageAdapter{maxPoints=" + maxPoints
        + (maxSeries == Long.MAX_VALUE ? "" : ", maxSeries=" + maxSeries) + ", pointsPerChunk=" + pointsPerChunk
        + dataDir.map(p -> ", dataDir=" + p).orElse("") + "}";
  }

  /** Builds an {@link InMemoryStorageAdapter}; setters reject values out of range, naming them. */
  public static final class Builder {
    private long maxPoints = DEFAULT_MAX_POINTS;
    private long maxSeries = Long.MAX_VALUE;
    private int pointsPerChunk = DEFAULT_POINTS_PER_CHUNK;
    private Optional<Path> dataDir = Optional.empty();
    private FsyncPolicy fsync = FsyncPolicy.INTERVAL;
    private Duration fsyncInterval = DEFAULT_FSYNC_INTERVAL;
    private long maxDiskBytes = DEFAULT_MAX_DISK_BYTES;
    private long walSegmentBytes = DEFAULT_WAL_SEGMENT_BYTES;
    private boolean compressSealedChunks = true;

    private Builder() {}

    /**
     * Whether full chunks are compressed in memory (default true: about 1 to 3 bytes per point
     * instead of 12, decoded on the fly by queries). False keeps them as plain columns, which the
     * benchmarks use as a peer.
     */
    public Builder compressSealedChunks(boolean compress) {
      this.compressSealedChunks = compress;
      return this;
    }

    /**
     * Makes the store durable in this directory (created if missing): see the class Javadoc. Without
     * it (the default) the store is memory-only.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Optional.of(Objects.requireNonNull(dataDir, "dataDir"));
      return this;
    }

    /** When the log is forced to the disk (default {@link FsyncPolicy#INTERVAL}); needs a data directory. */
    public Builder fsync(FsyncPolicy fsync) {
      this.fsync = Objects.requireNonNull(fsync, "fsync");
      return this;
    }

    /** The interval of {@link FsyncPolicy#INTERVAL}, from 1 ms to 1 minute (default 1 s). */
    public Builder fsyncInterval(Duration fsyncInterval) {
      Objects.requireNonNull(fsyncInterval, "fsyncInterval");
      if (fsyncInterval.toMillis() < 1 || fsyncInterval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("fsyncInterval must be between 1ms and 1m, got " + fsyncInterval);
      }
      this.fsyncInterval = fsyncInterval;
      return this;
    }

    /**
     * The most bytes the data directory's files may take, at least 1 MiB (default 10 GiB); beyond
     * it new items are refused. Flushing a log segment briefly needs its chunk file's room too.
     */
    public Builder maxDiskBytes(long maxDiskBytes) {
      if (maxDiskBytes < (1 << 20)) {
        throw new IllegalArgumentException("maxDiskBytes must be >= 1048576 (1 MiB), got " + maxDiskBytes);
      }
      this.maxDiskBytes = maxDiskBytes;
      return this;
    }

    /** The size at which a log segment is turned into a chunk file, 64 KiB to 1 GiB (default 64 MiB). */
    public Builder walSegmentBytes(long walSegmentBytes) {
      if (walSegmentBytes < (64 << 10) || walSegmentBytes > (1L << 30)) {
        throw new IllegalArgumentException("walSegmentBytes must be between 65536 and 1073741824, got "
            + walSegmentBytes);
      }
      this.walSegmentBytes = walSegmentBytes;
      return this;
    }

    /** The most points kept, at least 1 (default {@value InMemoryStorageAdapter#DEFAULT_MAX_POINTS}). */
    public Builder maxPoints(long maxPoints) {
      if (maxPoints < 1) {
        throw new IllegalArgumentException("maxPoints must be >= 1, got " + maxPoints);
      }
      this.maxPoints = maxPoints;
      return this;
    }

    /**
     * The most series kept, at least 1 (default: no bound). An item that would create series beyond
     * it is rejected whole with the reason {@code series limit reached: maxSeries=N}, as a full
     * store rejects one; items of known series are still stored. It bounds the heap a cardinality
     * explosion can take (about 1 KB per series of a few points): size it from the heap, e.g. a
     * quarter of {@code -Xmx} divided by 1 KB. Concurrent writers may each add one item's new series
     * beyond it. Series restored from a data directory are kept even beyond it.
     */
    public Builder maxSeries(long maxSeries) {
      if (maxSeries < 1) {
        throw new IllegalArgumentException("maxSeries must be >= 1, got " + maxSeries);
      }
      this.maxSeries = maxSeries;
      return this;
    }

    /**
     * The largest chunk in points, from {@value InMemoryStorageAdapter#MIN_POINTS_PER_CHUNK} to
     * {@value InMemoryStorageAdapter#MAX_POINTS_PER_CHUNK} (default
     * {@value InMemoryStorageAdapter#DEFAULT_POINTS_PER_CHUNK}). Larger chunks cost less per point
     * but leave more unused room at the end of each series.
     */
    public Builder pointsPerChunk(int pointsPerChunk) {
      if (pointsPerChunk < MIN_POINTS_PER_CHUNK || pointsPerChunk > MAX_POINTS_PER_CHUNK) {
        throw new IllegalArgumentException("pointsPerChunk must be between " + MIN_POINTS_PER_CHUNK
            + " and " + MAX_POINTS_PER_CHUNK + ", got " + pointsPerChunk);
      }
      this.pointsPerChunk = pointsPerChunk;
      return this;
    }

    /**
     * The store; with a data directory, loaded from it.
     *
     * @throws org.metricspipeline.api.ConfigurationException when another store holds the directory
     * @throws StorageUnavailableException when the directory cannot be read or written
     */
    public InMemoryStorageAdapter build() {
      return new InMemoryStorageAdapter(this);
    }
  }
}
