package org.metricspipeline.core;

/**
 * What {@link MetricsPipeline#stop()} did with the items it held when the stop began, or that its
 * channel still held. Nothing accepted disappears without being counted here: an item is stored,
 * returned to a channel that keeps it, failed back to a producer that waits for it, or lost.
 *
 * @param stored items stored while stopping
 * @param returned channel items handed back, unstored, to a channel that keeps them for a later run
 *     (SQS and Kafka deliver them again; a channel's disk buffer keeps them)
 * @param failed items whose producer was told they were not stored: a failed
 *     {@code processMetrics} future or {@code processBatch} failure (the item was dead-lettered),
 *     or a delivery a producer waits for ({@code Delivery.awaited()}, an HTTP request in
 *     {@code stored} mode) left unstored
 * @param lost items acknowledged to their producer as accepted that were neither stored nor kept:
 *     they end with the process (an in-memory channel buffer without a disk buffer); also counted in
 *     {@code metrics_pipeline_items_lost_total} and logged at ERROR
 */
public record StopResult(long stored, long returned, long failed, long lost) {

  /** A stop that found nothing to do. */
  public static final StopResult NOTHING = new StopResult(0, 0, 0, 0);

  /** Whether every item was stored or kept: nothing failed back and nothing lost. */
  public boolean complete() {
    return failed == 0 && lost == 0;
  }
}
