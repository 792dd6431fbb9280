package org.metricspipeline.guard;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One named check of a component as last run.
 *
 * @param name the check's name ({@code check_name})
 * @param state what it answered last ({@link ComponentState#HEALTHY} before its first run)
 * @param lastCheckedAt when it last answered; empty before its first run
 * @param details what it found last
 */
public record CheckStatus(String name, ComponentState state, Optional<Instant> lastCheckedAt,
    Map<String, Object> details) {

  /** Validates and copies. */
  public CheckStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastCheckedAt, "lastCheckedAt");
    details = Map.copyOf(details);
  }
}
