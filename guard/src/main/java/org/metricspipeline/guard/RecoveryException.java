package org.metricspipeline.guard;

/**
 * A recovery action failed (seed 001's {@code RecoveryError}). A {@link RecoveryStrategy} may throw
 * it to fail an attempt with its message; the guard records the attempt as failed with that
 * message (other exceptions are recorded as {@code threw <exception>}).
 */
public class RecoveryException extends GuardException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public RecoveryException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public RecoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
