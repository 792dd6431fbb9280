package org.metricspipeline.api.timeseries;

import java.util.Map;
import java.util.Objects;

/**
 * Details of one metric (what {@code GET /metrics/{name}/info} shows).
 *
 * @param summary types, units, counts and first/last seen
 * @param tags per tag key, its distinct values (up to the limit asked for)
 */
public record MetricInfo(MetricSummary summary, Map<String, TagValues> tags) {

  /** Validates and copies. */
  public MetricInfo {
    Objects.requireNonNull(summary, "summary");
    tags = Map.copyOf(tags);
  }
}
