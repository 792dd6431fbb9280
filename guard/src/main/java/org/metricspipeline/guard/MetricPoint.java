package org.metricspipeline.guard;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded value (seed 001's {@code MetricPoint}).
 *
 * @param timestamp when it was recorded
 * @param component what it is about, for example {@code pipeline} or {@code training}
 * @param metricName the metric's name
 * @param value the value
 * @param labels extra dimensions (without {@code component})
 */
public record MetricPoint(Instant timestamp, String component, String metricName, double value,
    Map<String, String> labels) {

  /** Validates and copies. */
  public MetricPoint {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(metricName, "metricName");
    labels = Map.copyOf(labels);
  }
}
