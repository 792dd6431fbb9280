package org.metricspipeline.core.config;

import org.metricspipeline.api.ConfigurationException;

/**
 * A secret or environment reference could not be resolved: the backend failed, the key is missing,
 * or references form a cycle or nest too deep. The message shows the reference (such as
 * {@code ${secret:db_password}}), never a value.
 */
public class SecretException extends ConfigurationException {
  private static final long serialVersionUID = 1L;

  /** An exception whose message names the reference or key, never its value. */
  public SecretException(String message) {
    super(message);
  }

  /** An exception with a cause (whose own message must not hold a value either). */
  public SecretException(String message, Throwable cause) {
    super(message, cause);
  }
}
