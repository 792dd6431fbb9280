package org.metricspipeline.api.timeseries;

import java.util.Map;
import java.util.Objects;

/**
 * What identifies one series: the metric type and source of its items, the metric name, unit and
 * tags. {@code rate} and rollups are computed per series.
 *
 * @param metricType the metric type of the items
 * @param source the source of the items ({@code ""} when none)
 * @param name the metric name
 * @param unit the unit ({@code ""} when none)
 * @param tags the tags; an immutable copy
 */
public record SeriesId(String metricType, String source, String name, String unit, Map<String, String> tags) {

  /** Validates and copies. */
  public SeriesId {
    Objects.requireNonNull(metricType, "metricType");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    tags = Map.copyOf(Objects.requireNonNull(tags, "tags"));
  }

  /** Whether this series carries every tag of {@code filter} with the same value. */
  public boolean hasTags(Map<String, String> filter) {
    for (Map.Entry<String, String> e : filter.entrySet()) {
      if (!e.getValue().equals(tags.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
