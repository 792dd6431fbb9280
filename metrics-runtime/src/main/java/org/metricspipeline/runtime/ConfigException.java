package org.metricspipeline.runtime;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.core.http.ErrorBody;

/**
 * A config directory with problems: every one found, each with its field path and source file.
 * Secret values never appear in the message or the problems.
 */
public final class ConfigException extends ConfigurationException {
  private static final long serialVersionUID = 1L;

  /** The {@code type} of the error body, as seed 001 names configuration errors. */
  public static final String ERROR_TYPE = ErrorBody.CONFIGURATION;

  private final transient List<ConfigProblem> problems;

  /** An exception listing {@code problems} (at least one). */
  public ConfigException(List<ConfigProblem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    return problems.size() == 1 ? "invalid configuration: " + problems.get(0)
        : problems.size() + " configuration problems:\n  " + String.join("\n  ", problems.stream().map(Object::toString).toList());
  }

  /** Every problem, in the order found (files in merge order, then validation in document order). */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /**
   * The problems in seed 001's error body: {@code {"error": {"type": "ConfigurationError", "message",
   * "details": {"parameter", "value", "constraint", "file"}, "timestamp"}}}; with several problems
   * {@code details} is {@code {"errors": [...]}}.
   */
  public Map<String, Object> toErrorBody(Clock clock) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (ConfigProblem p : problems) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("parameter", p.path());
      d.put("value", p.value());
      d.put("constraint", p.constraint());
      d.put("file", p.source());
      if (p.line() > 0) {
        d.put("line", p.line());
      }
      list.add(d);
    }
    return ErrorBody.configurationError(list, clock);
  }
}
