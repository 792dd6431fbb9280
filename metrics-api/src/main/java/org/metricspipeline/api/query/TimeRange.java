package org.metricspipeline.api.query;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A half-open time range {@code [start, end)}: a point at {@code start} is inside, a point at
 * {@code end} is not. Either end may be open (unbounded).
 */
public final class TimeRange {

  private static final TimeRange ALL = new TimeRange(null, null);

  private final Instant start;
  private final Instant end;

  private TimeRange(Instant start, Instant end) {
    if (start != null && end != null && !start.isBefore(end)) {
      throw new IllegalArgumentException("start must be before end, got " + start + " >= " + end);
    }
    this.start = start;
    this.end = end;
  }

  /** All of time. */
  public static TimeRange all() {
    return ALL;
  }

  /** {@code [start, end)}; fails unless {@code start} is before {@code end}. */
  public static TimeRange between(Instant start, Instant end) {
    return new TimeRange(Objects.requireNonNull(start, "start"), Objects.requireNonNull(end, "end"));
  }

  /** {@code [start, ∞)}. */
  public static TimeRange from(Instant start) {
    return new TimeRange(Objects.requireNonNull(start, "start"), null);
  }

  /** {@code (-∞, end)}. */
  public static TimeRange until(Instant end) {
    return new TimeRange(null, Objects.requireNonNull(end, "end"));
  }

  /** The inclusive start, when bounded. */
  public Optional<Instant> start() {
    return Optional.ofNullable(start);
  }

  /** The exclusive end, when bounded. */
  public Optional<Instant> end() {
    return Optional.ofNullable(end);
  }

  /** Whether a millisecond timestamp lies inside. */
  public boolean contains(long epochMillis) {
    return (start == null || epochMillis >= start.toEpochMilli())
        && (end == null || epochMillis < end.toEpochMilli());
  }

  /** The inclusive start in epoch milliseconds, {@code Long.MIN_VALUE} when unbounded. */
  public long startMillis() {
    return start == null ? Long.MIN_VALUE : start.toEpochMilli();
  }

  /** The exclusive end in epoch milliseconds, {@code Long.MAX_VALUE} when unbounded. */
  public long endMillis() {
    return end == null ? Long.MAX_VALUE : end.toEpochMilli();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimeRange t && Objects.equals(start, t.start) && Objects.equals(end, t.end);
  }

  @Override
  public int hashCode() {
    return Objects.hash(start, end);
  }

  @Override
  public String toString() {
    return "[" + (start == null ? "-inf" : start) + ", " + (end == null ? "+inf" : end) + ")";
  }
}
