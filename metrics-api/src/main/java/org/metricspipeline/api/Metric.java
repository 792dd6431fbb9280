package org.metricspipeline.api;

import java.util.Map;
import java.util.Objects;

/**
 * One measured value: a name, a value, an optional unit and tags.
 *
 * <p>The record only guarantees structure (no {@code null}s, immutable tags). Whether the content is
 * acceptable (name syntax, finite value, tag limits) is decided by {@link MetricsValidator}, so that
 * bad input can be reported field by field instead of failing on construction.
 *
 * @param name the metric name, for example {@code cpu_usage}
 * @param value the measured value
 * @param unit the unit of measurement, or the empty string when there is none
 * @param tags tag keys to tag values; an immutable copy
 */
public record Metric(String name, double value, String unit, Map<String, String> tags) {

  /** Validates structure and copies the tags. */
  public Metric {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit (use \"\" for none)");
    Objects.requireNonNull(tags, "tags");
    tags = Map.copyOf(tags);
  }

  /** A metric without unit or tags. */
  public static Metric of(String name, double value) {
    return new Metric(name, value, "", Map.of());
  }

  /** A metric with tags and no unit. */
  public static Metric of(String name, double value, Map<String, String> tags) {
    return new Metric(name, value, "", tags);
  }

  /** Whether a unit was given. */
  public boolean hasUnit() {
    return !unit.isEmpty();
  }
}
