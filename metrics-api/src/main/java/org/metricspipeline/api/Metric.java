package org.metricspipeline.api;

import java.util.Map;
import java.util.Objects;

/**
 * One measured value: a name, a value, an optional unit and tags.
 *
 * <p>The record only guarantees structure (no {@code null}s, immutable tags). Whether the content is
 * acceptable (name syntax, finite value, tag limits) is decided by {@link MetricsValidator}, so that
 * bad input can be reported field by field instead of failing on construction.
 *
 * @param name the metric name, for example {@code cpu_usage}
 * @param value the measured value
 * @param unit the unit of measurement, or the empty string when there is none
 * @param tags tag keys to tag values; an immutable copy
 */
public record Metric(String name, double value, String unit, Map<String, String> tags) {

  /** Validates structure and copies the tags. */
  public Metric {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit (use \"\" for none)");
    Objects.requireNonNull(tags, "tags");
    tags = copyOf(tags);
  }

  private static final Class<?> MAP_1 = Map.of("k", "v").getClass();
  private static final Class<?> MAP_N = Map.of("k", "v", "l", "w").getClass();

  /**
   * {@link Map#copyOf} of the tags, without its intermediate entry array for the usual small mutable
   * map (a decoder's {@code HashMap}): the same immutable map, built from the entries in the same order.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, String> copyOf(Map<String, String> tags) {
    Class<?> type = tags.getClass();
    int n = tags.size();
    if (type == MAP_1 || type == MAP_N || n < 2 || n > 10) {
      return Map.copyOf(tags);
    }
    Object[] kv = new Object[2 * n];
    int i = 0;
    for (Map.Entry<String, String> e : tags.entrySet()) {
      if (i == kv.length) {
        return Map.copyOf(tags); // grew while we copied
      }
      kv[i++] = e.getKey();
      kv[i++] = e.getValue();
    }
    if (i != kv.length) {
      return Map.copyOf(tags); // shrank while we copied
    }
    Object[] s = kv; // Map.of rejects null keys and values as Map.copyOf does
    return (Map<String, String>) (Map<?, ?>) switch (n) {
      case 2 -> Map.of(s[0], s[1], s[2], s[3]);
      case 3 -> Map.of(s[0], s[1], s[2], s[3], s[4], s[5]);
      case 4 -> Map.of(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
      case 5 -> Map.of(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]);
      case 6 -> Map.of(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11]);
      case 7 -> Map.of(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11],
          s[12], s[13]);
      case 8 -> Map.of(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11],
          s[12], s[13], s[14], s[15]);
      case 9 -> Map.of(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11],
          s[12], s[13], s[14], s[15], s[16], s[17]);
      default -> Map.of(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11],
          s[12], s[13], s[14], s[15], s[16], s[17], s[18], s[19]);
    };
  }

  /** A metric without unit or tags. */
  public static Metric of(String name, double value) {
    return new Metric(name, value, "", Map.of());
  }

  /** A metric with tags and no unit. */
  public static Metric of(String name, double value, Map<String, String> tags) {
    return new Metric(name, value, "", tags);
  }

  /** Whether a unit was given. */
  public boolean hasUnit() {
    return !unit.isEmpty();
  }
}
