package org.metricspipeline.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link MetricsPipeline} retries a batch whose store failed transiently: up to
 * {@link #maxAttempts()} attempts in all, waiting an exponentially growing, jittered backoff between
 * them.
 *
 * <p>Before retry {@code n} (1 for the second attempt) the pipeline waits
 * {@code min(maxBackoff, initialBackoff * multiplier^(n-1))}, then scaled by a random factor in
 * {@code [1 - jitter, 1 + jitter]} so that many pipelines do not retry in step. With the defaults the
 * waits are about 100 ms, 200 ms, 400 ms and 800 ms.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder().maxAttempts(5)
 *     .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(10))
 *     .multiplier(2.0).jitter(0.2).build();
 * }</pre>
 */
public final class RetryPolicy {

  /** Default attempts in all, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** Default wait before the first retry. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
  /** Default longest wait between attempts. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
  /** Default growth of the wait from one retry to the next. */
  public static final double DEFAULT_MULTIPLIER = 2.0;
  /** Default jitter: waits vary by up to 20% either way. */
  public static final double DEFAULT_JITTER = 0.2;
  /** Most attempts a policy may make. */
  public static final int MAX_ATTEMPTS_LIMIT = 1000;

  private static final RetryPolicy DEFAULTS = builder().build();
  private static final RetryPolicy NONE = builder().maxAttempts(1).build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
  }

  /** The default policy: 5 attempts, 100 ms doubling up to 10 s, 20% jitter. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** No retries: one attempt. */
  public static RetryPolicy none() {
    return NONE;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Attempts in all, the first included; at least 1. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The wait before the first retry. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** The longest wait between attempts. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** The growth of the wait from one retry to the next. */
  public double multiplier() {
    return multiplier;
  }

  /** The share by which a wait varies at random either way, 0 to 1. */
  public double jitter() {
    return jitter;
  }

  /**
   * The wait before retry {@code retry} (1 for the second attempt) before jitter is applied:
   * {@code min(maxBackoff, initialBackoff * multiplier^(retry-1))}.
   */
  public Duration backoff(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1, got " + retry);
    }
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
    long max = maxBackoff.toNanos();
    return Duration.ofNanos(nanos >= max ? max : (long) nanos);
  }

  /**
   * The jittered wait before retry {@code retry}, for a random number {@code random} in
   * {@code [0, 1)}: {@link #backoff(int)} scaled by {@code 1 + jitter * (2 * random - 1)}.
   */
  public Duration backoff(int retry, double random) {
    if (random < 0 || random >= 1) {
      throw new IllegalArgumentException("random must be in [0, 1), got " + random);
    }
    double scaled = backoff(retry).toNanos() * (1 + jitter * (2 * random - 1));
    return Duration.ofNanos(Math.max(0L, (long) scaled));
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff + ", multiplier=" + multiplier + ", jitter=" + jitter + "}";
  }

  /** Builds a {@link RetryPolicy}; {@link #build()} checks the options against each other. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private double multiplier = DEFAULT_MULTIPLIER;
    private double jitter = DEFAULT_JITTER;

    private Builder() {}

    /** Attempts in all, the first included: 1 (no retry) to {@link RetryPolicy#MAX_ATTEMPTS_LIMIT}. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
        throw new IllegalArgumentException("maxAttempts must be between 1 and "
            + MAX_ATTEMPTS_LIMIT + ", got " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The wait before the first retry, zero or more. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = nonNegative("initialBackoff", initialBackoff);
      return this;
    }

    /** The longest wait between attempts, zero or more (at least {@code initialBackoff}). */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = nonNegative("maxBackoff", maxBackoff);
      return this;
    }

    /** The growth of the wait from one retry to the next: 1.0 (constant) to 100. */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
        throw new IllegalArgumentException("multiplier must be between 1.0 and 100.0, got " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /** The share by which a wait varies at random either way: 0 (none) to 1. */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, got " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** The policy; fails when {@code maxBackoff} is shorter than {@code initialBackoff}. */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("maxBackoff (" + maxBackoff
            + ") must be >= initialBackoff (" + initialBackoff + ")");
      }
      return new RetryPolicy(this);
    }

    private static Duration nonNegative(String option, Duration value) {
      Objects.requireNonNull(value, option);
      if (value.isNegative()) {
        throw new IllegalArgumentException(option + " must be >= 0, got " + value);
      }
      if (value.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(option + " must be at most 1 hour, got " + value);
      }
      return value;
    }
  }
}
