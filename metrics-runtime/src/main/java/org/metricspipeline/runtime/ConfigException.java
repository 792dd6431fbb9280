package org.metricspipeline.runtime;

import java.util.List;
import org.metricspipeline.core.config.ConfigProblem;
import org.metricspipeline.core.config.ConfigProblemsException;
import org.metricspipeline.core.http.ErrorBody;

/**
 * A config directory with problems: every one found, each with its field path, source file and
 * line, in the order found (files in merge order, then validation in document order). Secret values
 * never appear in the message or the problems.
 */
public final class ConfigException extends ConfigProblemsException {
  private static final long serialVersionUID = 1L;

  /** The {@code type} of the error body, as seed 001 names configuration errors. */
  public static final String ERROR_TYPE = ErrorBody.CONFIGURATION;

  /** An exception listing {@code problems} (at least one). */
  public ConfigException(List<ConfigProblem> problems) {
    super(problems);
  }
}
