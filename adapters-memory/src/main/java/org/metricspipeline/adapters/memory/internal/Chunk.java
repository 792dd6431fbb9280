package org.metricspipeline.adapters.memory.internal;

/**
 * A fixed-capacity block of one series' points, stored as two primitive columns: timestamps as
 * {@code int} millisecond offsets from {@link #base} (4 bytes) and values as {@code double}s
 * (8 bytes), so a point costs 12 bytes. A timestamp whose offset does not fit an {@code int}
 * (about 24.8 days from the base) goes to a new chunk.
 *
 * <p>Only the last chunk of a series is appended to, under the series' lock. Slots below
 * {@link #size} are never rewritten: reordering builds new chunks, so a reader holding a
 * {@link SeriesSnapshot} can read without locking.
 */
final class Chunk {

  /** Estimated heap bytes of a chunk apart from its columns: object header, fields, two array headers. */
  static final long OVERHEAD_BYTES = 32 + 16 + 16;

  final long base;
  final int[] offsets;
  final double[] values;
  /** Points written; guarded by the owning series' lock while this is its last chunk. */
  int size;

  Chunk(long base, int capacity) {
    this.base = base;
    this.offsets = new int[capacity];
    this.values = new double[capacity];
  }

  int capacity() {
    return offsets.length;
  }

  boolean isFull() {
    return size == offsets.length;
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

  long time(int i) {
    return base + offsets[i];
  }

  long bytes() {
    return OVERHEAD_BYTES + 12L * offsets.length;
  }
}
