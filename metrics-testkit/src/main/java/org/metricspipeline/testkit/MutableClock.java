package org.metricspipeline.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A UTC clock that tests move by hand, so time-driven behaviour (rate limits, rollup jobs, guard
 * checks, baselines) is tested without sleeping. Safe to read from other threads.
 */
public final class MutableClock extends Clock {
  private volatile Instant now;

  /** A clock standing at {@code start}. */
  public MutableClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** A clock standing at an ISO-8601 instant such as {@code 2024-05-01T12:00:00Z}. */
  public static MutableClock at(String iso) {
    return new MutableClock(Instant.parse(iso));
  }

  /** Moves the clock to {@code instant} (backwards too). */
  public void set(Instant instant) {
    this.now = Objects.requireNonNull(instant, "instant");
  }

  /** Moves the clock forward by {@code duration}. */
  public void advance(Duration duration) {
    now = now.plus(duration);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock: it only runs in UTC. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
