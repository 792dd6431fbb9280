package org.metricspipeline.adapters.memory.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.metricspipeline.core.internal.FramedRecords;

/**
 * The write-ahead log of a data directory: numbered segment files ({@code wal/<n>.wal}) of framed
 * records ({@link Records}), one record per stored batch. A segment that reaches its size is
 * closed (after an fsync) and handed to {@code onSealed}, which turns it into a chunk file and
 * deletes it. Appends are serialized; fsyncs are grouped: one {@code force} covers every record
 * appended before it, whoever asked for it.
 */
final class WriteAheadLog implements AutoCloseable {

  static final String SUFFIX = ".wal";

  private final Path dir;
  private final long segmentBytes;
  private final LongConsumer onSealed;
  private final DiskUsage usage;
  private final Object lock = new Object();
  private final Object syncLock = new Object();
  private final AtomicLong synced = new AtomicLong();
  private long segment;
  private FileChannel channel;
  private long written;
  private long appended;
  private boolean closing;
  private BitSet defined = new BitSet();
  private final Records.Out header = new Records.Out(256);
  private final Records.Out payload = new Records.Out(1 << 16);

  WriteAheadLog(Path dir, long firstSegment, long segmentBytes, DiskUsage usage, LongConsumer onSealed)
      throws IOException {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.usage = usage;
    this.onSealed = onSealed;
    open(firstSegment);
  }

  static Path segmentFile(Path dir, long segment) {
    return dir.resolve(String.format("%016d%s", segment, SUFFIX));
  }

  private void open(long number) throws IOException {
    segment = number;
    channel = FileChannel.open(segmentFile(dir, number), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    FramedRecords.syncDirectory(dir);
    written = 0;
    defined = new BitSet();
  }

  /**
   * Reopens the current segment when an interrupt closed its channel (NIO closes a channel whose
   * user is interrupted mid-operation); what was written stays, appends continue at its end.
   */
  private void ensureOpenLocked() throws IOException {
    if (!channel.isOpen() && !closing) {
      channel = FileChannel.open(segmentFile(dir, segment), StandardOpenOption.WRITE);
      channel.truncate(written);
      channel.position(written);
    }
  }

  /** Appends a batch; returns the log position to {@link #sync(long)} to for it to be durable. */
  long append(WalBatch batch) throws IOException {
    synchronized (lock) {
      ensureOpenLocked();
      header.reset();
      int defs = 0;
      for (int i = 0; i < batch.seriesCount; i++) {
        int ordinal = batch.ordinals[i];
        if (!defined.get(ordinal)) { // once, even when the batch lists a series twice
          defined.set(ordinal);
          header.writeVarLong(ordinal);
          header.writeSeries(batch.series[i]);
          defs++;
        }
      }
      payload.reset();
      payload.writeVarLong(defs);
      payload.append(header);
      payload.writeVarLong(batch.pointCount);
      payload.append(batch.points);
      payload.writeVarLong(batch.contexts.size());
      for (byte[] c : batch.contexts) {
        payload.writeBytes(c);
      }
      ByteBuffer frame = FramedRecords.frame(payload.bytes, payload.size);
      int n = frame.remaining();
      try {
        while (frame.hasRemaining()) {
          channel.write(frame);
        }
      } catch (IOException e) {
        // a partial record would hide every later one from replay: cut it off
        channel.truncate(written);
        channel.position(written);
        throw e;
      }
      written += n;
      appended += n;
      usage.add(n);
      long mark = appended;
      if (written >= segmentBytes) {
        rollLocked();
      }
      return mark;
    }
  }

  /** Closes the current segment (if it holds anything) and starts the next; returns the closed one, or -1. */
  long roll() throws IOException {
    synchronized (lock) {
      return written == 0 ? -1 : rollLocked();
    }
  }

  /**
   * Closes the current segment if it holds anything; returns the last segment holding records
   * appended before this call (what a retention cutoff taken now applies to).
   */
  long rollForRetention() throws IOException {
    synchronized (lock) {
      return written == 0 ? segment - 1 : rollLocked();
    }
  }

  private long rollLocked() throws IOException {
    ensureOpenLocked();
    long closed = segment;
    channel.force(false);
    synced.accumulateAndGet(appended, Math::max);
    channel.close();
    open(segment + 1);
    onSealed.accept(closed);
    return closed;
  }

  /** The segment being written. */
  long currentSegment() {
    synchronized (lock) {
      return segment;
    }
  }

  /** Makes every record up to {@code mark} durable (one fsync for all waiting writers). */
  void sync(long mark) throws IOException {
    if (synced.get() >= mark) {
      return;
    }
    synchronized (syncLock) {
      if (synced.get() >= mark) {
        return;
      }
      long target;
      FileChannel ch;
      synchronized (lock) {
        target = appended;
        ch = channel;
      }
      try {
        ch.force(false);
      } catch (ClosedChannelException e) {
        synchronized (lock) { // rolled meanwhile (the roll forced it), or closed by an interrupt
          ensureOpenLocked();
          channel.force(false);
        }
      }
      synced.accumulateAndGet(target, Math::max);
    }
  }

  /** Makes everything appended so far durable. */
  void syncAll() throws IOException {
    long target;
    synchronized (lock) {
      target = appended;
    }
    sync(target);
  }

  /** Whether records were appended since the last fsync. */
  boolean dirty() {
    synchronized (lock) {
      return appended > synced.get();
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      ensureOpenLocked();
      closing = true;
      if (channel.isOpen()) {
        channel.force(false);
        channel.close();
      }
      if (written == 0) {
        Files.deleteIfExists(segmentFile(dir, segment));
      }
    }
  }

  /** Bytes a data directory holds, for its {@code maxDiskBytes} bound. */
  static final class DiskUsage {
    private final AtomicLong bytes = new AtomicLong();

    void add(long n) {
      bytes.addAndGet(n);
    }

    long get() {
      return bytes.get();
    }
  }
}
