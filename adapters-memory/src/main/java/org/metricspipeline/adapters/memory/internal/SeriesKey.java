package org.metricspipeline.adapters.memory.internal;

import java.util.Iterator;
import java.util.Map;

/**
 * What identifies a series: metric type, source, metric name, unit and tags. A {@link Series} is
 * one (its own key in the index); a bare key is the probe a lookup builds.
 */
class SeriesKey {

  final String metricType;
  final String source;
  final String name;
  final String unit;
  final Map<String, String> tags;
  private final int hash;

  SeriesKey(String metricType, String source, String name, String unit, Map<String, String> tags) {
    this.metricType = metricType;
    this.source = source;
    this.name = name;
    this.unit = unit;
    this.tags = tags;
    int h = mix(metricType.hashCode());
    h = mix(h + source.hashCode());
    h = mix(h + name.hashCode());
    h = mix(h + unit.hashCode());
    this.hash = mix(h + tagsHash(tags));
  }

  /**
   * Tags hashed entry by entry through {@link #mix}, summed so that the order of entries does not
   * matter (as in map equality). {@link Map#hashCode()} sums {@code key ^ value} string hashes,
   * which differ by small, regular amounts between values like {@code host-0001} and
   * {@code host-0002}; combined linearly with the name's hash (as {@code 31 * h + ...} does), a
   * regular set of names and tag values then gives many series the very same hash, which turns the
   * index's bins into trees searched one entry at a time. Mixed, equal hashes are as rare as chance.
   */
  private static int tagsHash(Map<String, String> tags) {
    int h = 0;
    for (Map.Entry<String, String> e : tags.entrySet()) {
      h += mix(mix(e.getKey().hashCode()) + e.getValue().hashCode());
    }
    return h;
  }

  /** MurmurHash3's 32-bit finalizer: every input bit affects every output bit. */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    return h ^ (h >>> 16);
  }

  /** A key with the same identity as {@code key} (a series made from its probe). */
  SeriesKey(SeriesKey key) {
    this.metricType = key.metricType;
    this.source = key.source;
    this.name = key.name;
    this.unit = key.unit;
    this.tags = key.tags;
    this.hash = key.hash;
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof SeriesKey k && hash == k.hash && name.equals(k.name)
        && metricType.equals(k.metricType) && source.equals(k.source) && unit.equals(k.unit)
        && sameTags(tags, k.tags);
  }

  /**
   * Map equality, with a fast path for the usual case: two immutable maps of one class built from
   * the same entries in the same order have the same layout, so their iterators yield equal entries
   * pair by pair and no lookups are needed. Anything else falls back to {@link Map#equals}.
   */
  static boolean sameTags(Map<String, String> a, Map<String, String> b) {
    if (a == b) {
      return true;
    }
    if (a.size() != b.size()) {
      return false;
    }
    if (a.getClass() == b.getClass()) {
      Iterator<Map.Entry<String, String>> ia = a.entrySet().iterator();
      Iterator<Map.Entry<String, String>> ib = b.entrySet().iterator();
      boolean pairwise = true;
      while (ia.hasNext() && ib.hasNext()) {
        Map.Entry<String, String> x = ia.next();
        Map.Entry<String, String> y = ib.next();
        if (!x.getKey().equals(y.getKey()) || !x.getValue().equals(y.getValue())) {
          pairwise = false;
          break;
        }
      }
      if (pairwise && !ia.hasNext() && !ib.hasNext()) {
        return true; // every entry of a is in b, and b has no more entries
      }
    }
    return a.equals(b);
  }

  @Override
  public final int hashCode() {
    return hash;
  }
}
