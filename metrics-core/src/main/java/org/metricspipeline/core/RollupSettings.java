package org.metricspipeline.core;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.metricspipeline.api.query.Resolution;

/**
 * How the rollup job runs: how often, which resolutions, and how late points may arrive.
 *
 * <p>Each run rolls up, per resolution, the buckets that are closed (bucket end at or before
 * {@code now - allowedLateness}), and recomputes the buckets from {@code watermark - allowedLateness}
 * on, so points up to twice the allowed lateness late are still counted. Re-running changes
 * nothing.
 *
 * <pre>{@code
 * RollupSettings s = RollupSettings.builder().interval(Duration.ofSeconds(30))
 *     .allowedLateness(Duration.ofMinutes(2)).build();
 * }</pre>
 */
public final class RollupSettings {

  /** Default time between runs. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
  /** Default allowed lateness of points. */
  public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(1);

  private final Duration interval;
  private final Duration allowedLateness;
  private final Set<Resolution> resolutions;

  private RollupSettings(Builder b) {
    this.interval = b.interval;
    this.allowedLateness = b.allowedLateness;
    this.resolutions = Set.copyOf(b.resolutions);
  }

  /** Every default: every 60 s, 1 minute lateness, all resolutions. */
  public static RollupSettings defaults() {
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

  /** How late a point may arrive and still be rolled up. */
  public Duration allowedLateness() {
    return allowedLateness;
  }

  /** The resolutions rolled up, finest first. */
  public List<Resolution> resolutions() {
    return EnumSet.copyOf(resolutions).stream().toList();
  }

  @Override
  public String toString() {
    return "RollupSettings{interval=" + interval + ", allowedLateness=" + allowedLateness
        + ", resolutions=" + resolutions() + "}";
  }

  /** Builds {@link RollupSettings}; setters name the option and its range on bad input. */
  public static final class Builder {
    private Duration interval = DEFAULT_INTERVAL;
    private Duration allowedLateness = DEFAULT_ALLOWED_LATENESS;
    private Set<Resolution> resolutions = EnumSet.allOf(Resolution.class);

    private Builder() {}

    /** Time between runs: 1 s to 24 h [60 s]. */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException("interval must be between 1s and 24h, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** How late a point may arrive: 0 to 24 h [1 min]. */
    public Builder allowedLateness(Duration allowedLateness) {
      Objects.requireNonNull(allowedLateness, "allowedLateness");
      if (allowedLateness.isNegative() || allowedLateness.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException("allowedLateness must be between 0 and 24h, got " + allowedLateness);
      }
      this.allowedLateness = allowedLateness;
      return this;
    }

    /** The resolutions to roll up, at least one [1m, 5m, 1h]. */
    public Builder resolutions(Resolution... resolutions) {
      if (resolutions.length == 0) {
        throw new IllegalArgumentException("resolutions must name at least one of 1m, 5m, 1h");
      }
      this.resolutions = EnumSet.copyOf(List.of(resolutions));
      return this;
    }

    /** The settings. */
    public RollupSettings build() {
      return new RollupSettings(this);
    }
  }
}
