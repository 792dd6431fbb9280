package org.metricspipeline.api.timeseries;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;

/**
 * Selects rollup buckets of one metric: its series carrying {@link #tags()} (and of
 * {@link #metricType()} when given), buckets starting inside {@link #range()}.
 *
 * @param metricName the metric name
 * @param resolution the bucket width
 * @param range the bucket starts to match (half-open)
 * @param tags tags a series must carry; an immutable copy
 * @param metricType the metric type to match, if restricted
 */
public record RollupQuery(
    String metricName, Resolution resolution, TimeRange range, Map<String, String> tags,
    Optional<String> metricType) {

  /** Validates and copies. */
  public RollupQuery {
    Objects.requireNonNull(metricName, "metricName");
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(range, "range");
    tags = Map.copyOf(Objects.requireNonNull(tags, "tags"));
    Objects.requireNonNull(metricType, "metricType");
  }

  /** Every series of a metric, any type. */
  public static RollupQuery of(String metricName, Resolution resolution, TimeRange range) {
    return new RollupQuery(metricName, resolution, range, Map.of(), Optional.empty());
  }
}
