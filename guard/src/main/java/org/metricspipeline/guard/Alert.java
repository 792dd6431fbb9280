package org.metricspipeline.guard;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An alert about one component (seed 001's fields). The guard raises one per component and kind
 * while the problem lasts: a repeat only bumps {@code occurrences} and {@code lastSeen}.
 *
 * @param id stable identifier, {@code component:kind}
 * @param component the component's name
 * @param severity how bad: {@link ComponentState#DEGRADED}, {@link ComponentState#CRITICAL} or
 *     {@link ComponentState#FAILED}
 * @param message what is wrong
 * @param timestamp when it was first raised
 * @param metadata figures behind it (JSON-like values)
 * @param resolved whether the problem is over
 * @param resolutionAction what resolved it, when resolved (for example {@code restart-storage})
 * @param occurrences how often it was raised while active
 * @param lastSeen when it was last raised or resolved
 */
public record Alert(String id, String component, ComponentState severity, String message, Instant timestamp,
    Map<String, Object> metadata, boolean resolved, Optional<String> resolutionAction, int occurrences,
    Instant lastSeen) {

  /** Validates and copies. */
  public Alert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(timestamp, "timestamp");
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(resolutionAction, "resolutionAction");
    Objects.requireNonNull(lastSeen, "lastSeen");
    if (occurrences < 1) {
      throw new IllegalArgumentException("occurrences must be at least 1, got " + occurrences);
    }
  }

  /** The same alert, resolved by {@code action} at {@code when}. */
  public Alert resolve(String action, Instant when) {
    return new Alert(id, component, severity, message, timestamp, metadata, true, Optional.of(action),
        occurrences, when);
  }

  /** The same alert raised once more. */
  public Alert repeated(String newMessage, Map<String, Object> newMetadata, Instant when) {
    return new Alert(id, component, severity, newMessage, timestamp, newMetadata, false, Optional.empty(),
        occurrences + 1, when);
  }
}
