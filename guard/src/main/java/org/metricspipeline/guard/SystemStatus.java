package org.metricspipeline.guard;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the guard knows at one moment (seed 001's {@code get_system_status}).
 *
 * @param overall the worst component state ({@link ComponentState#HEALTHY} with no components)
 * @param timestamp when the snapshot was taken
 * @param monitoring whether the scheduler is running
 * @param components every watched component, in registration order
 * @param activeAlerts unresolved alerts, oldest first
 * @param recoveryHistory recent recovery attempts, oldest first (bounded)
 */
public record SystemStatus(ComponentState overall, Instant timestamp, boolean monitoring,
    List<ComponentStatus> components, List<Alert> activeAlerts, List<RecoveryAttempt> recoveryHistory) {

  /** Validates and copies. */
  public SystemStatus {
    Objects.requireNonNull(overall, "overall");
    Objects.requireNonNull(timestamp, "timestamp");
    components = List.copyOf(components);
    activeAlerts = List.copyOf(activeAlerts);
    recoveryHistory = List.copyOf(recoveryHistory);
  }

  /** The component with this name, when watched. */
  public java.util.Optional<ComponentStatus> component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
