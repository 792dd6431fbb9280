package org.metricspipeline.guard;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.core.http.ErrorBody;

/**
 * A guard configuration with problems: every one of them, each with its field path. Secret values
 * never appear in the message or the problems.
 */
public final class GuardConfigException extends ConfigurationException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  /** An exception listing {@code problems} (at least one). */
  public GuardConfigException(List<ConfigProblem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    return problems.size() == 1 ? "invalid configuration: " + problems.get(0)
        : problems.size() + " configuration problems: " + problems;
  }

  /** Every problem, in document order. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /**
   * The problems in seed 001's error format: {@code {"error": {"type": "ConfigurationError",
   * "message", "details": {"parameter", "value", "constraint"}, "timestamp"}}}; with several
   * problems {@code details} is {@code {"errors": [...]}}.
   */
  public Map<String, Object> toErrorBody(Clock clock) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (ConfigProblem p : problems) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("parameter", p.parameter());
      d.put("value", p.value());
      d.put("constraint", p.constraint());
      list.add(d);
    }
    return ErrorBody.configurationError(list, clock);
  }
}
