package org.metricspipeline.core.config;

import java.util.Objects;

/**
 * One problem found in a config directory (seed 001's error details, plus where it came from).
 *
 * @param path the field path, for example {@code pipelines.main.storage.options.url}; {@code ""} for a whole file
 * @param source the file the value came from, or {@code environment variable NAME}; {@code ""} when
 *     the problem is a missing value no file declared
 * @param value the value as written (a reference such as {@code ${secret:..}}, never what it resolves
 *     to; {@code ****} for secret-bearing keys), {@code ""} when missing
 * @param constraint what is wrong or what the value must be, with the nearest known key for an unknown one
 * @param line the line of {@code source} that declares the field (or its nearest declared parent), from 1;
 *     0 when unknown (an environment variable, a missing file, a value no file declared)
 */
public record ConfigProblem(String path, String source, String value, String constraint, int line) {

  /** Validates. */
  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(constraint, "constraint");
    if (line < 0) {
      throw new IllegalArgumentException("line must be 0 (unknown) or more, got " + line);
    }
  }

  /** A problem in a value whose file is not known (a guard config given as a map, say). */
  public ConfigProblem(String path, String value, String constraint) {
    this(path, "", value, constraint, 0);
  }

  /** A problem whose line is not known (yet). */
  public ConfigProblem(String path, String source, String value, String constraint) {
    this(path, source, value, constraint, 0);
  }

  /** The same problem at this line of its source. */
  public ConfigProblem withLine(int newLine) {
    return new ConfigProblem(path, source, value, constraint, newLine);
  }

  /** {@code path: constraint (got value) [in source:line]}. */
  @Override
  public String toString() {
    return (path.isEmpty() ? "" : path + ": ") + constraint + (value.isEmpty() ? "" : " (got " + value + ")")
        + (source.isEmpty() ? "" : " [" + source + (line > 0 ? ":" + line : "") + "]");
  }
}
