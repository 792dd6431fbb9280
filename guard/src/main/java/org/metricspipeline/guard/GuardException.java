package org.metricspipeline.guard;

import org.metricspipeline.api.MetricsPipelineException;

/**
 * The root of the guard's own failures (seed 001's {@code PipelineGuardError}): catch
 * {@link MonitoringException} or {@link RecoveryException} to act on one kind. Configuration
 * problems are {@link GuardConfigException}, a {@link org.metricspipeline.api.ConfigurationException}
 * like every other configuration error of the library (seed 001's {@code ConfigurationError}).
 */
public class GuardException extends MetricsPipelineException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public GuardException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public GuardException(String message, Throwable cause) {
    super(message, cause);
  }
}
