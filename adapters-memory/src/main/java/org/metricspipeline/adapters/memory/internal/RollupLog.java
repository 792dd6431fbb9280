package org.metricspipeline.adapters.memory.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.core.internal.FramedRecords;

/**
 * The rollups of a data directory ({@code rollups.log}): every rollup and rollup deletion, in
 * order, as framed records, each synced before the call returns. Replayed on start (a torn tail
 * is cut off), and rewritten as one record per series and resolution when it has grown past
 * {@link #COMPACT_BYTES}.
 */
final class RollupLog implements RollupStore.Listener, AutoCloseable {

  static final String FILE = "rollups.log";
  static final long COMPACT_BYTES = 64L << 20;
  private static final int ROLLUP = 1;
  private static final int DELETE = 2;

  private final Path file;
  private final WriteAheadLog.DiskUsage usage;
  private FileChannel channel;

  private RollupLog(Path file, WriteAheadLog.DiskUsage usage) {
    this.file = file;
    this.usage = usage;
  }

  /** Replays the log into {@code rollups}, compacts it when large, and opens it for appending. */
  static RollupLog open(Path dir, SeriesStore store, RollupStore rollups, WriteAheadLog.DiskUsage usage,
      List<String> problems) throws IOException {
    Path file = dir.resolve(FILE);
    RollupLog log = new RollupLog(file, usage);
    if (Files.exists(file)) {
      FramedRecords.Scan scan = FramedRecords.scan(file, 0, payload -> replay(payload, store, rollups));
      if (!scan.clean()) {
        problems.add(FILE + ": " + scan.problem() + "; cut off " + scan.invalidBytes() + " bytes");
        FramedRecords.truncate(file, scan.validBytes());
      }
      if (scan.validBytes() > COMPACT_BYTES) {
        log.compact(rollups);
      }
    }
    log.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    usage.add(log.channel.size());
    return log;
  }

  private static void replay(byte[] payload, SeriesStore store, RollupStore rollups) {
    Records.In in = new Records.In(payload);
    int type = in.readByte();
    Resolution r = Resolution.values()[in.readByte()];
    if (type == DELETE) {
      rollups.deleteBefore(r, in.readLong());
      return;
    }
    long from = in.readLong();
    long to = in.readLong();
    long watermark = in.readLong();
    int n = in.readVarInt();
    for (int i = 0; i < n; i++) {
      Series s = in.readSeries(store);
      rollups.restore(r, from, to, s, readColumns(in));
    }
    rollups.restoreWatermark(r, watermark);
  }

  private void compact(RollupStore rollups) throws IOException {
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      for (Resolution r : Resolution.values()) {
        Map<Series, RollupStore.Columns> all = new HashMap<>(rollups.columns(r));
        Records.Out out = new Records.Out(1 << 16);
        encode(out, r, Long.MIN_VALUE, Long.MAX_VALUE, rollups.watermarkMillis(r),
            List.copyOf(all.keySet()), List.copyOf(all.values()));
        write(ch, out);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    FramedRecords.syncDirectory(file.getParent());
  }

  private static void encode(Records.Out out, Resolution r, long from, long to, long watermark,
      List<Series> series, List<RollupStore.Columns> columns) {
    out.writeByte(ROLLUP);
    out.writeByte(r.ordinal());
    out.writeLong(from);
    out.writeLong(to);
    out.writeLong(watermark);
    out.writeVarLong(series.size());
    for (int i = 0; i < series.size(); i++) {
      out.writeSeries(series.get(i));
      writeColumns(out, columns.get(i));
    }
  }

  private static void writeColumns(Records.Out out, RollupStore.Columns c) {
    out.writeVarLong(c.size);
    for (int i = 0; i < c.size; i++) {
      out.writeLong(c.starts[i]);
      out.writeLong(c.count(i));
      out.writeDouble(c.sum(i));
      out.writeDouble(c.min(i));
      out.writeDouble(c.max(i));
      out.writeLong(c.firstTime(i));
      out.writeDouble(c.firstValue(i));
      out.writeLong(c.lastTime(i));
      out.writeDouble(c.lastValue(i));
      out.writeDouble(c.increase(i));
    }
  }

  private static RollupStore.Columns readColumns(Records.In in) {
    int n = in.readVarInt();
    RollupStore.Columns.Builder b = new RollupStore.Columns.Builder();
    for (int i = 0; i < n; i++) {
      b.addRaw(in.readLong(), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readLong(),
          in.readDouble(), in.readLong(), in.readDouble(), in.readDouble());
    }
    return b.build();
  }

  private void write(FileChannel ch, Records.Out out) throws IOException {
    ByteBuffer frame = FramedRecords.frame(out.bytes, out.size);
    int n = frame.remaining();
    while (frame.hasRemaining()) {
      ch.write(frame);
    }
    if (ch == channel) {
      usage.add(n);
    }
  }

  @Override
  public void rolledUp(Resolution r, long from, long to, long watermark, List<Series> series,
      List<RollupStore.Columns> columns) {
    Records.Out out = new Records.Out(1 << 12);
    encode(out, r, from, to, watermark, series, columns);
    append(out);
  }

  @Override
  public void deleted(Resolution r, long cutoff) {
    Records.Out out = new Records.Out(32);
    out.writeByte(DELETE);
    out.writeByte(r.ordinal());
    out.writeLong(cutoff);
    append(out);
  }

  private synchronized void append(Records.Out out) {
    try {
      write(channel, out);
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
