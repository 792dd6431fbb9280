package org.metricspipeline.api;

import java.util.Optional;

/**
 * One item taken from an ingestion channel, waiting for the pipeline's verdict.
 *
 * <p>Exactly one of {@link #ack()}, {@link #nack(String)} or {@link #reject(MetricsValidationResult)}
 * settles a delivery; later calls are ignored. This is what makes delivery at-least-once: a channel
 * forgets an item only on {@code ack}, which the pipeline calls after storage accepted it.
 */
public interface Delivery {

  /** The item. */
  MetricsData data();

  /**
   * Whether a producer is waiting for this item's outcome (an HTTP request acknowledged only once
   * stored): the pipeline then stores it as soon as a writer is free instead of letting a partial
   * batch fill up for {@code processingInterval}. Default {@code false}.
   */
  default boolean awaited() {
    return false;
  }

  /**
   * The validator that already found {@link #data()} valid before the channel delivered it; empty
   * (the default) when the channel did not check it. A pipeline skips its own check only when this
   * is the very instance it validates with; any other validator (stricter, or configured
   * differently) still checks the item.
   */
  default Optional<MetricsValidator> checkedBy() {
    return Optional.empty();
  }

  /** Storage accepted the item: the channel may forget it (SQS deletes the message). */
  void ack();

  /**
   * The item could not be stored now: the channel should offer it again later (SQS makes the
   * message visible again).
   */
  void nack(String reason);

  /**
   * The item can never be stored (it is invalid): the channel must not offer it again and should
   * report the reason to its producer (HTTP 400, SQS dead-letter queue).
   */
  void reject(MetricsValidationResult reason);
}
