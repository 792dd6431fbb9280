package org.metricspipeline.adapters.http;

import java.util.Locale;

/**
 * When an ingestion request is answered.
 *
 * <ul>
 *   <li>{@link #STORED} (the default): 200 only after the pipeline acknowledged every item, that is
 *       after storage accepted it; 504 with {@code Retry-After} when that takes longer than the
 *       stored timeout (the items stay buffered and may still be stored: retry with the same
 *       {@code Idempotency-Key} to have them stored once). Its deliveries are
 *       {@link org.metricspipeline.api.Delivery#awaited() awaited}: the pipeline stores them as soon
 *       as a writer is free instead of waiting up to its processing interval for a fuller batch.
 *   <li>{@link #ACCEPTED}: 202 as soon as the items are validated and in the adapter's memory
 *       buffer. Faster, but what the buffer holds is lost if the process dies before storing it
 *       (kill -9, out of memory, power loss).
 * </ul>
 */
public enum AckMode {
  /** Answer 202 once validated and queued. */
  ACCEPTED,
  /** Answer 200 once stored, bounded by a timeout. */
  STORED;

  /** The lower-case name used in configuration and on the command line: {@code stored} or {@code accepted}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The mode named {@code stored} or {@code accepted} (any case, surrounding blanks ignored).
   *
   * @throws IllegalArgumentException naming the accepted values otherwise
   */
  public static AckMode parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (AckMode m : values()) {
      if (m.wireName().equals(n)) {
        return m;
      }
    }
    throw new IllegalArgumentException("ack mode must be stored or accepted, got '" + name + "'");
  }
}
