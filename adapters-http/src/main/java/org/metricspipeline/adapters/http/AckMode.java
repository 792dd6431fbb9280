package org.metricspipeline.adapters.http;

/**
 * When an ingestion request is answered.
 *
 * <ul>
 *   <li>{@link #ACCEPTED}: 202 as soon as the items are validated and in the adapter's buffer. Fast;
 *       an item may still fail to be stored later (it is retried and dead-lettered by the pipeline).
 *   <li>{@link #STORED}: 200 only after the pipeline acknowledged every item, that is after storage
 *       accepted it; 504 when that takes longer than the stored timeout (the items stay buffered and
 *       may still be stored, so a client that retries gets at-least-once delivery). Its deliveries
 *       are {@link org.metricspipeline.api.Delivery#awaited() awaited}: the pipeline stores them as
 *       soon as a writer is free instead of waiting up to its processing interval for a fuller batch.
 * </ul>
 */
public enum AckMode {
  /** Answer 202 once validated and queued. */
  ACCEPTED,
  /** Answer 200 once stored, bounded by a timeout. */
  STORED
}
