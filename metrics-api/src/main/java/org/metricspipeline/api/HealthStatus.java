package org.metricspipeline.api;

/** How well a component works, from best to worst. */
public enum HealthStatus {
  /** Working as intended. */
  HEALTHY,
  /** Working, but slower, partially, or close to a limit. */
  DEGRADED,
  /** Not working. */
  UNHEALTHY;

  /** The worse of this and {@code other}. */
  public HealthStatus worst(HealthStatus other) {
    return compareTo(other) >= 0 ? this : other;
  }

  /** The lower-case wire name: {@code healthy}, {@code degraded} or {@code unhealthy}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
