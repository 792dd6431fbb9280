package org.metricspipeline.core;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.core.internal.FramedRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disk buffer for an ingestion channel without durability of its own (the HTTP channel): items
 * are appended to a local log before the producer hears they were accepted, and a restarted
 * process gets back every item not yet {@link #settle settled} ({@link #recovered()}), so
 * {@code ack=accepted} survives a kill -9. Delivery stays at-least-once: an item settled just
 * before a crash may come back once more.
 *
 * <p>On disk: segments {@code <n>.buf} of records {@code [length u32][crc32c u32][payload]}
 * ({@link FramedRecords}), each payload the first sequence number, the number of items and the items
 * as JSON ({@link MetricsJson}); a {@code settled}
 * file with the lowest sequence number not yet settled, rewritten every {@link Builder#syncInterval}
 * along with an fsync of the log; segments wholly below it are deleted. A torn or corrupt tail is cut
 * off on open. Bounded: {@link #append} refuses with {@link OverloadedException} when the log would
 * pass {@link Builder#maxBytes}. A power failure may lose the items appended in the last sync interval;
 * a process crash loses none. One process owns a directory (a lock file).
 */
public final class DiskBuffer implements AutoCloseable {

  /** Default bound on the log's size: 256 MiB. */
  public static final long DEFAULT_MAX_BYTES = 256L << 20;
  /** Default interval between fsyncs and settled-checkpoints. */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(DiskBuffer.class);
  private static final String SUFFIX = ".buf";
  private static final long SEGMENT_BYTES = 16L << 20;
  /** A record's payload: the first item's sequence number (u64), the number of items (u32), the items as JSON. */
  private static final int RECORD_PREFIX = 12;

  /** An item recovered from the log, with the sequence number to {@link #settle} it by. */
  public record Pending(long sequence, MetricsData item) {
    /** Validates. */
    public Pending {
      Objects.requireNonNull(item, "item");
    }
  }

  private final Path dir;
  private final long maxBytes;
  private final Duration retryAfter;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ScheduledExecutorService syncer;
  private final ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
  /** Segment number -> the last sequence number it holds. */
  private final ConcurrentSkipListMap<Long, Long> segments = new ConcurrentSkipListMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final List<Pending> recovered;
  private final Object writeLock = new Object();
  private long nextSequence;
  private long segment;
  private long segmentSize;
  private FileChannel channel;
  private long checkpointed = -1;

  private DiskBuffer(Builder b) throws IOException {
    this.dir = Files.createDirectories(b.dir);
    this.maxBytes = b.maxBytes;
    this.retryAfter = b.retryAfter;
    this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new ConfigurationException("disk buffer directory " + dir.toAbsolutePath()
          + " is in use by another process; give each channel its own directory");
    }
    this.lock = l;
    long settled = readSettled();
    List<Pending> found = new ArrayList<>();
    long highestSegment = 0;
    nextSequence = settled;
    for (long n : segmentNumbers()) {
      highestSegment = Math.max(highestSegment, n);
      long last = replay(segmentFile(n), settled, found);
      if (last < settled) {
        Files.delete(segmentFile(n));
      } else {
        segments.put(n, last);
        bytes.addAndGet(Files.size(segmentFile(n)));
      }
    }
    for (Pending p : found) {
      outstanding.add(p.sequence());
    }
    this.recovered = List.copyOf(found);
    openSegment(highestSegment + 1);
    this.syncer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metrics-diskbuffer-sync-1");
      t.setDaemon(true);
      return t;
    });
    long every = b.syncInterval.toMillis();
    syncer.scheduleWithFixedDelay(this::checkpointQuietly, every, every, TimeUnit.MILLISECONDS);
    if (!recovered.isEmpty()) {
      LOG.info("disk buffer {}: {} unsettled items recovered for redelivery", dir, recovered.size());
    }
  }

  /** A builder for a buffer in {@code dir}. */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  private Path segmentFile(long n) {
    return dir.resolve(String.format("%016d%s", n, SUFFIX));
  }

  private List<Long> segmentNumbers() throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(SUFFIX)) {
          try {
            out.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
          } catch (NumberFormatException e) {
            // not ours
          }
        }
      }
    }
    out.sort(null);
    return out;
  }

  private long readSettled() throws IOException {
    Path f = dir.resolve("settled");
    if (!Files.exists(f)) {
      return 0;
    }
    try {
      return Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      LOG.warn("disk buffer {}: unreadable settled checkpoint; redelivering everything in the log", dir);
      return 0;
    }
  }

  /**
   * Reads a segment's valid records (cutting off a torn tail); returns its last sequence number. An
   * item that does not decode keeps its sequence number (the others keep theirs) and is dropped
   * with an error: it could never be delivered.
   */
  private long replay(Path file, long settled, List<Pending> out) throws IOException {
    long[] last = {-1};
    FramedRecords.Scan scan = FramedRecords.scan(file, 0, payload -> {
      if (payload.length < RECORD_PREFIX) {
        LOG.error("disk buffer {}: a record of {} bytes in {} is too short; skipped", dir, payload.length,
            file.getFileName());
        return;
      }
      ByteBuffer p = ByteBuffer.wrap(payload);
      long first = p.getLong();
      int count = p.getInt();
      List<DecodedBatch.Item> items;
      try {
        items = MetricsJson.decodeBatch(Arrays.copyOfRange(payload, RECORD_PREFIX, payload.length)).items();
      } catch (RuntimeException e) {
        LOG.error("disk buffer {}: {} items from sequence number {} in {} do not decode; dropped: {}",
            dir, count, first, file.getFileName(), e.toString());
        items = List.of();
      }
      for (DecodedBatch.Item item : items) {
        long sequence = first + item.index();
        if (sequence < settled) {
          continue;
        }
        if (item.isDecoded()) {
          out.add(new Pending(sequence, item.data().orElseThrow()));
        } else {
          LOG.error("disk buffer {}: the item of sequence number {} in {} does not decode; dropped: {}",
              dir, sequence, file.getFileName(), item.errors());
        }
      }
      last[0] = first + count - 1;
      nextSequence = Math.max(nextSequence, first + count);
    });
    if (!scan.clean()) {
      LOG.warn("disk buffer {}: {} in {}; cut off {} bytes", dir, scan.problem(), file.getFileName(),
          scan.invalidBytes());
      FramedRecords.truncate(file, scan.validBytes());
    }
    return last[0];
  }

  private void openSegment(long n) throws IOException {
    segment = n;
    channel = FileChannel.open(segmentFile(n), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    segmentSize = 0;
    segments.put(n, -1L);
  }

  /** Items not settled when the buffer was last used, in order, to deliver again. */
  public List<Pending> recovered() {
    return recovered;
  }

  /**
   * Appends items (in the operating system's page cache when this returns: a process crash cannot
   * lose them); returns the sequence number of the first, the others following.
   *
   * @throws OverloadedException when the log would pass {@code maxBytes}
   * @throws StorageUnavailableException when the log cannot be written
   */
  public long append(List<MetricsData> items) {
    byte[] json = MetricsJson.encodeItems(items);
    byte[] payload = new byte[RECORD_PREFIX + json.length];
    System.arraycopy(json, 0, payload, RECORD_PREFIX, json.length);
    synchronized (writeLock) {
      int size = FramedRecords.HEADER_BYTES + payload.length;
      if (bytes.get() + size > maxBytes) {
        throw new OverloadedException("the disk buffer is full (maxBytes=" + maxBytes + ")", retryAfter);
      }
      long first = nextSequence;
      ByteBuffer.wrap(payload).putLong(first).putInt(items.size());
      ByteBuffer record = FramedRecords.frame(payload, payload.length);
      try {
        if (segmentSize >= SEGMENT_BYTES) {
          channel.force(false);
          channel.close();
          openSegment(segment + 1);
        }
        while (record.hasRemaining()) {
          channel.write(record);
        }
      } catch (IOException e) {
        throw new StorageUnavailableException("cannot write the disk buffer in " + dir + ": " + e, e);
      }
      segmentSize += size;
      bytes.addAndGet(size);
      nextSequence = first + items.size();
      for (int i = 0; i < items.size(); i++) {
        outstanding.add(first + i);
      }
      segments.put(segment, nextSequence - 1);
      return first;
    }
  }

  /** Marks an item as handled (stored, or rejected for good): it will not be delivered again. */
  public void settle(long sequence) {
    outstanding.remove(sequence);
  }

  /** Bytes the log takes now. */
  public long bytes() {
    return bytes.get();
  }

  /** Items appended or recovered and not settled yet. */
  public int unsettled() {
    return outstanding.size();
  }

  private void checkpointQuietly() {
    try {
      checkpoint();
    } catch (IOException | RuntimeException e) {
      LOG.error("disk buffer {}: checkpoint failed", dir, e);
    }
  }

  /** Syncs the log, records the lowest unsettled sequence number, deletes wholly settled segments. */
  void checkpoint() throws IOException {
    long low;
    long current;
    synchronized (writeLock) {
      channel.force(false);
      Long first = outstanding.isEmpty() ? null : outstanding.first();
      low = first == null ? nextSequence : first;
      current = segment;
    }
    if (low == checkpointed) {
      return;
    }
    Path tmp = dir.resolve("settled.tmp");
    Files.writeString(tmp, Long.toString(low), StandardCharsets.US_ASCII);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, dir.resolve("settled"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    checkpointed = low;
    for (Map.Entry<Long, Long> e : segments.headMap(current).entrySet()) {
      if (e.getValue() < low) {
        long size = Files.size(segmentFile(e.getKey()));
        Files.deleteIfExists(segmentFile(e.getKey()));
        segments.remove(e.getKey());
        bytes.addAndGet(-size);
      }
    }
  }

  /** Syncs, checkpoints and releases the directory; unsettled items come back on the next open. */
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
      checkpoint();
      synchronized (writeLock) {
        channel.close();
      }
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the disk buffer in " + dir + " failed", e);
    }
  }

  /** Builds a {@link DiskBuffer}; setters reject values out of range, naming them. */
  public static final class Builder {
    private final Path dir;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private Duration syncInterval = DEFAULT_SYNC_INTERVAL;
    private Duration retryAfter = Duration.ofSeconds(1);

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
    }

    /** The most bytes the log may take, at least 1 MiB (default 256 MiB); beyond it appends are refused. */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < (1 << 20)) {
        throw new IllegalArgumentException("maxBytes must be >= 1048576 (1 MiB), got " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /** How often the log is fsynced and the settled checkpoint written, 1 ms to 1 minute (default 1 s). */
    public Builder syncInterval(Duration syncInterval) {
      Objects.requireNonNull(syncInterval, "syncInterval");
      if (syncInterval.toMillis() < 1 || syncInterval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("syncInterval must be between 1ms and 1m, got " + syncInterval);
      }
      this.syncInterval = syncInterval;
      return this;
    }

    /** The {@code Retry-After} a refusal carries (default 1 s). */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
      return this;
    }

    /**
     * Opens the buffer, recovering what a previous process left.
     *
     * @throws ConfigurationException when another process holds the directory
     * @throws StorageUnavailableException when the directory cannot be read or written
     */
    public DiskBuffer build() {
      try {
        return new DiskBuffer(this);
      } catch (IOException e) {
        throw new StorageUnavailableException("cannot open the disk buffer in " + dir + ": " + e, e);
      }
    }
  }
}
