package org.metricspipeline.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link MetricsPipeline} does with a valid item when its bounded queue is full.
 *
 * <ul>
 *   <li>{@link #reject()} (the default): the item is refused at once with
 *       {@link org.metricspipeline.api.OverloadedException}; the caller never waits.
 *   <li>{@link #block(Duration)}: the caller's thread waits up to the timeout for room, then the
 *       item is refused as above. Use it for producers that would rather slow down than drop.
 * </ul>
 *
 * <p>Items polled from an ingestion channel never overflow: the pipeline takes only as many
 * deliveries as it has room for, so the backlog stays in the channel.
 */
public final class OverflowPolicy {

  private static final OverflowPolicy REJECT = new OverflowPolicy(Duration.ZERO, false);

  private final Duration timeout;
  private final boolean blocking;

  private OverflowPolicy(Duration timeout, boolean blocking) {
    this.timeout = timeout;
    this.blocking = blocking;
  }

  /** Refuse at once when the queue is full. */
  public static OverflowPolicy reject() {
    return REJECT;
  }

  /** Wait up to {@code timeout} (more than zero) for room, then refuse. */
  public static OverflowPolicy block(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("block timeout must be > 0, got " + timeout);
    }
    return new OverflowPolicy(timeout, true);
  }

  /** Whether callers wait for room. */
  public boolean isBlocking() {
    return blocking;
  }

  /** How long callers wait for room; zero for {@link #reject()}. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OverflowPolicy p && blocking == p.blocking && timeout.equals(p.timeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(blocking, timeout);
  }

  @Override
  public String toString() {
    return blocking ? "OverflowPolicy.block(" + timeout + ")" : "OverflowPolicy.reject()";
  }
}
