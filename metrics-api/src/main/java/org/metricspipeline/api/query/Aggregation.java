package org.metricspipeline.api.query;

import java.util.Locale;

/**
 * How the points of a group (and of a time bucket, when a step is given) become one value.
 *
 * <p>The exact rules, shared by every store, are documented in {@code metrics-core}'s
 * {@code Aggregations} class and checked by the storage conformance kit.
 */
public enum Aggregation {
  /** The sum of the values. */
  SUM,
  /** The arithmetic mean of the values. */
  AVG,
  /** The smallest value. */
  MIN,
  /** The largest value. */
  MAX,
  /** The number of points. */
  COUNT,
  /** The per-second increase of a counter, with counter resets handled as PromQL's {@code rate}. */
  RATE;

  /** The lower-case wire name, for example {@code avg}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The aggregation for a wire name (case-insensitive); fails listing the known names. */
  public static Aggregation fromWireName(String name) {
    for (Aggregation a : values()) {
      if (a.wireName().equalsIgnoreCase(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown aggregation '" + name + "'; known: sum, avg, min, max, count, rate");
  }
}
