package org.metricspipeline.runtime;

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
 */
public record ConfigProblem(String path, String source, String value, String constraint) {

  /** Validates. */
  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(constraint, "constraint");
  }

  /** {@code path: constraint (got value) [in source]}. */
  @Override
  public String toString() {
    return (path.isEmpty() ? "" : path + ": ") + constraint + (value.isEmpty() ? "" : " (got " + value + ")")
        + (source.isEmpty() ? "" : " [" + source + "]");
  }
}
