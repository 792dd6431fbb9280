package org.metricspipeline.api;

import java.util.List;

/** Input was rejected; {@link #errors()} names every field at fault. Retrying will not help. */
public class MetricsValidationException extends MetricsPipelineException {
  private static final long serialVersionUID = 1L;

  private final transient List<ValidationError> errors;

  /** An exception carrying the errors of a failed validation. */
  public MetricsValidationException(List<ValidationError> errors) {
    super("invalid metrics data: " + MetricsValidationResult.of(List.copyOf(errors)).describe());
    this.errors = List.copyOf(errors);
  }

  /** An exception carrying the errors of a validation result. */
  public MetricsValidationException(MetricsValidationResult result) {
    this(result.errors());
  }

  /** Every error, each with its field path. */
  public List<ValidationError> errors() {
    return errors;
  }
}
