package org.metricspipeline.core;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.metricspipeline.api.query.Resolution;

/**
 * How long data is kept, per resolution, and how often the retention job deletes older data.
 *
 * <p>At a run at {@code now}, raw points before {@code now - rawRetention} and rollup buckets
 * ending at or before {@code now - retentionFor(resolution)} are deleted; nothing younger is.
 *
 * <pre>{@code
 * RetentionPolicy p = RetentionPolicy.builder().raw(Duration.ofDays(3))
 *     .retention(Resolution.ONE_HOUR, Duration.ofDays(730)).build();
 * }</pre>
 */
public final class RetentionPolicy {

  /** Default time between runs. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(24);
  /** Default retention of raw points. */
  public static final Duration DEFAULT_RAW_RETENTION = Duration.ofDays(7);
  /** Default retention of 1-minute rollups. */
  public static final Duration DEFAULT_1M_RETENTION = Duration.ofDays(30);
  /** Default retention of 5-minute rollups. */
  public static final Duration DEFAULT_5M_RETENTION = Duration.ofDays(90);
  /** Default retention of 1-hour rollups. */
  public static final Duration DEFAULT_1H_RETENTION = Duration.ofDays(365);

  private final Duration interval;
  private final Duration raw;
  private final Map<Resolution, Duration> rollups;

  private RetentionPolicy(Builder b) {
    this.interval = b.interval;
    this.raw = b.raw;
    this.rollups = new EnumMap<>(b.rollups);
  }

  /** Every default: daily; raw 7 d, 1m 30 d, 5m 90 d, 1h 365 d. */
  public static RetentionPolicy defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Time between runs. */
  public Duration interval() {
    return interval;
  }

  /** How long raw points are kept. */
  public Duration rawRetention() {
    return raw;
  }

  /** How long rollups of {@code resolution} are kept. */
  public Duration retentionFor(Resolution resolution) {
    return rollups.get(Objects.requireNonNull(resolution, "resolution"));
  }

  @Override
  public String toString() {
    return "RetentionPolicy{interval=" + interval + ", raw=" + raw + ", rollups=" + rollups + "}";
  }

  /** Builds a {@link RetentionPolicy}; setters name the option and its range on bad input. */
  public static final class Builder {
    private Duration interval = DEFAULT_INTERVAL;
    private Duration raw = DEFAULT_RAW_RETENTION;
    private final Map<Resolution, Duration> rollups = new EnumMap<>(Map.of(
        Resolution.ONE_MINUTE, DEFAULT_1M_RETENTION,
        Resolution.FIVE_MINUTES, DEFAULT_5M_RETENTION,
        Resolution.ONE_HOUR, DEFAULT_1H_RETENTION));

    private Builder() {}

    /** Time between runs: 1 s to 30 days [24 h]. */
    public Builder interval(Duration interval) {
      this.interval = between("interval", interval, Duration.ofSeconds(1), Duration.ofDays(30));
      return this;
    }

    /** How long raw points are kept: 1 minute to 100 years [7 days]. */
    public Builder raw(Duration retention) {
      this.raw = between("raw retention", retention, Duration.ofMinutes(1), Duration.ofDays(36_500));
      return this;
    }

    /** How long rollups of one resolution are kept: 1 minute to 100 years [30 d / 90 d / 365 d]. */
    public Builder retention(Resolution resolution, Duration retention) {
      Objects.requireNonNull(resolution, "resolution");
      rollups.put(resolution, between(resolution.wireName() + " retention", retention,
          Duration.ofMinutes(1), Duration.ofDays(36_500)));
      return this;
    }

    /** The policy. */
    public RetentionPolicy build() {
      return new RetentionPolicy(this);
    }

    private static Duration between(String option, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, option);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
