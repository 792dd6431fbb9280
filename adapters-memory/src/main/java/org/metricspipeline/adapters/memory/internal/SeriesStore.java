package org.metricspipeline.adapters.memory.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;

/**
 * The series index and the write path of the in-memory store.
 *
 * <p>Series are found by {@link SeriesKey} in a concurrent map, and listed per metric name and
 * overall for queries. In front of that map sits an {@link IdentityCache}: producers usually reuse
 * the same tag map instance for a series (immutable maps survive {@code Metric}'s copy as the same
 * instance), and share it among the metrics of an item, so most points find their series by the
 * tag map's identity (once per run of metrics sharing it) and their name, without hashing or
 * comparing tags. A batch whose first lookups mostly miss (tag maps built afresh for every metric)
 * stops consulting the cache and goes straight to the map.
 *
 * <p>Accepted points go to a {@link Head} first: an append-only buffer of (series, time, value)
 * that is sorted by series and appended to the series in bulk when it fills up or before anything
 * reads the series ({@link #allSeries()}, {@link #seriesNamed(String)}, retention, sizes). Appending
 * each point to its series on arrival touched a series and its open chunk per point, out of cache
 * at a hundred thousand series; in bulk, each series is touched once per several of its points.
 *
 * <p>The {@code maxPoints} bound is enforced per item: an item's points are reserved all at once
 * or not at all, so an item is never partially stored.
 */
public final class SeriesStore {

  private static final long INDEX_ENTRY_BYTES = 64;
  /**
   * Most points each of the head's two buffers holds before it is appended to the series (24 B
   * each, and 8 B of sorting scratch). At 100,000 series a drain of 2^20 points appends about ten
   * points per series for each time it reaches a series and its open chunk (out of cache, a few
   * misses each); 2^18 appended two or three, and the appends took a third of the server's CPU.
   */
  static final int MAX_HEAD_POINTS = 1 << 20;
  /** The head's buffers start this small and shrink back to it when idle ({@link #trimIfIdle}). */
  private static final int MIN_HEAD_POINTS = 256;
  /** Most points a writer looks up before it moves them into the head (bounds its scratch arrays). */
  private static final int STAGED_POINTS = 4096;

  private final long maxPoints;
  private final long maxSeries;
  private final int pointsPerChunk;
  private final boolean compress;
  /** Every series, each its own key. */
  private final ConcurrentHashMap<SeriesKey, Series> byKey = new ConcurrentHashMap<>();
  /** Held while a series is created, so that ordinals follow the order of creation. */
  private final Object creation = new Object();
  private final ConcurrentHashMap<String, SeriesList> byName = new ConcurrentHashMap<>();
  private final SeriesList all = new SeriesList();
  private final AtomicLong points = new AtomicLong();
  /** Lookups that consulted the identity cache, and those it answered (for tests and tuning). */
  private final LongAdder cacheLookups = new LongAdder();
  private final LongAdder cacheHits = new LongAdder();
  private final AtomicInteger ordinals = new AtomicInteger();
  private final ContextTable contexts = new ContextTable();
  /** Seals full chunks off the writers' threads (when compressing). */
  private final Sealer sealer;
  /** Points accepted and not yet in their series; its methods hold its lock. */
  private final Head head;
  private final IdentityCache cache = new IdentityCache();

  /** A store holding at most {@code maxPoints} points in chunks of up to {@code pointsPerChunk}. */
  public SeriesStore(long maxPoints, int pointsPerChunk) {
    this(maxPoints, pointsPerChunk, true);
  }

  /** As {@link #SeriesStore(long, int)}, sealing (compressing) full chunks or not. */
  public SeriesStore(long maxPoints, int pointsPerChunk, boolean compress) {
    this(maxPoints, pointsPerChunk, compress, Long.MAX_VALUE);
  }

  /**
   * As {@link #SeriesStore(long, int, boolean)}, refusing items that would create more than
   * {@code maxSeries} series (checked per item before anything of it is stored; writers racing
   * may each add one item's new series beyond it).
   */
  public SeriesStore(long maxPoints, int pointsPerChunk, boolean compress, long maxSeries) {
    this.maxSeries = maxSeries;
    this.compress = compress;
    this.maxPoints = maxPoints;
    this.pointsPerChunk = pointsPerChunk;
    this.sealer = new Sealer();
    this.head = new Head(sealer);
  }

  /** Stops sealing in the background (chunks not sealed yet stay readable as they are). */
  public void close() {
    sealer.close();
  }

  /** The reason given for an item that does not fit. */
  public String fullReason() {
    return "storage full: maxPoints=" + maxPoints;
  }

  /**
   * Stores every item that fits; the result names the others.
   *
   * <p>Items are reserved and their series looked up in order, outside any lock shared with other
   * writers; the points then join the {@link Head} a few thousand at a time, to be appended series
   * by series later (each series' points in arrival order). Contexts are stored after the points of
   * their batch.
   */
  public MetricsBatchResult storeAll(List<MetricsData> batch) {
    return storeAll(batch, Journal.NONE);
  }

  /**
   * {@link #storeAll(List)}, telling {@code journal} every point and context stored (in the order
   * they arrive), so that a durable store can log exactly what was accepted.
   */
  public MetricsBatchResult storeAll(List<MetricsData> batch, Journal journal) {
    int n = batch.size();
    int total = 0;
    for (int i = 0; i < n; i++) {
      total += batch.get(i).metrics().size();
    }
    Lookups lookups = new Lookups();
    Staged staged = new Staged(Math.min(total, STAGED_POINTS), head);
    List<MetricsBatchResult.Failure> failures = null;
    List<MetricsData> withContext = null;
    for (int i = 0; i < n; i++) {
      MetricsData item = batch.get(i);
      String reason = stage(item, lookups, journal, staged);
      if (reason != null) {
        if (failures == null) {
          failures = new ArrayList<>();
        }
        failures.add(MetricsBatchResult.Failure.of(i, reason));
      } else if (!item.context().isEmpty() && !item.metrics().isEmpty()) {
        if (withContext == null) {
          withContext = new ArrayList<>();
        }
        withContext.add(item);
      }
    }
    staged.flush();
    cacheLookups.add(lookups.lookups);
    cacheHits.add(lookups.hits);
    if (withContext != null) {
      for (MetricsData item : withContext) {
        journal.context(item);
        contexts.put(item.timestamp().toEpochMilli(), item.metricType(), item.source(), item.context());
      }
    }
    return failures == null ? MetricsBatchResult.allSucceeded(n) : MetricsBatchResult.of(n, failures);
  }

  /** Stores one item; the reason it was not stored, if it was not. */
  public Optional<String> store(MetricsData item) {
    MetricsBatchResult result = storeAll(List.of(item));
    return result.allSucceeded() ? Optional.empty() : Optional.of(result.failures().get(0).reason());
  }

  /** Reserves one item's points and queues them in the head; the reason it was not stored, if it was not. */
  private String stage(MetricsData item, Lookups lookups, Journal journal, Staged staged) {
    long time;
    try {
      time = item.timestamp().toEpochMilli();
    } catch (ArithmeticException e) {
      return "timestamp out of range for epoch milliseconds: " + item.timestamp();
    }
    List<Metric> metrics = item.metrics();
    int n = metrics.size();
    if (n == 0) {
      return null;
    }
    String type = item.metricType();
    String source = item.source();
    if (all.size() + (long) n > maxSeries) {
      long added = newSeries(type, source, metrics);
      if (added > 0 && all.size() + added > maxSeries) {
        return seriesLimitReason() + " (the item would add " + added + " new series to " + all.size() + ")";
      }
    }
    if (!reserve(n)) {
      return fullReason();
    }
    for (int j = 0; j < n; j++) {
      Metric m = metrics.get(j);
      Series series = lookupSeries(type, source, m, lookups);
      double value = m.value();
      staged.add(series, lookups.ordinal, time, value);
      journal.point(series, lookups.ordinal, time, value);
    }
    return null;
  }

  /** How many distinct series of {@code metrics} the store does not hold yet. */
  private long newSeries(String type, String source, List<Metric> metrics) {
    Set<SeriesKey> missing = null;
    for (Metric m : metrics) {
      SeriesKey key = new SeriesKey(type, source, m.name(), m.unit(), m.tags());
      if (!byKey.containsKey(key)) {
        if (missing == null) {
          missing = new HashSet<>();
        }
        missing.add(key);
      }
    }
    return missing == null ? 0 : missing.size();
  }

  /** The reason given for an item refused because it would create too many series. */
  public String seriesLimitReason() {
    return "series limit reached: maxSeries=" + maxSeries;
  }

  /** The series of {@code m}; its ordinal is left in {@code lookups.ordinal} (read without touching the series). */
  private Series lookupSeries(String type, String source, Metric m, Lookups lookups) {
    if (!lookups.useCache) {
      Series series = seriesFor(type, source, m);
      lookups.ordinal = series.ordinal;
      return series;
    }
    Map<String, String> tags = m.tags();
    IdentityCache.Group group = lookups.group;
    if (group == null || !group.is(tags, type, source)) {
      group = cache.group(tags, type, source, all.size());
      lookups.group = group;
    }
    IdentityCache.Entry e = group.find(m.name(), m.unit());
    if (e != null) {
      lookups.hit(e.ordinal);
      return e.series;
    }
    Series series = seriesFor(type, source, m);
    group.add(m.name(), m.unit(), series);
    // a series the cache held before, missed under another tag map instance than its own: the
    // producer builds its maps afresh and the cache cannot help it (a series never cached yet, as
    // after a restart, or its own instance missing, is a cold or colliding slot)
    lookups.miss(series.identityCached && series.tags != tags);
    series.identityCached = true;
    lookups.ordinal = series.ordinal;
    return series;
  }

  private boolean reserve(int n) {
    long current;
    do {
      current = points.get();
      if (current + n > maxPoints) {
        return false;
      }
    } while (!points.compareAndSet(current, current + n));
    return true;
  }

  private Series seriesFor(String type, String source, Metric m) {
    SeriesKey key = new SeriesKey(type, source, m.name(), m.unit(), m.tags());
    Series series = byKey.get(key);
    if (series != null) {
      return series;
    }
    synchronized (creation) {
      series = byKey.get(key);
      if (series != null) {
        return series;
      }
      // the series is its own key: the index keeps no second copy of the identity
      Series created = new Series(key, pointsPerChunk, ordinals.getAndIncrement(), compress);
      byName.computeIfAbsent(key.name, name -> new SeriesList()).add(created);
      all.add(created);
      byKey.put(created, created);
      return created;
    }
  }

  /** The series with this identity, created if new: for restoring what a data directory holds. */
  public Series restoreSeries(String metricType, String source, String name, String unit,
      Map<String, String> tags) {
    return seriesFor(metricType, source, new Metric(name, 0, unit, tags));
  }

  /**
   * Appends restored points to a series, past the {@code maxPoints} bound if need be: they were
   * accepted once, and dropping them on a restart would lose acknowledged data.
   */
  public void restorePoints(Series series, long[] times, double[] values, int n) {
    series.appendAll(times, values, n);
    points.addAndGet(n);
  }

  /** Restores an item's context. */
  public void restoreContext(MetricsData item) {
    contexts.put(item.timestamp().toEpochMilli(), item.metricType(), item.source(), item.context());
  }

  /** Receives what {@link #storeAll(List, Journal)} stores. */
  public interface Journal {
    /** Records nothing. */
    Journal NONE = new Journal() {
      @Override
      public void point(Series series, int ordinal, long time, double value) {}

      @Override
      public void context(MetricsData item) {}
    };

    /** One stored point, of the series with this {@link Series#ordinal}. */
    void point(Series series, int ordinal, long time, double value);

    /** An item whose context was stored. */
    void context(MetricsData item);
  }

  /**
   * Appends what the head holds to the series and gives its grown buffers back (up to 56 MB), when
   * no writer has handed it points for {@code idleNanos}; returns whether it did. For a periodic
   * caller (the durable store's sync thread): the buffers grow again under the next burst.
   */
  public boolean trimIfIdle(long nowNanos, long idleNanos) {
    return nowNanos - head.lastTake >= idleNanos && head.trim();
  }

  /** Deletes points (and contexts) before {@code cutoff}; returns how many points. */
  public long deleteBefore(long cutoff) {
    head.drain();
    long removed = 0;
    for (Series s : all.view()) {
      removed += s.deleteBefore(cutoff);
    }
    points.addAndGet(-removed);
    contexts.removeBefore(cutoff);
    return removed;
  }

  /** Every series, in creation order. */
  public List<Series> allSeries() {
    head.drain();
    return all.view();
  }

  /** The series of one metric name, in creation order. */
  public List<Series> seriesNamed(String name) {
    head.drain();
    SeriesList list = byName.get(name);
    return list == null ? List.of() : list.view();
  }

  /** The distinct metric names. */
  public List<String> metricNames() {
    return List.copyOf(byName.keySet());
  }

  /** The context stored for items with this timestamp, type and source, if any. */
  public Optional<Map<String, Object>> context(long time, String metricType, String source) {
    return contexts.get(time, metricType, source);
  }

  /** The points stored (including those of items being written right now). */
  public long pointCount() {
    return points.get();
  }

  /** The bound on {@link #pointCount()}. */
  public long maxPoints() {
    return maxPoints;
  }

  /** How many series lookups consulted the identity cache so far, and how many it answered. */
  long[] identityCacheCounts() {
    return new long[] {cacheLookups.sum(), cacheHits.sum()};
  }

  /** The number of series. */
  public long seriesCount() {
    return all.size();
  }

  /** The number of (timestamp, metric type, source) keys with a context. */
  public long contextCount() {
    return contexts.size();
  }

  /** Estimated heap bytes held by points, series and contexts, once the chunks handed over are sealed. */
  public long bytesUsed() {
    head.drain();
    sealer.awaitIdle();
    long bytes = 0;
    for (Series s : all.view()) {
      bytes += s.bytes() + INDEX_ENTRY_BYTES;
    }
    return bytes + contexts.bytes() + cache.bytes(all.size());
  }

  /** Points in arrival order, column-wise: each one's series, the series' ordinal, time and value. */
  private static class Points {
    Series[] series;
    int[] ordinals;
    long[] times;
    double[] values;
    int size;
    /** The largest ordinal held (how many bits the head's sort looks at). */
    int maxOrdinal;

    Points(int capacity) {
      series = new Series[capacity];
      ordinals = new int[capacity];
      times = new long[capacity];
      values = new double[capacity];
    }

    /** Adds a point; the caller made room. */
    final void put(Series s, int ordinal, long time, double value) {
      int k = size++;
      series[k] = s;
      ordinals[k] = ordinal;
      times[k] = time;
      values[k] = value;
      maxOrdinal = Math.max(maxOrdinal, ordinal);
    }

    /** Adds all of {@code other}'s points; the caller made room. */
    final void putAll(Points other) {
      int n = other.size;
      System.arraycopy(other.series, 0, series, size, n);
      System.arraycopy(other.ordinals, 0, ordinals, size, n);
      System.arraycopy(other.times, 0, times, size, n);
      System.arraycopy(other.values, 0, values, size, n);
      size += n;
      maxOrdinal = Math.max(maxOrdinal, other.maxOrdinal);
    }

    /** Grows the columns (doubling, up to {@link #MAX_HEAD_POINTS}) to take {@code n} more points. */
    final void ensureRoom(int n) {
      int needed = size + n;
      if (needed > times.length) {
        int capacity = Math.min(MAX_HEAD_POINTS, Math.max(needed, times.length * 2));
        series = Arrays.copyOf(series, capacity);
        ordinals = Arrays.copyOf(ordinals, capacity);
        times = Arrays.copyOf(times, capacity);
        values = Arrays.copyOf(values, capacity);
      }
    }

    final void clear() {
      Arrays.fill(series, 0, size, null);
      size = 0;
      maxOrdinal = 0;
    }
  }

  /**
   * Accepted points not yet appended to their series, in arrival order, in two buffers of up to
   * {@link #MAX_HEAD_POINTS} points each (24 MB each once grown, kept until {@link #trim()} while
   * idle; not counted in {@link #bytesUsed()}, which sizes what the points and series hold).
   * Writers copy their staged
   * points into the current buffer under the head's lock; the writer that finds it full swaps in the
   * spare and appends the full one to its series itself, under a separate drain lock, so the other
   * writers go on filling the spare meanwhile. Only when the spare fills before that drain ends does
   * a writer wait for it. A drain sorts the buffer's points by series ordinal (a stable radix sort of
   * positions, so each series keeps its arrival order) and appends each series' points under one
   * lock; drains run one at a time and in the order the buffers filled. {@link #drain()} appends
   * everything taken so far, before anything reads the series. Lock order: drain lock, then head.
   */
  private static final class Head {
    private static final int RADIX_BITS = 11;
    private static final int RADIX = 1 << RADIX_BITS;

    final Sealer sealer;
    /** Held while appending a buffer to its series; guards the sort's scratch arrays and filled. */
    private final Object drainLock = new Object();
    private final List<Chunk> filled = new ArrayList<>(16);
    private final int[] counts = new int[RADIX + 1];
    private int[] order = new int[MIN_HEAD_POINTS];
    private int[] scratch = new int[MIN_HEAD_POINTS];
    /** When a writer last handed points over ({@link System#nanoTime()}; racy: a hint for trimming). */
    volatile long lastTake = System.nanoTime();
    // guarded by this head's lock:
    /** The buffer writers fill. */
    private Points current = new Points(MIN_HEAD_POINTS);
    /** The buffer swapped in when the current one is full; null while a full one awaits its drain. */
    private Points spare = new Points(MIN_HEAD_POINTS);
    /** A full buffer swapped out and not yet appended to its series. */
    private Points pending;

    Head(Sealer sealer) {
      this.sealer = sealer;
    }

    /** Takes a writer's staged points, growing, swapping or waiting for a drain for room. */
    void take(Points staged) {
      lastTake = System.nanoTime();
      boolean swapped = false;
      while (true) {
        synchronized (this) {
          if (current.size + staged.size > MAX_HEAD_POINTS && pending == null) {
            pending = current; // full: swap in the spare
            current = spare;
            spare = null;
            swapped = true;
          }
          if (current.size + staged.size <= MAX_HEAD_POINTS) {
            current.ensureRoom(staged.size);
            current.putAll(staged);
            break;
          }
        }
        drainPending(); // both buffers full: wait for the drain, then try again
      }
      if (swapped) {
        drainPending(); // outside the head's lock: the other writers fill the spare meanwhile
      }
    }

    /** Appends every point taken so far to its series: before anything reads the series. */
    void drain() {
      synchronized (drainLock) {
        drainPending();
        synchronized (this) {
          if (current.size == 0) {
            return;
          }
          pending = current; // no drain runs (we hold its lock), so the spare is back
          current = spare;
          spare = null;
        }
        drainPending();
      }
    }

    /**
     * Appends everything taken so far, then replaces grown buffers with small ones unless a writer
     * handed points over meanwhile; returns whether it gave memory back.
     */
    boolean trim() {
      synchronized (drainLock) {
        drain();
        synchronized (this) {
          if (current.size > 0 || pending != null || spare == null
              || current.times.length + spare.times.length + order.length <= 3 * MIN_HEAD_POINTS) {
            return false;
          }
          current = new Points(MIN_HEAD_POINTS);
          spare = new Points(MIN_HEAD_POINTS);
        }
        order = new int[MIN_HEAD_POINTS]; // guarded by the drain lock
        scratch = new int[MIN_HEAD_POINTS];
        return true;
      }
    }

    /** Appends the pending buffer, if any, to its series and makes it the spare. */
    private void drainPending() {
      synchronized (drainLock) {
        Points p;
        synchronized (this) {
          p = pending;
        }
        if (p == null) {
          return;
        }
        appendToSeries(p);
        p.clear();
        synchronized (this) {
          pending = null;
          spare = p;
        }
      }
    }

    /** Sorts {@code p}'s points by ordinal and appends each series' run; holds the drain lock. */
    private void appendToSeries(Points p) {
      int n = p.size;
      if (n == 0) {
        return;
      }
      if (order.length < n) {
        order = new int[Math.max(n, Math.min(MAX_HEAD_POINTS, order.length * 2))];
        scratch = new int[order.length];
      }
      int[] ordinals = p.ordinals;
      int[] from = order;
      int[] to = scratch;
      for (int i = 0; i < n; i++) {
        from[i] = i;
      }
      int bits = 32 - Integer.numberOfLeadingZeros(p.maxOrdinal);
      for (int shift = 0; shift < bits; shift += RADIX_BITS) {
        Arrays.fill(counts, 0);
        for (int i = 0; i < n; i++) {
          counts[((ordinals[from[i]] >>> shift) & (RADIX - 1)) + 1]++;
        }
        for (int b = 1; b <= RADIX; b++) {
          counts[b] += counts[b - 1];
        }
        for (int i = 0; i < n; i++) {
          int q = from[i];
          to[counts[(ordinals[q] >>> shift) & (RADIX - 1)]++] = q;
        }
        int[] t = from;
        from = to;
        to = t;
      }
      int k = 0;
      while (k < n) {
        int first = from[k];
        int ordinal = ordinals[first];
        int end = k + 1;
        while (end < n && ordinals[from[end]] == ordinal) {
          end++;
        }
        Series s = p.series[first];
        s.appendOrdered(p.times, p.values, from, k, end, filled);
        if (!filled.isEmpty()) {
          for (Chunk full : filled) {
            sealer.seal(s, full); // outside the series' lock; never seals here
          }
          filled.clear();
        }
        k = end;
      }
    }
  }

  /**
   * One writer's points, looked up but not yet in the {@link Head}: handed to it when full and at
   * the end of the batch, so that writers look series up concurrently.
   */
  private static final class Staged extends Points {
    final Head head;

    Staged(int capacity, Head head) {
      super(capacity);
      this.head = head;
    }

    void add(Series s, int ordinal, long time, double value) {
      if (size == times.length) {
        flush();
      }
      put(s, ordinal, time, value);
    }

    void flush() {
      if (size > 0) {
        head.take(this);
        clear();
        head.sealer.helpIfBehind(); // outside the head's lock
      }
    }
  }

  /**
   * Per batch: whether the identity cache is worth consulting for the rest of it. It is not when,
   * over the first lookups, more of them found their series cached under other instances (tag maps
   * built afresh) than found it by identity. Misses on empty or colliding slots do not count against
   * it: at a hundred thousand series a cold cache misses most lookups of a batch, and giving up on
   * those would keep it cold for good.
   */
  private static final class Lookups {
    private static final int PROBE = 512;

    boolean useCache = true;
    /** The group of the last lookup: the next metric usually shares its tag map. */
    IdentityCache.Group group;
    int lookups;
    int hits;
    /** The ordinal of the series the last lookup found. */
    int ordinal;
    private int fresh;

    void hit(int ordinal) {
      this.ordinal = ordinal;
      hits++;
      count();
    }

    void miss(boolean freshInstances) {
      if (freshInstances) {
        fresh++;
      }
      count();
    }

    private void count() {
      if (++lookups == PROBE && fresh > hits) {
        useCache = false;
      }
    }
  }
}
