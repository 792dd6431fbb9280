package org.metricspipeline.adapters.memory.internal;

/**
 * An immutable view of one series' points in order (timestamp, then value), readable without locks:
 * chunks in the view are never modified below the sizes it captured.
 *
 * <p>A position is encoded as {@code (chunkIndex << 32) | indexInChunk}. Sealed chunks are decoded
 * on the fly into scratch columns, so one snapshot is for one thread.
 */
public final class SeriesSnapshot {

  private final Series series;
  private final Chunk[] chunks;
  private final int chunkCount;
  private final int lastSize;
  private final long pointCount;
  /** The sealed chunk last decoded, and its columns: a snapshot is read by one thread at a time. */
  private int viewChunk = -1;
  private int[] viewOffsets = new int[0];
  private double[] viewValues = new double[0];

  SeriesSnapshot(Series series, Chunk[] chunks, int chunkCount, int lastSize, long pointCount) {
    this.series = series;
    this.chunks = chunks;
    this.chunkCount = chunkCount;
    this.lastSize = lastSize;
    this.pointCount = pointCount;
  }

  /** The series viewed. */
  public Series series() {
    return series;
  }

  /** The number of points in the view. */
  public long pointCount() {
    return pointCount;
  }

  int chunkCount() {
    return chunkCount;
  }

  Chunk chunk(int c) {
    return chunks[c];
  }

  int size(int c) {
    return c == chunkCount - 1 ? lastSize : chunks[c].count();
  }

  /**
   * The timestamp offsets (from the chunk's base) of chunk {@code c}: its own column while open,
   * else decoded into this snapshot's scratch columns, valid until another sealed chunk is read.
   */
  int[] offsets(int c) {
    Chunk chunk = chunks[c];
    if (!chunk.isSealed()) {
      return chunk.offsets;
    }
    load(c, chunk);
    return viewOffsets;
  }

  /** The values of chunk {@code c}, as {@link #offsets(int)}; read after it for the same chunk. */
  double[] values(int c) {
    Chunk chunk = chunks[c];
    if (!chunk.isSealed()) {
      return chunk.values;
    }
    load(c, chunk);
    return viewValues;
  }

  private void load(int c, Chunk chunk) {
    if (viewChunk == c) {
      return;
    }
    int n = chunk.count();
    if (viewOffsets.length < n) {
      viewOffsets = new int[n];
      viewValues = new double[n];
    }
    chunk.read(viewOffsets, viewValues);
    viewChunk = c;
  }

  static int chunkOf(long position) {
    return (int) (position >>> 32);
  }

  static int indexOf(long position) {
    return (int) position;
  }

  static long position(int chunk, int index) {
    return ((long) chunk << 32) | index;
  }

  /** The position just after the last point. */
  long endPosition() {
    return position(chunkCount, 0);
  }

  /** The first position whose timestamp is {@code >= time}, or {@link #endPosition()}. */
  long lowerBound(long time) {
    if (chunkCount == 0) {
      return endPosition();
    }
    int lo = 0;
    int hi = chunkCount;
    while (lo < hi) { // first chunk whose last time is >= time
      int mid = (lo + hi) >>> 1;
      Chunk c = chunks[mid];
      if (c.lastTime(size(mid)) < time) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == chunkCount) {
      return endPosition();
    }
    long base = chunks[lo].base;
    int[] offsets = offsets(lo);
    int a = 0;
    int b = size(lo) - 1;
    while (a < b) {
      int mid = (a + b) >>> 1;
      if (base + offsets[mid] < time) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    return position(lo, a);
  }

  /** The number of points between two positions ({@code from <= to}). */
  long countBetween(long from, long to) {
    int c0 = chunkOf(from);
    int c1 = chunkOf(to);
    if (c0 == c1) {
      return indexOf(to) - indexOf(from);
    }
    long n = size(c0) - indexOf(from);
    for (int c = c0 + 1; c < c1; c++) {
      n += size(c);
    }
    return n + (c1 < chunkCount ? indexOf(to) : 0);
  }

  /** The timestamp at a position before {@link #endPosition()}. */
  long timeAt(long position) {
    int c = chunkOf(position);
    return chunks[c].base + offsets(c)[indexOf(position)];
  }

  /** The value at a position before {@link #endPosition()}. */
  double valueAt(long position) {
    return values(chunkOf(position))[indexOf(position)];
  }

  /** The position after {@code position}. */
  long next(long position) {
    int c = chunkOf(position);
    int i = indexOf(position) + 1;
    return i < size(c) ? position(c, i) : position(c + 1, 0);
  }

  /** The position before {@code position} (which must not be the first). */
  long previous(long position) {
    int c = chunkOf(position);
    int i = indexOf(position);
    if (i > 0) {
      return position(c, i - 1);
    }
    return position(c - 1, size(c - 1) - 1);
  }
}
