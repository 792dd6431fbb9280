package org.metricspipeline.guard;

import java.util.Objects;

/**
 * One problem found in a guard configuration (seed 001's error details).
 *
 * @param parameter the field path, for example {@code alerts.webhook_url}
 * @param value the value as written (a {@code ${secret:..}} or {@code ${env:..}} reference, never
 *     what it resolves to), or {@code ""} when missing
 * @param constraint what the value must be
 */
public record ConfigProblem(String parameter, String value, String constraint) {

  /** Validates. */
  public ConfigProblem {
    Objects.requireNonNull(parameter, "parameter");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(constraint, "constraint");
  }

  @Override
  public String toString() {
    return parameter + ": " + constraint + (value.isEmpty() ? "" : " (got " + value + ")");
  }
}
