package org.metricspipeline.adapters.memory.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.timeseries.SeriesId;

/**
 * The points of one series (metric type, source, metric name, unit, tags), kept column-wise in
 * {@link Chunk}s.
 *
 * <p>Writers append under this object's lock. Points usually arrive in time order; one that sorts
 * before the last point (by timestamp, then value) marks the series unsorted, and the next reader
 * re-sorts the affected tail once (see {@link #snapshot()}). A series' first chunk starts with room
 * for {@value #FIRST_CHUNK_CAPACITY} points and is copied to grow (doubling) up to
 * {@value #MIN_CHUNK_CAPACITY}; later chunk capacities grow 16, 32, 64, ... up to the configured
 * points per chunk, so a small series does not reserve a full chunk (at a million series of a few
 * points each, the first chunk is most of a series' heap) and a large one wastes at most part of
 * its last chunk. Each series takes a few points, fixed per series, off those later capacities
 * ({@link #stagger(int)}), so that series written in step do not all fill a chunk at once.
 *
 * <p>The series is its own key in the store's index ({@link SeriesKey}'s fields and equality), so
 * the index holds no second copy of the identity.
 */
public final class Series extends SeriesKey {

  static final int MIN_CHUNK_CAPACITY = 16;
  static final int FIRST_CHUNK_CAPACITY = 4;

  private final int pointsPerChunk;

  /** This series' number in its store, in creation order: how a write-ahead log refers to it. */
  final int ordinal;
  /** Whether full chunks are sealed (compressed). */
  private final boolean compress;
  private volatile SeriesId id;
  /** Whether the store's identity cache has held this series (written by writers racing: a hint). */
  boolean identityCached;
  /** The tag keys sorted and their values, made on the first query that orders series. */
  private volatile TagOrder tagOrder;
  private Chunk[] chunks = new Chunk[1];
  private int chunkCount;
  private long pointCount;
  private long lastTime;
  private double lastValue;
  private boolean sorted = true;
  /** While unsorted: chunks before this index hold points strictly before {@link #dirtyMinTime}... */
  private int dirtyChunk;
  /** ...the smallest timestamp written since the series became unsorted, or earlier in that chunk. */
  private long dirtyMinTime;

  Series(SeriesKey key, int pointsPerChunk, int ordinal, boolean compress) {
    super(key);
    this.compress = compress;
    this.ordinal = ordinal;
    this.pointsPerChunk = pointsPerChunk;
  }

  /** Estimated heap bytes of the identity: this object, the key's strings and the tag map. */
  private long metadataBytes() {
    long bytes = 120 + stringBytes(metricType) + stringBytes(source) + stringBytes(name)
        + stringBytes(unit) + 32L + 16L * 3 * tags.size();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      bytes += stringBytes(e.getKey()) + stringBytes(e.getValue());
    }
    return bytes;
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
    return tagOrder().keys;
  }

  /** The tag values in {@link #sortedTagKeys()} order. */
  String[] tagValues() {
    return tagOrder().values;
  }

  private TagOrder tagOrder() {
    TagOrder o = tagOrder;
    if (o == null) {
      o = new TagOrder(tags);
      tagOrder = o;
    }
    return o;
  }

  /** Tag keys sorted by code point and their values: immutable, so racing builders are harmless. */
  private static final class TagOrder {
    final String[] keys;
    final String[] values;

    TagOrder(Map<String, String> tags) {
      keys = tags.keySet().toArray(String[]::new);
      Arrays.sort(keys, CodePoints::compare);
      values = new String[keys.length];
      for (int i = 0; i < keys.length; i++) {
        values[i] = tags.get(keys[i]);
      }
    }
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

  /** Appends points under one lock (sealing full chunks here). */
  synchronized void appendAll(long[] times, double[] values, int n) {
    for (int i = 0; i < n; i++) {
      appendLocked(times[i], values[i], null);
    }
  }

  /** Appends one point (sealing a full chunk here). */
  public synchronized void append(long time, double value) {
    appendLocked(time, value, null);
  }

  /**
   * Appends points under one lock: {@code times[order[k]]}, {@code values[order[k]]} for {@code k}
   * from {@code from} to {@code to}. Chunks that fill up are left open and added to {@code toSeal},
   * for the caller to hand to a {@link Sealer} once the lock is released.
   */
  synchronized void appendOrdered(long[] times, double[] values, int[] order, int from, int to,
      List<Chunk> toSeal) {
    for (int k = from; k < to; k++) {
      int i = order[k];
      appendLocked(times[i], values[i], toSeal);
    }
  }

  /**
   * Replaces {@code open} (a full chunk, never written again) with its sealed twin, unless a re-sort
   * or a retention cut has replaced it meanwhile.
   */
  synchronized void sealed(Chunk open, Chunk twin) {
    for (int i = chunkCount - 1; i >= 0; i--) {
      if (chunks[i] == open) {
        chunks[i] = twin; // readers may hold either twin: same points
        return;
      }
    }
  }

  private void appendLocked(long time, double value, List<Chunk> toSeal) {
    Chunk last = chunkCount == 0 ? null : chunks[chunkCount - 1];
    if (compress && !sorted && last != null && (last.isFull() || !last.fits(time))) {
      // seal points in order: an unsorted chunk compresses poorly, and the re-sort is due anyway
      resort();
      last = chunks[chunkCount - 1];
    }
    if (last != null && chunkCount == 1 && last.size == last.capacity() && !last.isSealed()
        && last.capacity() < MIN_CHUNK_CAPACITY && last.fits(time)) {
      // the first chunk grows by copying while small; readers holding the old one see its points
      last = last.grownTo(Math.min(pointsPerChunk, last.capacity() * 2));
      chunks[0] = last;
    }
    if (last == null || last.isFull() || !last.fits(time)) {
      if (compress && last != null && !last.isSealed()) {
        if (toSeal != null) {
          toSeal.add(last);
        } else {
          chunks[chunkCount - 1] = last.seal(); // readers may hold either twin: same points
        }
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
        ? Math.min(chunkCount == 0 ? FIRST_CHUNK_CAPACITY : MIN_CHUNK_CAPACITY, pointsPerChunk)
        : Math.min(pointsPerChunk, Math.max(MIN_CHUNK_CAPACITY, nominal(previousCapacity) * 2));
    if (chunkCount > 0) {
      capacity -= stagger(capacity);
    }
    Chunk chunk = new Chunk(base, capacity);
    if (chunkCount == chunks.length) {
      // Copy rather than grow in place: snapshots may hold the old array.
      chunks = Arrays.copyOf(chunks, chunkCount * 2);
    }
    chunks[chunkCount++] = chunk;
    return chunk;
  }

  /** The capacity a chunk of {@code capacity} points had before {@link #stagger(int)}. */
  private int nominal(int capacity) {
    return Math.min(pointsPerChunk, capacity <= 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1);
  }

  /**
   * Points taken off the capacity of this series' chunks after the first: fewer than a quarter of
   * it, fixed per series (from the ordinal; none for ordinal 0). Series written in step (one scrape
   * interval, created together) would otherwise fill their chunks in the same drain of the store's
   * head and hand the sealer a hundred thousand chunks at once; staggered, they fill a few at a time.
   */
  private int stagger(int capacity) {
    int range = capacity / 4;
    return range == 0 ? 0 : (int) (((ordinal * 0x9E3779B97F4A7C15L) >>> 33) % range);
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
    long bytes = metadataBytes() + 16 + 4L * chunks.length;
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
