package org.metricspipeline.core.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.core.http.ErrorBody;

/**
 * A configuration refused for one or more {@link ConfigProblem}s, each naming its field path (and,
 * when known, the file and line). The runtime's {@code ConfigException} and the guard's
 * {@code GuardConfigException} are the two kinds thrown; catch this type for either.
 */
public abstract class ConfigProblemsException extends ConfigurationException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  /** An exception listing {@code problems} (at least one). */
  protected ConfigProblemsException(List<ConfigProblem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    return problems.size() == 1 ? "invalid configuration: " + problems.get(0)
        : problems.size() + " configuration problems:\n  "
            + String.join("\n  ", problems.stream().map(Object::toString).toList());
  }

  /** Every problem, in the order found. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /**
   * The problems in seed 001's error body: {@code {"error": {"type": "ConfigurationError", "message",
   * "details": {"parameter", "value", "constraint"[, "file"][, "line"]}, "timestamp"}}} ({@code file}
   * when the problem has a source, {@code line} when it is known); with several problems
   * {@code details} is {@code {"errors": [...]}}.
   */
  public Map<String, Object> toErrorBody(Clock clock) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (ConfigProblem p : problems) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("parameter", p.path());
      d.put("value", p.value());
      d.put("constraint", p.constraint());
      if (!p.source().isEmpty()) {
        d.put("file", p.source());
      }
      if (p.line() > 0) {
        d.put("line", p.line());
      }
      list.add(d);
    }
    return ErrorBody.configurationError(list, clock);
  }
}
