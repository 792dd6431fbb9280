package org.metricspipeline.api;

/** A setting is missing, malformed or out of range; the message names the setting. */
public class ConfigurationException extends MetricsPipelineException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message naming the setting. */
  public ConfigurationException(String message) {
    super(message);
  }

  /** An exception with a message naming the setting, and a cause. */
  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
