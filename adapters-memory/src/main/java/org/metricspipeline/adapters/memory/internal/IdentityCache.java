package org.metricspipeline.adapters.memory.internal;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's identity cache: series found by the identity of the tag map a producer hands over,
 * then by metric name, without hashing or comparing tags.
 *
 * <p>Series are grouped by tag map instance (with the metric type and source): a {@link Group}
 * holds the series of one instance by name and unit, in a small table of its own. Producers share
 * one tag map among the metrics of an item or line (a host's tags, a line protocol line's tags;
 * JSON decoding interns them), so a batch looks up the group once per run of metrics sharing a map
 * and then only reads that group's few cache lines. One table of all series (the cache before this
 * one) cost two cache misses per point at a hundred thousand series (its slot and its entry,
 * scattered over megabytes), about a quarter of the server's CPU under load.
 *
 * <p>Racy by design where it is read: entries are immutable and published through plain arrays,
 * so a reader sees an entry whole or not at all, and a missed entry only costs a lookup in the
 * store's index. Groups are created, and entries added, under a lock (rare once series are known).
 */
final class IdentityCache {

  static final int INITIAL_SLOTS = 256;
  static final int MAX_SLOTS = 1 << 20;
  /** Estimated heap bytes of an entry and its slot, and of a group apart from its entries. */
  static final long ENTRY_BYTES = 32 + 8;
  static final long GROUP_BYTES = 40 + 16 + 4;

  private volatile Group[] groups = new Group[INITIAL_SLOTS];
  /** Groups created (guarded by this), and entries added (for {@link #bytes()}). */
  private int groupCount;
  private final LongAdder entryCount = new LongAdder();

  /** The group of this tag map instance, metric type and source, created if the cache has none. */
  Group group(Map<String, String> tags, String metricType, String source, long seriesCount) {
    int h = hash(tags, metricType);
    Group[] table = groups;
    int mask = table.length - 1;
    Group g = table[h & mask];
    if (g != null && g.is(tags, metricType, source)) {
      return g;
    }
    g = table[(h + 1) & mask]; // two-way: two slots per hash, fewer collisions
    if (g != null && g.is(tags, metricType, source)) {
      return g;
    }
    synchronized (this) {
      Group created = new Group(tags, metricType, source, h, entryCount);
      groupCount++;
      table = groups;
      // the table grows with the groups, up to 4 per series known (producers that build a map per
      // metric make a group per lookup until a batch stops consulting the cache)
      long limit = Math.min(MAX_SLOTS, Math.max(INITIAL_SLOTS, 8 * Long.highestOneBit(Math.max(1, seriesCount))));
      if (groupCount > table.length / 4 && table.length < limit) {
        Group[] grown = new Group[table.length * 4];
        for (Group old : table) {
          if (old != null) {
            place(grown, old);
          }
        }
        table = grown;
        groups = grown;
      }
      place(table, created);
      return created;
    }
  }

  /** Estimated heap bytes held, for a store of {@code seriesCount} series. */
  long bytes(long seriesCount) {
    Group[] table = groups;
    long count;
    synchronized (this) {
      count = groupCount;
    }
    return 16 + 4L * table.length + GROUP_BYTES * Math.min(count, table.length) + ENTRY_BYTES * Math.min(entryCount.sum(), seriesCount);
  }

  /**
   * A group's hash: the tag map's identity and the metric type's content, mixed (identity hashes
   * handed out in sequence would otherwise fill neighbouring slots of the two-way table).
   */
  private static int hash(Map<String, String> tags, String metricType) {
    return SeriesKey.mix(System.identityHashCode(tags) * 31 + metricType.hashCode());
  }

  /**
   * Puts a group in its slot or the slot after it: the first empty one of the two, else one chosen
   * by a hash bit (the group evicted is only missed later).
   */
  private static void place(Group[] table, Group g) {
    int mask = table.length - 1;
    int slot = g.hash & mask;
    int other = (slot + 1) & mask;
    table[table[slot] == null ? slot : table[other] == null || (g.hash & 0x10000) != 0 ? other : slot] = g;
  }

  private static boolean same(String a, String b) {
    return a == b || a.equals(b);
  }

  /** The series of one tag map instance (and metric type and source), by name and unit. */
  static final class Group {
    final Map<String, String> tags;
    final String metricType;
    final String source;
    final int hash;
    /** Open addressing by name hash, linear probing, at most half full; replaced whole to grow. */
    private volatile Entry[] entries = new Entry[4];
    /** Entries held; guarded by this group. */
    private int size;
    private final LongAdder added;

    private Group(Map<String, String> tags, String metricType, String source, int hash, LongAdder added) {
      this.added = added;
      this.tags = tags;
      this.metricType = metricType;
      this.source = source;
      this.hash = hash;
    }

    /** Whether this is the group of this tag map instance, metric type and source. */
    boolean is(Map<String, String> tags, String metricType, String source) {
      return this.tags == tags && same(this.metricType, metricType) && same(this.source, source);
    }

    /** The entry of this name and unit, or {@code null}. */
    Entry find(String name, String unit) {
      Entry[] table = entries;
      int mask = table.length - 1;
      int i = slot(name) & mask;
      for (int probes = 0; probes <= mask; probes++) {
        Entry e = table[i];
        if (e == null) {
          return null;
        }
        if (same(e.name, name) && same(e.unit, unit)) {
          return e;
        }
        i = (i + 1) & mask;
      }
      return null;
    }

    /** Adds the series of this name and unit, unless a racing writer added it first. */
    synchronized void add(String name, String unit, Series series) {
      if (find(name, unit) != null) {
        return;
      }
      Entry[] table = entries;
      if (size + 1 > table.length / 2) {
        Entry[] grown = new Entry[table.length * 2];
        for (Entry e : table) {
          if (e != null) {
            put(grown, e);
          }
        }
        table = grown;
      }
      put(table, new Entry(name, unit, series)); // before publishing a grown table: whole when seen
      entries = table;
      size++;
      added.increment();
    }

    private static void put(Entry[] table, Entry e) {
      int mask = table.length - 1;
      int i = slot(e.name) & mask;
      while (table[i] != null) {
        i = (i + 1) & mask;
      }
      table[i] = e;
    }

    /** The name's hash, its high bits folded in (names in sequence hash to neighbours: fine here). */
    private static int slot(String name) {
      int h = name.hashCode();
      return h ^ (h >>> 16);
    }
  }

  /** One cached series, immutable so that it can be published through a plain array. */
  static final class Entry {
    final String name;
    final String unit;
    final Series series;
    /** The series' ordinal, kept here so that a hit need not touch the series. */
    final int ordinal;

    Entry(String name, String unit, Series series) {
      this.name = name;
      this.unit = unit;
      this.series = series;
      this.ordinal = series.ordinal;
    }
  }
}
