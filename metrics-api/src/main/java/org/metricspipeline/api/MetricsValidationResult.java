package org.metricspipeline.api;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The outcome of validating one item: valid, or every error found (not just the first).
 *
 * @param valid whether the item may be stored
 * @param errors every problem found; empty exactly when {@code valid}
 */
public record MetricsValidationResult(boolean valid, List<ValidationError> errors) {

  private static final MetricsValidationResult VALID = new MetricsValidationResult(true, List.of());

  /** Validates that {@code valid} and {@code errors} agree and copies the errors. */
  public MetricsValidationResult {
    Objects.requireNonNull(errors, "errors");
    errors = List.copyOf(errors);
    if (valid != errors.isEmpty()) {
      throw new IllegalArgumentException("valid must be true exactly when there are no errors");
    }
  }

  /** The result of an item without problems. */
  public static MetricsValidationResult ok() {
    return VALID;
  }

  /** The result of an item with the given problems; {@link #ok()} when the list is empty. */
  public static MetricsValidationResult of(List<ValidationError> errors) {
    return errors.isEmpty() ? VALID : new MetricsValidationResult(false, errors);
  }

  /** The errors joined as {@code field: message; field: message}. */
  public String describe() {
    return errors.stream().map(ValidationError::toString).collect(Collectors.joining("; "));
  }
}
