package org.metricspipeline.api.query;

import java.util.Optional;

/**
 * Which data answers an {@link AggregationQuery}: chosen by the planner ({@link #AUTO}), raw points
 * only ({@link #RAW}), or the stored rollups of one {@link Resolution} only.
 */
public enum QuerySource {
  /** The coarsest rollup that answers exactly, raw points for the rest (the default). */
  AUTO("auto", null),
  /** Raw points only. */
  RAW("raw", null),
  /** Stored 1-minute rollups only. */
  ROLLUP_1M("1m", Resolution.ONE_MINUTE),
  /** Stored 5-minute rollups only. */
  ROLLUP_5M("5m", Resolution.FIVE_MINUTES),
  /** Stored 1-hour rollups only. */
  ROLLUP_1H("1h", Resolution.ONE_HOUR);

  private final String wireName;
  private final Resolution resolution;

  QuerySource(String wireName, Resolution resolution) {
    this.wireName = wireName;
    this.resolution = resolution;
  }

  /** The wire name: {@code auto}, {@code raw}, {@code 1m}, {@code 5m} or {@code 1h}. */
  public String wireName() {
    return wireName;
  }

  /** The rollup resolution this source reads, for the rollup sources. */
  public Optional<Resolution> resolution() {
    return Optional.ofNullable(resolution);
  }

  /** The source reading stored rollups of {@code resolution}. */
  public static QuerySource of(Resolution resolution) {
    for (QuerySource s : values()) {
      if (s.resolution == resolution) {
        return s;
      }
    }
    throw new IllegalArgumentException("no source for resolution " + resolution);
  }

  /** The source for a wire name (case-insensitive); fails listing the known names. */
  public static QuerySource fromWireName(String name) {
    for (QuerySource s : values()) {
      if (s.wireName.equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown source '" + name + "'; known: auto, raw, 1m, 5m, 1h");
  }
}
