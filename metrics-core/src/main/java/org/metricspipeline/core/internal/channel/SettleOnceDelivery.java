package org.metricspipeline.core.internal.channel;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.MetricsValidationResult;

/**
 * A {@link Delivery} settled at most once: the first of {@link #ack()}, {@link #nack(String)} and
 * {@link #reject(MetricsValidationResult)} runs its channel's action, every later call (from any
 * thread) is ignored. A channel settling a delivery on its own (on close, or a message that never
 * reached a poll) claims it with {@link #settle()} so that a late call from the pipeline is ignored
 * too.
 */
public abstract class SettleOnceDelivery implements Delivery {

  private final AtomicBoolean settled = new AtomicBoolean();

  /** A delivery not settled yet. */
  protected SettleOnceDelivery() {}

  @Override
  public final void ack() {
    if (settle()) {
      onAck();
    }
  }

  @Override
  public final void nack(String reason) {
    if (settle()) {
      onNack(reason == null ? "" : reason);
    }
  }

  @Override
  public final void reject(MetricsValidationResult reason) {
    Objects.requireNonNull(reason, "reason");
    if (settle()) {
      onReject(reason);
    }
  }

  /** Claims the settlement: true for the first caller only, after which every settle call is ignored. */
  public final boolean settle() {
    return settled.compareAndSet(false, true);
  }

  /** Whether the delivery was settled (or claimed). */
  public final boolean isSettled() {
    return settled.get();
  }

  /** Storage accepted the item: the channel forgets it. Runs once, on the settling thread. */
  protected abstract void onAck();

  /** The item could not be stored now: the channel offers it again later. Runs once. */
  protected abstract void onNack(String reason);

  /** The item can never be stored: the channel reports it and never offers it again. Runs once. */
  protected abstract void onReject(MetricsValidationResult reason);
}
