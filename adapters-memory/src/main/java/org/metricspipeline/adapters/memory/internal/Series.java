package org.metricspipeline.adapters.memory.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.metricspipeline.api.timeseries.SeriesId;

/**
 * The points of one series (metric type, source, metric name, unit, tags), kept column-wise in
 * {@link Chunk}s.
 *
 * <p>Writers append under this object's lock. Points usually arrive in time order; one that sorts
 * before the last point (by timestamp, then value) marks the series unsorted, and the next reader
 * re-sorts the affected tail once (see {@link #snapshot()}). Chunk capacities grow 16, 32, 64, ...
 * up to the configured points per chunk, so a small series does not reserve a full chunk and a large
 * one wastes at most part of its last chunk.
 */
public final class Series {

  static final int MIN_CHUNK_CAPACITY = 16;
  private static final AtomicInteger BATCH_HASHES = new AtomicInteger();

  private final String metricType;
  private final String source;
  private final String name;
  private final String unit;
  private final Map<String, String> tags;
  private final String[] sortedTagKeys;
  private final String[] tagValues;
  private final long metadataBytes;
  private final int pointsPerChunk;
  /** A well-spread hash for grouping a batch's points by series (not the identity hash: see SeriesStore). */
  final int batchHash = BATCH_HASHES.getAndAdd(0x9E3779B9);

  /** This series' number in its store, in creation order: how a write-ahead log refers to it. */
  final int ordinal;
  /** Whether full chunks are sealed (compressed). */
  private final boolean compress;
  private volatile SeriesId id;
  private Chunk[] chunks = new Chunk[4];
  private int chunkCount;
  private long pointCount;
  private long lastTime;
  private double lastValue;
  private boolean sorted = true;
  /** While unsorted: chunks before this index hold points strictly before {@link #dirtyMinTime}... */
  private int dirtyChunk;
  /** ...the smallest timestamp written since the series became unsorted, or earlier in that chunk. */
  private long dirtyMinTime;

  Series(String metricType, String source, String name, String unit, Map<String, String> tags,
      int pointsPerChunk, int ordinal, boolean compress) {
    this.compress = compress;
    this.ordinal = ordinal;
    this.metricType = metricType;
    this.source = source;
    this.name = name;
    this.unit = unit;
    this.tags = tags;
    this.pointsPerChunk = pointsPerChunk;
    this.sortedTagKeys = tags.keySet().toArray(String[]::new);
    Arrays.sort(sortedTagKeys, CodePoints::compare);
    this.tagValues = new String[sortedTagKeys.length];
    long bytes = 160 + stringBytes(metricType) + stringBytes(source) + stringBytes(name)
        + stringBytes(unit) + 32L + 16L * 3 * tags.size();
    for (int i = 0; i < sortedTagKeys.length; i++) {
      tagValues[i] = tags.get(sortedTagKeys[i]);
      bytes += stringBytes(sortedTagKeys[i]) + stringBytes(tagValues[i]);
    }
    this.metadataBytes = bytes;
  }

  private static long stringBytes(String s) {
    return 40L + s.length();
  }

  /** The metric type of the items this series' points came from. */
  public String metricType() {
    return metricType;
  }

  /** The source of the items this series' points came from. */
  public String source() {
    return source;
  }

  /** The metric name. */
  public String name() {
    return name;
  }

  /** The unit, {@code ""} when none. */
  public String unit() {
    return unit;
  }

  /** The tags (immutable). */
  public Map<String, String> tags() {
    return tags;
  }

  /** The tag keys sorted by code point. */
  String[] sortedTagKeys() {
    return sortedTagKeys;
  }

  /** The tag values in {@link #sortedTagKeys()} order. */
  String[] tagValues() {
    return tagValues;
  }

  /** Whether this series carries every tag of {@code filter} with the same value. */
  public boolean hasTags(Map<String, String> filter) {
    for (Map.Entry<String, String> e : filter.entrySet()) {
      if (!e.getValue().equals(tags.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** This series' identity as the api names it. */
  public SeriesId id() {
    SeriesId i = id;
    if (i == null) {
      i = new SeriesId(metricType, source, name, unit, tags);
      id = i;
    }
    return i;
  }

  /**
   * Deletes the points before {@code cutoff}; returns how many. Chunks still holding later points
   * are copied, never changed in place, for the sake of snapshots already handed out.
   */
  public synchronized long deleteBefore(long cutoff) {
    if (!sorted) {
      resort();
    }
    int firstKept = 0;
    long removed = 0;
    while (firstKept < chunkCount) {
      Chunk c = chunks[firstKept];
      if (c.count() > 0 && c.lastTime(c.count()) >= cutoff) {
        break;
      }
      removed += c.count();
      firstKept++;
    }
    Chunk[] rebuilt = new Chunk[Math.max(4, chunkCount - firstKept + 1)];
    int count = 0;
    if (firstKept < chunkCount) {
      Chunk c = chunks[firstKept];
      int n = c.count();
      int[] offsets = new int[n];
      double[] values = new double[n];
      c.read(offsets, values);
      int skip = 0;
      while (c.base + offsets[skip] < cutoff) {
        skip++;
      }
      if (skip > 0) {
        Chunk copy = new Chunk(c.base, c.isSealed() ? n : c.capacity());
        for (int i = skip; i < n; i++) {
          copy.add(c.base + offsets[i], values[i]);
        }
        removed += skip;
        c = compress && (c.isSealed() || firstKept < chunkCount - 1) ? copy.seal() : copy;
      }
      rebuilt[count++] = c;
      for (int k = firstKept + 1; k < chunkCount; k++) {
        rebuilt[count++] = chunks[k];
      }
    }
    if (removed == 0) {
      return 0;
    }
    chunks = rebuilt;
    chunkCount = count;
    pointCount -= removed;
    return removed;
  }

  /** Appends points under one lock. */
  synchronized void appendAll(long[] times, double[] values, int n) {
    for (int i = 0; i < n; i++) {
      appendLocked(times[i], values[i]);
    }
  }

  /** Appends one point. */
  public synchronized void append(long time, double value) {
    appendLocked(time, value);
  }

  /**
   * Appends a run of points under one lock: {@code times[k]}, {@code values[k]} for {@code k} from
   * {@code first} along {@code next} until {@code -1}.
   */
  synchronized void appendRun(long[] times, double[] values, int[] next, int first) {
    for (int k = first; k >= 0; k = next[k]) {
      appendLocked(times[k], values[k]);
    }
  }

  private void appendLocked(long time, double value) {
    Chunk last = chunkCount == 0 ? null : chunks[chunkCount - 1];
    if (compress && !sorted && last != null && (last.isFull() || !last.fits(time))) {
      // seal points in order: an unsorted chunk compresses poorly, and the re-sort is due anyway
      resort();
      last = chunks[chunkCount - 1];
    }
    if (last == null || last.isFull() || !last.fits(time)) {
      if (compress && last != null && !last.isSealed()) {
        chunks[chunkCount - 1] = last.seal(); // readers may hold either twin: same points
      }
      last = addChunk(time, last == null ? 0 : last.capacity());
    }
    if (sorted) {
      if (pointCount > 0 && PointSorter.compare(time, value, lastTime, lastValue) < 0) {
        sorted = false;
        dirtyChunk = chunkCount - 1;
        dirtyMinTime = last.size > 0 ? Math.min(last.time(0), time) : time;
      } else {
        lastTime = time;
        lastValue = value;
      }
    } else if (time < dirtyMinTime) {
      dirtyMinTime = time;
    }
    last.add(time, value);
    pointCount++;
  }

  private Chunk addChunk(long base, int previousCapacity) {
    int capacity = previousCapacity == 0
        ? Math.min(MIN_CHUNK_CAPACITY, pointsPerChunk)
        : Math.min(pointsPerChunk, previousCapacity * 2);
    Chunk chunk = new Chunk(base, capacity);
    if (chunkCount == chunks.length) {
      // Copy rather than grow in place: snapshots may hold the old array.
      chunks = Arrays.copyOf(chunks, chunkCount * 2);
    }
    chunks[chunkCount++] = chunk;
    return chunk;
  }

  /**
   * A consistent, lock-free view of the points written so far, in order (timestamp, then value).
   * Re-sorts first when late points arrived since the last snapshot.
   */
  public synchronized SeriesSnapshot snapshot() {
    if (!sorted) {
      resort();
    }
    int lastSize = chunkCount == 0 ? 0 : chunks[chunkCount - 1].count();
    return new SeriesSnapshot(this, chunks, chunkCount, lastSize, pointCount);
  }

  /** The number of points stored. */
  public synchronized long pointCount() {
    return pointCount;
  }

  /** Estimated heap bytes held: columns, chunk objects, and the series' own metadata. */
  public synchronized long bytes() {
    long bytes = metadataBytes + 16 + 4L * chunks.length;
    for (int i = 0; i < chunkCount; i++) {
      bytes += chunks[i].bytes();
    }
    return bytes;
  }

  /**
   * Re-sorts the points from the first chunk that can hold a point at or after the earliest late
   * point. Earlier chunks are kept as they are; the rest are rebuilt as new chunks (never rewritten in
   * place, for the sake of snapshots already handed out).
   */
  private void resort() {
    int from = dirtyChunk;
    while (from > 0 && chunks[from - 1].lastTime(chunks[from - 1].count()) >= dirtyMinTime) {
      from--;
    }
    long n = 0;
    for (int c = from; c < chunkCount; c++) {
      n += chunks[c].count();
    }
    if (n > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("too many late points to re-sort in one series: " + n);
    }
    long[] times = new long[(int) n];
    double[] values = new double[(int) n];
    int k = 0;
    int[] offsets = new int[0];
    double[] chunkValues = new double[0];
    for (int c = from; c < chunkCount; c++) {
      Chunk chunk = chunks[c];
      int size = chunk.count();
      if (offsets.length < size) {
        offsets = new int[size];
        chunkValues = new double[size];
      }
      chunk.read(offsets, chunkValues);
      for (int i = 0; i < size; i++) {
        times[k] = chunk.base + offsets[i];
        values[k] = chunkValues[i];
        k++;
      }
    }
    PointSorter.sort(times, values, k);

    Chunk[] rebuilt = new Chunk[Math.max(4, from + 2 + k / pointsPerChunk)];
    System.arraycopy(chunks, 0, rebuilt, 0, from);
    int count = from;
    int i = 0;
    while (i < k) {
      int remaining = k - i;
      int capacity = remaining >= pointsPerChunk
          ? pointsPerChunk
          : Math.min(pointsPerChunk, Math.max(MIN_CHUNK_CAPACITY, Integer.highestOneBit(remaining) * 2));
      Chunk chunk = new Chunk(times[i], capacity);
      while (i < k && !chunk.isFull() && chunk.fits(times[i])) {
        chunk.add(times[i], values[i]);
        i++;
      }
      if (count == rebuilt.length) {
        rebuilt = Arrays.copyOf(rebuilt, count * 2);
      }
      rebuilt[count++] = compress && i < k ? chunk.seal() : chunk;
    }
    chunks = rebuilt;
    chunkCount = count;
    sorted = true;
    lastTime = times[k - 1];
    lastValue = values[k - 1];
  }

  @Override
  public String toString() {
    return metricType + "/" + source + "/" + name + tags;
  }
}
