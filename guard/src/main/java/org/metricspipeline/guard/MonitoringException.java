package org.metricspipeline.guard;

/**
 * The guard cannot monitor (seed 001's {@code MonitoringError}): for example it was closed, or a
 * check was added to a closed guard.
 */
public class MonitoringException extends GuardException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public MonitoringException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public MonitoringException(String message, Throwable cause) {
    super(message, cause);
  }
}
