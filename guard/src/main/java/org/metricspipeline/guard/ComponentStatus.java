package org.metricspipeline.guard;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One watched component as the guard last saw it.
 *
 * @param name the component's name, for example {@code storage}
 * @param state the current state
 * @param lastCheckedAt when the last check finished; empty before the first
 * @param lastResult the details of the last check (secrets never appear here)
 * @param consecutiveFailures unhealthy checks in a row
 * @param consecutiveSuccesses healthy checks in a row
 * @param recoveryAttempts recovery attempts since the component was last healthy
 * @param checks its named checks, in the order added
 */
public record ComponentStatus(String name, ComponentState state, Optional<Instant> lastCheckedAt,
    Map<String, Object> lastResult, int consecutiveFailures, int consecutiveSuccesses, int recoveryAttempts,
    java.util.List<CheckStatus> checks) {

  /** Validates and copies. */
  public ComponentStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastCheckedAt, "lastCheckedAt");
    lastResult = Map.copyOf(lastResult);
    checks = java.util.List.copyOf(checks);
  }

  /** A status without named checks (the form before checks were listed). */
  public ComponentStatus(String name, ComponentState state, Optional<Instant> lastCheckedAt,
      Map<String, Object> lastResult, int consecutiveFailures, int consecutiveSuccesses, int recoveryAttempts) {
    this(name, state, lastCheckedAt, lastResult, consecutiveFailures, consecutiveSuccesses, recoveryAttempts,
        java.util.List.of());
  }
}
