package org.metricspipeline.guard;

import java.util.List;
import org.metricspipeline.core.config.ConfigProblem;
import org.metricspipeline.core.config.ConfigProblemsException;

/**
 * A guard configuration with problems: every one of them, each with its field path. Secret values
 * never appear in the message or the problems.
 */
public final class GuardConfigException extends ConfigProblemsException {
  private static final long serialVersionUID = 1L;

  /** An exception listing {@code problems} (at least one). */
  public GuardConfigException(List<ConfigProblem> problems) {
    super(problems);
  }
}
