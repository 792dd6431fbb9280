package org.metricspipeline.api.timeseries;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One metric of the metric list.
 *
 * @param name the metric name
 * @param metricTypes the metric types its points came with, sorted
 * @param units its units, sorted ({@code ""} for none)
 * @param seriesCount the series (distinct type, source, unit and tags) it has
 * @param pointCount the raw points stored
 * @param firstSeen the earliest point's time
 * @param lastSeen the latest point's time
 */
public record MetricSummary(
    String name, List<String> metricTypes, List<String> units, long seriesCount, long pointCount,
    Instant firstSeen, Instant lastSeen) {

  /** Validates and copies. */
  public MetricSummary {
    Objects.requireNonNull(name, "name");
    metricTypes = List.copyOf(metricTypes);
    units = List.copyOf(units);
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }
}
