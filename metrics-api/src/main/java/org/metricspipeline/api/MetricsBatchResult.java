package org.metricspipeline.api;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a batch operation (ingest or store): how many items succeeded, and for every item
 * that failed, its index in the batch and why.
 *
 * @param successCount items accepted
 * @param failureCount items rejected; always {@code failures.size()}
 * @param failures one entry per rejected item, in index order
 */
public record MetricsBatchResult(int successCount, int failureCount, List<Failure> failures) {

  /** Validates the counts and copies the failures. */
  public MetricsBatchResult {
    Objects.requireNonNull(failures, "failures");
    failures = List.copyOf(failures);
    if (successCount < 0) {
      throw new IllegalArgumentException("successCount must be >= 0, got " + successCount);
    }
    if (failureCount != failures.size()) {
      throw new IllegalArgumentException(
          "failureCount " + failureCount + " does not match " + failures.size() + " failures");
    }
  }

  /** A batch of {@code count} items that all succeeded. */
  public static MetricsBatchResult allSucceeded(int count) {
    return new MetricsBatchResult(count, 0, List.of());
  }

  /** A batch of {@code total} items of which the given ones failed. */
  public static MetricsBatchResult of(int total, List<Failure> failures) {
    return new MetricsBatchResult(total - failures.size(), failures.size(), failures);
  }

  /** Whether every item succeeded. */
  public boolean allSucceeded() {
    return failureCount == 0;
  }

  /** The number of items in the batch. */
  public int total() {
    return successCount + failureCount;
  }

  /**
   * One rejected item.
   *
   * @param index the item's position in the batch, from 0
   * @param reason a one-line reason
   * @param errors the validation errors, when the item was rejected by validation; else empty
   */
  public record Failure(int index, String reason, List<ValidationError> errors) {

    /** Validates and copies. */
    public Failure {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(errors, "errors");
      errors = List.copyOf(errors);
      if (index < 0) {
        throw new IllegalArgumentException("index must be >= 0, got " + index);
      }
    }

    /** A failure with a reason and no validation errors. */
    public static Failure of(int index, String reason) {
      return new Failure(index, reason, List.of());
    }

    /** A failure caused by validation. */
    public static Failure invalid(int index, MetricsValidationResult result) {
      return new Failure(index, "invalid: " + result.describe(), result.errors());
    }
  }
}
