package org.metricspipeline.api;

import java.time.Duration;

/**
 * A bounded buffer was full and the input was not accepted. Nothing was stored; the caller should
 * back off for about {@link #retryAfter()} and try again.
 */
public class OverloadedException extends MetricsPipelineException {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  /** An exception naming the full buffer and a suggested wait. */
  public OverloadedException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  /** How long to wait before trying again (a hint, never negative). */
  public Duration retryAfter() {
    return retryAfter;
  }
}
