package org.metricspipeline.guard;

import java.time.Instant;
import java.util.Objects;

/**
 * One run of a recovery strategy, as kept in the guard's recovery history.
 *
 * @param component the component recovered
 * @param strategy the strategy's name
 * @param attempt the attempt number since the component was last healthy, from 1
 * @param at when the attempt started
 * @param succeeded whether the strategy reported success (the component still has to pass checks)
 * @param message what the strategy did or why it failed
 */
public record RecoveryAttempt(String component, String strategy, int attempt, Instant at, boolean succeeded,
    String message) {

  /** Validates. */
  public RecoveryAttempt {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(message, "message");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
  }
}
