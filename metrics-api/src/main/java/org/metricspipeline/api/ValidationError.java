package org.metricspipeline.api;

import java.util.Objects;

/**
 * One reason an item was rejected, with the path of the field at fault.
 *
 * @param field the field path in wire (snake_case) form, for example {@code metrics[2].value} or
 *     {@code metrics[0].tags.host}; {@code ""} when the error concerns the whole item
 * @param message why the value is not acceptable, for example {@code must be finite, got NaN}
 */
public record ValidationError(String field, String message) {

  /** Validates that both parts are present. */
  public ValidationError {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** {@code field: message}, or just the message when the field is empty. */
  @Override
  public String toString() {
    return field.isEmpty() ? message : field + ": " + message;
  }
}
