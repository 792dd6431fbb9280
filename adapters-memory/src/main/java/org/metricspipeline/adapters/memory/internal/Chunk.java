package org.metricspipeline.adapters.memory.internal;

import java.util.Arrays;

/**
 * A block of one series' points, open or sealed.
 *
 * <p>An open chunk has a fixed capacity and two primitive columns: timestamps as {@code int}
 * millisecond offsets from {@link #base} (4 bytes) and values as {@code double}s (8 bytes), so a
 * point costs 12 bytes. A timestamp whose offset does not fit an {@code int} (about 24.8 days from
 * the base) goes to a new chunk. Only the last chunk of a series is appended to, under the series'
 * lock; slots below {@link #size} are never rewritten: reordering builds new chunks, so a reader
 * holding a {@link SeriesSnapshot} can read without locking.
 *
 * <p>A sealed chunk ({@link #seal()}) holds the same points compressed by {@link ChunkCodec}, in
 * final fields so that it can replace its open twin in a series' chunk array while readers race:
 * either one reads back the same points.
 */
final class Chunk {

  /** Estimated heap bytes of a chunk apart from its columns: object header, fields, two array headers. */
  static final long OVERHEAD_BYTES = 32 + 16 + 16;
  /** Estimated heap bytes of a sealed chunk apart from its encoded bytes. */
  static final long SEALED_OVERHEAD_BYTES = 48 + 16;

  final long base;
  final int[] offsets;
  final double[] values;
  /** The compressed points of a sealed chunk; {@code null} while open. */
  final byte[] encoded;
  private final int sealedSize;
  private final long sealedLastTime;
  /** Points written; guarded by the owning series' lock while this is its last chunk. */
  int size;

  Chunk(long base, int capacity) {
    this.base = base;
    this.offsets = new int[capacity];
    this.values = new double[capacity];
    this.encoded = null;
    this.sealedSize = 0;
    this.sealedLastTime = 0;
  }

  /** A copy of an open chunk with room for {@code capacity} points (filled here: final-field safe). */
  private Chunk(Chunk open, int capacity) {
    this.base = open.base;
    this.offsets = Arrays.copyOf(open.offsets, capacity);
    this.values = Arrays.copyOf(open.values, capacity);
    this.encoded = null;
    this.sealedSize = 0;
    this.sealedLastTime = 0;
    this.size = open.size;
  }

  /**
   * This open chunk's points in a new chunk with more room; the caller holds the series' lock and
   * replaces this one with it (a reader holding this one still sees the same points).
   */
  Chunk grownTo(int capacity) {
    return new Chunk(this, capacity);
  }

  private Chunk(long base, byte[] encoded, int size, long lastTime) {
    this.base = base;
    this.offsets = null;
    this.values = null;
    this.encoded = encoded;
    this.sealedSize = size;
    this.sealedLastTime = lastTime;
    this.size = size;
  }

  /** A sealed chunk of already compressed points (from a chunk file), all of which fit one chunk. */
  static Chunk sealed(byte[] encoded, int size, long first, long last) {
    return new Chunk(first, encoded, size, last);
  }

  /** This chunk's points compressed; the caller holds the series' lock and this has points. */
  Chunk seal() {
    long[] times = new long[size];
    for (int i = 0; i < size; i++) {
      times[i] = base + offsets[i];
    }
    return new Chunk(base, ChunkCodec.encode(times, values, size), size, maxTime(size));
  }

  boolean isSealed() {
    return encoded != null;
  }

  /** The number of points; for an open chunk, as far as the caller's view goes. */
  int count() {
    return encoded != null ? sealedSize : size;
  }

  int capacity() {
    return encoded != null ? sealedSize : offsets.length;
  }

  boolean isFull() {
    return encoded != null || size == offsets.length;
  }

  boolean fits(long time) {
    long offset = time - base;
    return offset >= Integer.MIN_VALUE && offset <= Integer.MAX_VALUE;
  }

  /** Appends a point; the caller checked {@link #isFull()} and {@link #fits(long)}. */
  void add(long time, double value) {
    offsets[size] = (int) (time - base);
    values[size] = value;
    size++;
  }

  /** The timestamp of point {@code i} of an open chunk. */
  long time(int i) {
    return base + offsets[i];
  }

  /** The timestamp of the last of the first {@code n} points, sorted or not: the last written. */
  long lastTime(int n) {
    return encoded != null ? sealedLastTime : base + offsets[n - 1];
  }

  private long maxTime(int n) {
    return base + offsets[n - 1];
  }

  /** Decodes (or copies) the points into the given columns; returns the count. */
  int read(int[] offsetsOut, double[] valuesOut) {
    if (encoded != null) {
      return ChunkCodec.decode(encoded, base, offsetsOut, valuesOut);
    }
    int n = size;
    System.arraycopy(offsets, 0, offsetsOut, 0, n);
    System.arraycopy(values, 0, valuesOut, 0, n);
    return n;
  }

  long bytes() {
    return encoded != null ? SEALED_OVERHEAD_BYTES + encoded.length : OVERHEAD_BYTES + 12L * offsets.length;
  }
}
