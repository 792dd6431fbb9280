package org.metricspipeline.api;

import java.util.Map;
import java.util.Objects;

/**
 * The health of one component and the figures behind it.
 *
 * @param status healthy, degraded or unhealthy
 * @param details named figures and reasons (JSON-like values); an immutable copy
 */
public record HealthCheckResult(HealthStatus status, Map<String, Object> details) {

  /** Validates and copies. */
  public HealthCheckResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(details, "details");
    details = Map.copyOf(details);
  }

  /** Healthy with details. */
  public static HealthCheckResult healthy(Map<String, Object> details) {
    return new HealthCheckResult(HealthStatus.HEALTHY, details);
  }

  /** Degraded with details. */
  public static HealthCheckResult degraded(Map<String, Object> details) {
    return new HealthCheckResult(HealthStatus.DEGRADED, details);
  }

  /** Unhealthy for a reason, stored under the {@code reason} detail. */
  public static HealthCheckResult unhealthy(String reason) {
    return new HealthCheckResult(HealthStatus.UNHEALTHY, Map.of("reason", reason));
  }

  /** Whether the status is {@link HealthStatus#HEALTHY}. */
  public boolean isHealthy() {
    return status == HealthStatus.HEALTHY;
  }
}
