package org.metricspipeline.api;

/** The storage backend could not be reached or did not answer in time; retrying later may work. */
public class StorageUnavailableException extends MetricsPipelineException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public StorageUnavailableException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
