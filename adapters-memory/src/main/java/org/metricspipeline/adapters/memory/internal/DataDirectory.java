package org.metricspipeline.adapters.memory.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.core.internal.FramedRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a {@link SeriesStore} and its {@link RollupStore} durable in a data directory:
 *
 * <pre>
 * dataDir/lock                    held (FileChannel.tryLock) by the one process using the directory
 * dataDir/wal/&lt;n&gt;.wal          write-ahead log segments: one framed record per stored batch
 * dataDir/chunks/&lt;n&gt;.chunk      immutable compressed chunks, one file per flushed segment n
 * dataDir/chunks/*.corrupt        chunk files that failed their checks, set aside on start
 * dataDir/rollups.log             every rollup and rollup deletion
 * dataDir/retention.log           retention cutoffs, each with the last segment it applies to
 * </pre>
 *
 * <p>A batch is applied to memory, appended to the log (and fsynced, per batch or every
 * interval), then acknowledged. A full segment is turned into a chunk file by the flush thread and
 * deleted. On open: chunk files load (a corrupt one is renamed {@code .corrupt} and reported, its
 * segment replayed if still there), then the segments not yet in chunk files are replayed, a torn or
 * corrupt tail cut off and reported, then the rollup log.
 */
public final class DataDirectory implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  private static final String LOCK = "lock";
  private static final String RETENTION = "retention.log";
  /** How long writes must have paused before the store's head buffers are given back. */
  static final Duration HEAD_IDLE = Duration.ofSeconds(2);

  /** How the directory is kept; see the adapter's builder for each option. */
  public record Options(Path dir, boolean syncEachBatch, Duration syncInterval, long maxDiskBytes,
      long segmentBytes) {}

  private final Options options;
  private final Path walDir;
  private final Path chunkDir;
  private final SeriesStore store;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final WriteAheadLog.DiskUsage usage = new WriteAheadLog.DiskUsage();
  private final ConcurrentSkipListMap<Long, ChunkFiles.Info> chunkFiles = new ConcurrentSkipListMap<>();
  private final List<String> quarantined = new CopyOnWriteArrayList<>();
  private final List<String> recovered = new CopyOnWriteArrayList<>();
  /** Retention markers: segment number -> the cutoff for points of that segment and earlier ones. */
  private final ConcurrentSkipListMap<Long, Long> markers = new ConcurrentSkipListMap<>();
  private final Object retentionLock = new Object();
  private final ExecutorService flusher;
  private final ScheduledExecutorService syncer;
  private final long loadedPoints;
  private final long loadMillis;
  private WriteAheadLog wal;
  private RollupLog rollupLog;
  private FileChannel retentionChannel;
  private volatile String lastError = "";
  /** Whether the last batch was refused for want of room. */
  private volatile boolean refusing;

  private DataDirectory(Options options, SeriesStore store, RollupStore rollups) throws IOException {
    long started = System.nanoTime();
    this.options = options;
    this.store = store;
    Path dir = options.dir();
    Files.createDirectories(dir);
    this.walDir = Files.createDirectories(dir.resolve("wal"));
    this.chunkDir = Files.createDirectories(dir.resolve("chunks"));
    this.lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    FileLock acquired;
    try {
      acquired = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      acquired = null;
    }
    if (acquired == null) {
      String holder = holder();
      lockChannel.close();
      throw new ConfigurationException("data directory " + dir.toAbsolutePath() + " is in use by another "
          + "process" + holder + " (it holds " + dir.resolve(LOCK) + "); give each process its own dataDir");
    }
    this.lock = acquired;
    lockChannel.truncate(0);
    lockChannel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    this.flusher = Executors.newSingleThreadExecutor(r -> daemon(r, "metrics-memory-flush-1"));
    this.syncer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "metrics-memory-sync-1"));
    try {
      long next = recover(rollups);
      this.loadedPoints = store.pointCount();
      this.wal = new WriteAheadLog(walDir, next, options.segmentBytes(), usage, this::flushLater);
      this.rollupLog = RollupLog.open(dir, store, rollups, usage, recovered);
      rollups.listener(rollupLog);
      this.retentionChannel = FileChannel.open(dir.resolve(RETENTION), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      usage.add(retentionChannel.size());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    if (!options.syncEachBatch()) {
      long every = options.syncInterval().toMillis();
      syncer.scheduleWithFixedDelay(this::syncQuietly, every, every, TimeUnit.MILLISECONDS);
    }
    syncer.scheduleWithFixedDelay(this::trimQuietly, 1, 1, TimeUnit.SECONDS);
    this.loadMillis = (System.nanoTime() - started) / 1_000_000;
    for (String problem : recovered) {
      LOG.warn("data directory {}: recovered: {}", dir, problem);
    }
    for (String q : quarantined) {
      LOG.error("data directory {}: quarantined: {}", dir, q);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private String holder() {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      lockChannel.read(b, 0);
      String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
      return pid.isEmpty() ? "" : " (pid " + pid + ")";
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Opens (creating if need be) the data directory and loads what it holds into {@code store} and
   * {@code rollups}, which must be empty.
   *
   * @throws ConfigurationException when another process (or store) holds the directory
   * @throws StorageUnavailableException when the directory cannot be read or written
   */
  public static DataDirectory open(Options options, SeriesStore store, RollupStore rollups) {
    try {
      return new DataDirectory(options, store, rollups);
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot open data directory " + options.dir() + ": " + e, e);
    }
  }

  // ---- recovery ----

  private long recover(RollupStore rollups) throws IOException {
    deleteMatching(chunkDir, ".tmp");
    deleteMatching(options.dir(), ".tmp");
    loadMarkers();
    long highest = 0;
    for (long n : numbered(chunkDir, ChunkFiles.SUFFIX)) {
      highest = Math.max(highest, n);
      Path file = ChunkFiles.file(chunkDir, n);
      try {
        ChunkFiles.Info info = ChunkFiles.load(file, n, store, cutoffFor(n));
        chunkFiles.put(n, info);
        usage.add(info.bytes());
      } catch (IOException | RuntimeException e) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        quarantined.add(aside.getFileName() + ": " + e.getMessage());
      }
    }
    for (long n : numbered(walDir, WriteAheadLog.SUFFIX)) {
      highest = Math.max(highest, n);
      Path segment = WriteAheadLog.segmentFile(walDir, n);
      if (chunkFiles.containsKey(n)) {
        Files.delete(segment); // flushed already; the crash came before its deletion
        continue;
      }
      replay(segment, n);
      if (Files.size(segment) == 0) {
        Files.delete(segment);
      } else {
        usage.add(Files.size(segment));
        flushLater(n);
      }
    }
    return highest + 1;
  }

  private void replay(Path segment, long n) throws IOException {
    long cutoff = cutoffFor(n);
    WalBatch.Ordinals<Series> known = new WalBatch.Ordinals<>();
    WalBatch.Sink<Series> sink = new WalBatch.Sink<>() {
      @Override
      public Series series(String type, String source, String name, String unit, Map<String, String> tags) {
        return store.restoreSeries(type, source, name, unit, tags);
      }

      @Override
      public void points(Series s, long[] times, double[] values, int count) {
        if (cutoff != Long.MIN_VALUE) {
          int kept = 0;
          for (int i = 0; i < count; i++) {
            if (times[i] >= cutoff) {
              times[kept] = times[i];
              values[kept++] = values[i];
            }
          }
          count = kept;
        }
        store.restorePoints(s, times, values, count);
      }

      @Override
      public void context(MetricsData item) {
        if (item.timestamp().toEpochMilli() >= cutoff) {
          store.restoreContext(item);
        }
      }
    };
    FramedRecords.Scan scan;
    try {
      scan = FramedRecords.scan(segment, 0, payload -> WalBatch.decode(payload, known, sink));
    } catch (RuntimeException e) {
      Path aside = segment.resolveSibling(segment.getFileName() + ".corrupt");
      Files.move(segment, aside, StandardCopyOption.REPLACE_EXISTING);
      quarantined.add(aside.getFileName() + ": undecodable record: " + e);
      return;
    }
    if (!scan.clean()) {
      FramedRecords.truncate(segment, scan.validBytes());
      recovered.add("wal/" + segment.getFileName() + ": " + scan.problem() + "; kept " + scan.records()
          + " records, cut off " + scan.invalidBytes() + " bytes");
    }
  }

  private void loadMarkers() throws IOException {
    Path file = options.dir().resolve(RETENTION);
    if (!Files.exists(file)) {
      return;
    }
    FramedRecords.Scan scan = FramedRecords.scan(file, 0, payload -> {
      Records.In in = new Records.In(payload);
      markers.merge(in.readLong(), in.readLong(), Math::max);
    });
    if (!scan.clean()) {
      FramedRecords.truncate(file, scan.validBytes());
      recovered.add(RETENTION + ": " + scan.problem());
    }
  }

  /** The retention cutoff for points of segment (or chunk file) {@code n}. */
  private long cutoffFor(long n) {
    long cutoff = Long.MIN_VALUE;
    for (Map.Entry<Long, Long> e : markers.tailMap(n, true).entrySet()) {
      cutoff = Math.max(cutoff, e.getValue());
    }
    return cutoff;
  }

  private static List<Long> numbered(Path dir, String suffix) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        String name = f.getFileName().toString();
        if (name.endsWith(suffix)) {
          try {
            out.add(Long.parseLong(name.substring(0, name.length() - suffix.length())));
          } catch (NumberFormatException e) {
            // not ours
          }
        }
      });
    }
    out.sort(null);
    return out;
  }

  private static void deleteMatching(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().endsWith(suffix)) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  // ---- writing ----

  /**
   * Stores a batch in memory and in the log; returns once it is as durable as the fsync policy
   * makes it. Refuses every item (naming {@code maxDiskBytes}) when the directory is full.
   *
   * @throws StorageUnavailableException when the log cannot be written
   */
  public MetricsBatchResult storeAll(List<MetricsData> batch) {
    long estimate = 0;
    int pointCount = 0;
    for (MetricsData item : batch) {
      pointCount += item.metrics().size();
      estimate += 16 + 20L * item.metrics().size();
    }
    refusing = usage.get() + estimate > options.maxDiskBytes();
    if (refusing) {
      List<MetricsBatchResult.Failure> failures = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        failures.add(MetricsBatchResult.Failure.of(i, fullReason()));
      }
      return MetricsBatchResult.of(batch.size(), failures);
    }
    WalBatch journal = new WalBatch(pointCount);
    MetricsBatchResult result = store.storeAll(batch, journal);
    if (!journal.isEmpty()) {
      try {
        long mark = wal.append(journal);
        if (options.syncEachBatch()) {
          wal.sync(mark);
        }
      } catch (IOException e) {
        lastError = "write-ahead log write failed: " + e;
        throw new StorageUnavailableException("cannot write the write-ahead log in " + options.dir() + ": " + e, e);
      }
    }
    return result;
  }

  /** The reason given for items refused because the directory is full. */
  public String fullReason() {
    return "storage full: maxDiskBytes=" + options.maxDiskBytes();
  }

  private void syncQuietly() {
    try {
      if (wal.dirty()) {
        wal.syncAll();
      }
    } catch (IOException | RuntimeException e) {
      lastError = "fsync failed: " + e;
      LOG.error("data directory {}: fsync failed", options.dir(), e);
    }
  }

  /** Gives the store's grown head buffers back once writes have paused for {@link #HEAD_IDLE}. */
  private void trimQuietly() {
    try {
      if (store.trimIfIdle(System.nanoTime(), HEAD_IDLE.toNanos())) {
        LOG.debug("data directory {}: writes paused, the store's head buffers given back", options.dir());
      }
    } catch (RuntimeException e) {
      LOG.warn("data directory {}: trimming the store's head failed", options.dir(), e);
    }
  }

  private void flushLater(long segment) {
    flusher.execute(() -> flush(segment));
  }

  private void flush(long segment) {
    Path file = WriteAheadLog.segmentFile(walDir, segment);
    try {
      long cutoff;
      synchronized (retentionLock) {
        cutoff = cutoffFor(segment);
      }
      long segmentBytes = Files.size(file);
      ChunkFiles.Info info = ChunkFiles.writeFromSegment(file, chunkDir, segment, cutoff);
      chunkFiles.put(segment, info);
      usage.add(info.bytes());
      Files.delete(file);
      FramedRecords.syncDirectory(walDir);
      usage.add(-segmentBytes);
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      lastError = "flushing wal segment " + segment + " failed (kept; replayed on restart): " + e;
      LOG.error("data directory {}: {}", options.dir(), lastError, e);
    }
  }

  /**
   * Retention: deletes raw points before {@code cutoff} from memory, records the cutoff for what is
   * on disk, and deletes the chunk files that hold nothing newer.
   */
  public long deleteBefore(long cutoff) {
    long removed = store.deleteBefore(cutoff);
    synchronized (retentionLock) {
      try {
        long covered = wal.rollForRetention();
        markers.merge(covered, cutoff, Math::max);
        Records.Out out = new Records.Out(16);
        out.writeLong(covered);
        out.writeLong(cutoff);
        ByteBuffer frame = FramedRecords.frame(out.bytes, out.size);
        int n = frame.remaining();
        while (frame.hasRemaining()) {
          retentionChannel.write(frame);
        }
        retentionChannel.force(false);
        usage.add(n);
      } catch (IOException e) {
        lastError = "retention marker write failed: " + e;
        throw new UncheckedIOException(e);
      }
    }
    for (ChunkFiles.Info info : chunkFiles.values()) {
      if (info.maxTime() < cutoff && info.number() <= markers.lastKey()) {
        try {
          Files.deleteIfExists(ChunkFiles.file(chunkDir, info.number()));
          chunkFiles.remove(info.number());
          usage.add(-info.bytes());
        } catch (IOException e) {
          lastError = "cannot delete " + info.number() + ": " + e;
        }
      }
    }
    return removed;
  }

  // ---- reporting ----

  /** Points loaded on open. */
  public long loadedPoints() {
    return loadedPoints;
  }

  /** Milliseconds the open took. */
  public long loadMillis() {
    return loadMillis;
  }

  /** Bytes the directory's files take. */
  public long diskBytes() {
    return usage.get();
  }

  /** Whether the directory is full: the last batch was refused for want of room. */
  public boolean full() {
    return refusing || usage.get() >= options.maxDiskBytes();
  }

  /** Files set aside on open because they failed their checks. */
  public List<String> quarantined() {
    return List.copyOf(quarantined);
  }

  /** Problems repaired on open (torn tails cut off). */
  public List<String> recovered() {
    return List.copyOf(recovered);
  }

  /** The last write, flush or fsync failure, {@code ""} when none. */
  public String lastError() {
    return lastError;
  }

  /** Health details. */
  public Map<String, Object> details() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("data_dir", options.dir().toAbsolutePath().toString());
    d.put("fsync", options.syncEachBatch() ? "batch" : "interval " + options.syncInterval().toMillis() + "ms");
    d.put("disk_bytes", usage.get());
    d.put("max_disk_bytes", options.maxDiskBytes());
    d.put("chunk_files", chunkFiles.size());
    d.put("loaded_points", loadedPoints);
    d.put("quarantined", quarantined());
    d.put("recovered", recovered());
    if (!lastError.isEmpty()) {
      d.put("last_error", lastError);
    }
    return d;
  }

  /**
   * Flushes what the log holds into chunk files, syncs, and releases the directory: the next open
   * loads chunk files only.
   */
  @Override
  public void close() {
    // shutdown, not shutdownNow: an interrupt in the middle of an fsync would close the log's channel
    syncer.shutdown();
    try {
      syncer.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (wal != null) {
        wal.roll();
      }
    } catch (IOException e) {
      LOG.error("data directory {}: final roll failed; the log is replayed on restart", options.dir(), e);
    }
    flusher.shutdown();
    try {
      if (!flusher.awaitTermination(5, TimeUnit.MINUTES)) {
        LOG.error("data directory {}: flush did not finish; the log is replayed on restart", options.dir());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(wal);
    closeQuietly(rollupLog);
    closeQuietly(retentionChannel);
    try {
      if (lock != null) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("data directory {}: releasing the lock failed", options.dir(), e);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing {} failed", c, e);
    }
  }
}
