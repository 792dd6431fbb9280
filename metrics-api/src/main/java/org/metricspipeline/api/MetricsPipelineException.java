package org.metricspipeline.api;

/**
 * The root of every exception Metrics Pipeline throws or completes a future with.
 *
 * <p>Catch a subclass to act on a specific cause: {@link MetricsValidationException} (bad input,
 * do not retry), {@link StorageUnavailableException} (transient, retry later),
 * {@link OverloadedException} (back off, retry later), {@link ConfigurationException} (fix the
 * configuration).
 */
public class MetricsPipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public MetricsPipelineException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public MetricsPipelineException(String message, Throwable cause) {
    super(message, cause);
  }
}
