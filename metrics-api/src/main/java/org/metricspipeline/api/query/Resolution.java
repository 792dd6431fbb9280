package org.metricspipeline.api.query;

import java.time.Duration;
import java.util.Locale;

/** A rollup resolution: the width of the pre-aggregated buckets a store keeps besides raw points. */
public enum Resolution {
  /** One-minute buckets, wire name {@code 1m}. */
  ONE_MINUTE("1m", Duration.ofMinutes(1)),
  /** Five-minute buckets, wire name {@code 5m}. */
  FIVE_MINUTES("5m", Duration.ofMinutes(5)),
  /** One-hour buckets, wire name {@code 1h}. */
  ONE_HOUR("1h", Duration.ofHours(1));

  private final String wireName;
  private final Duration duration;

  Resolution(String wireName, Duration duration) {
    this.wireName = wireName;
    this.duration = duration;
  }

  /** The wire name: {@code 1m}, {@code 5m} or {@code 1h}. */
  public String wireName() {
    return wireName;
  }

  /** The bucket width. */
  public Duration duration() {
    return duration;
  }

  /** The bucket width in milliseconds. */
  public long millis() {
    return duration.toMillis();
  }

  /** The resolution for a wire name (case-insensitive); fails listing the known names. */
  public static Resolution fromWireName(String name) {
    for (Resolution r : values()) {
      if (r.wireName.equalsIgnoreCase(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown resolution '" + name + "'; known: 1m, 5m, 1h");
  }

  @Override
  public String toString() {
    return wireName.toLowerCase(Locale.ROOT);
  }
}
