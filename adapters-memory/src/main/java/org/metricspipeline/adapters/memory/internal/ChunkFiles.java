package org.metricspipeline.adapters.memory.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.core.internal.FramedRecords;

/**
 * Immutable chunk files ({@code chunks/<n>.chunk}): the points of write-ahead log segment
 * {@code n}, per series sorted and compressed by {@link ChunkCodec} in blocks of at most
 * {@link #BLOCK_POINTS} points, plus the segment's contexts. Framed records ({@link Records}):
 * series blocks, contexts, and a last record that says how many came before it and the time span,
 * so a file cut short is told apart from a complete one. Written to a temporary file, synced and
 * renamed, so a crash leaves either the whole file or none.
 */
final class ChunkFiles {

  static final String SUFFIX = ".chunk";
  static final int BLOCK_POINTS = 4096;
  private static final int SERIES_BLOCK = 1;
  private static final int CONTEXT = 3;
  private static final int END = 9;

  private ChunkFiles() {}

  static Path file(Path dir, long number) {
    return dir.resolve(String.format("%016d%s", number, SUFFIX));
  }

  /** A chunk file's number and time span. */
  record Info(long number, long minTime, long maxTime, long bytes, long points) {}

  private static final long[] NO_TIMES = new long[0];
  private static final double[] NO_VALUES = new double[0];

  /** One series' points gathered from a segment. */
  private static final class Gathered {
    final String type;
    final String source;
    final String name;
    final String unit;
    final Map<String, String> tags;
    // sized by what arrives (a segment may hold a million series of a few points each: fixed
    // 64-slot arrays made a flush's transient heap about 1 KB per series)
    long[] times = NO_TIMES;
    double[] values = NO_VALUES;
    int size;

    Gathered(String type, String source, String name, String unit, Map<String, String> tags) {
      this.type = type;
      this.source = source;
      this.name = name;
      this.unit = unit;
      this.tags = tags;
    }

    void add(long[] t, double[] v, int n, long cutoff) {
      if (size + n > times.length) {
        int capacity = Math.max(size + n, Math.max(size * 2, 8)); // not 1, 2, 4: copies per point
        times = Arrays.copyOf(times, capacity);
        values = Arrays.copyOf(values, capacity);
      }
      for (int i = 0; i < n; i++) {
        if (t[i] < cutoff) {
          continue;
        }
        times[size] = t[i];
        values[size] = v[i];
        size++;
      }
    }
  }

  /**
   * Turns segment {@code segment} (its valid records) into chunk file {@code number}, dropping
   * points before {@code cutoff}; returns the file's info.
   */
  static Info writeFromSegment(Path segment, Path chunkDir, long number, long cutoff) throws IOException {
    // a segment defines each series once, under its store ordinal: the decoder's ordinal table is
    // the only index needed (a map keyed by the identity as text cost ~200 B per series while a
    // flush ran, 200 MB at a million series)
    List<Gathered> gathered = new ArrayList<>();
    List<MetricsData> contexts = new ArrayList<>();
    WalBatch.Ordinals<Gathered> known = new WalBatch.Ordinals<>();
    WalBatch.Sink<Gathered> sink = new WalBatch.Sink<>() {
      @Override
      public Gathered series(String type, String source, String name, String unit, Map<String, String> tags) {
        Gathered g = new Gathered(type, source, name, unit, tags);
        gathered.add(g);
        return g;
      }

      @Override
      public void points(Gathered g, long[] times, double[] values, int n) {
        g.add(times, values, n, cutoff);
      }

      @Override
      public void context(MetricsData item) {
        if (item.timestamp().toEpochMilli() >= cutoff) {
          contexts.add(item);
        }
      }
    };
    FramedRecords.scan(segment, 0, payload -> WalBatch.decode(payload, known, sink));
    return write(chunkDir, number, gathered, contexts);
  }

  private static Info write(Path chunkDir, long number, Iterable<Gathered> series, List<MetricsData> contexts)
      throws IOException {
    Path target = file(chunkDir, number);
    Path tmp = chunkDir.resolve(target.getFileName() + ".tmp");
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long points = 0;
    int records = 0;
    Records.Out out = new Records.Out(1 << 16);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
        OutputStream os = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
      for (Gathered g : series) {
        if (g.size == 0) {
          continue;
        }
        PointSorter.sort(g.times, g.values, g.size);
        for (int from = 0; from < g.size; from += BLOCK_POINTS) {
          int n = Math.min(BLOCK_POINTS, g.size - from);
          long[] t = Arrays.copyOfRange(g.times, from, from + n);
          double[] v = Arrays.copyOfRange(g.values, from, from + n);
          out.reset();
          out.writeByte(SERIES_BLOCK);
          out.writeSeries(g.type, g.source, g.name, g.unit, g.tags);
          out.writeBytes(ChunkCodec.encode(t, v, n));
          writeRecord(os, out);
          records++;
          min = Math.min(min, t[0]);
          max = Math.max(max, t[n - 1]);
          points += n;
        }
      }
      for (MetricsData item : contexts) {
        out.reset();
        out.writeByte(CONTEXT);
        out.writeBytes(MetricsJson.encode(item));
        writeRecord(os, out);
        records++;
      }
      out.reset();
      out.writeByte(END);
      out.writeVarLong(records);
      out.writeLong(min);
      out.writeLong(max);
      writeRecord(os, out);
      os.flush();
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    FramedRecords.syncDirectory(chunkDir);
    return new Info(number, min, max, Files.size(target), points);
  }

  private static void writeRecord(OutputStream os, Records.Out out) throws IOException {
    ByteBuffer frame = FramedRecords.frame(out.bytes, out.size);
    os.write(frame.array(), 0, frame.limit());
  }

  /**
   * Loads a chunk file into {@code store}, dropping points before {@code cutoff}, after checking
   * all of it: a file that is cut short or fails a checksum loads nothing and throws.
   */
  static Info load(Path file, long number, SeriesStore store, long cutoff) throws IOException {
    List<byte[]> payloads = new ArrayList<>();
    FramedRecords.Scan scan = FramedRecords.scan(file, 0, payloads::add);
    if (!scan.clean()) {
      throw new IOException(scan.problem());
    }
    if (payloads.isEmpty()) {
      throw new IOException("empty chunk file");
    }
    Records.In end = new Records.In(payloads.get(payloads.size() - 1));
    if (end.readByte() != END || end.readVarLong() != payloads.size() - 1) {
      throw new IOException("chunk file has no valid end record (cut short)");
    }
    long min = end.readLong();
    long max = end.readLong();
    long[] times = new long[BLOCK_POINTS];
    double[] values = new double[BLOCK_POINTS];
    long points = 0;
    for (int i = 0; i < payloads.size() - 1; i++) {
      Records.In in = new Records.In(payloads.get(i));
      int type = in.readByte();
      if (type == SERIES_BLOCK) {
        Series s = in.readSeries(store);
        byte[] encoded = in.readBytes();
        if (ChunkCodec.count(encoded) > BLOCK_POINTS) {
          throw new IOException("chunk block holds more than " + BLOCK_POINTS + " points");
        }
        int n = ChunkCodec.decode(encoded, times, values);
        int from = 0;
        while (from < n && times[from] < cutoff) {
          from++;
        }
        if (from > 0) {
          System.arraycopy(times, from, times, 0, n - from);
          System.arraycopy(values, from, values, 0, n - from);
        }
        store.restorePoints(s, times, values, n - from);
        points += n - from;
      } else if (type == CONTEXT) {
        MetricsData item = MetricsJson.decode(in.readBytes());
        if (item.timestamp().toEpochMilli() >= cutoff) {
          store.restoreContext(item);
        }
      }
    }
    return new Info(number, min, max, Files.size(file), points);
  }
}
