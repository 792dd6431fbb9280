package org.metricspipeline.api;

import java.util.Map;
import java.util.Objects;
import org.metricspipeline.api.query.AggregationQuery;

/**
 * What a chart should show: a name, a chart type and a query in the library's own query model.
 *
 * @param name non-blank
 * @param type the kind of chart
 * @param query the data to draw
 * @param description may be empty
 * @param metadata free-form settings; an immutable copy
 */
public record VisualizationSpec(
    String name, VisualizationType type, AggregationQuery query, String description,
    Map<String, String> metadata) {

  /** Validates and copies. */
  public VisualizationSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(metadata, "metadata");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    metadata = Map.copyOf(metadata);
  }

  /** A chart without description or metadata. */
  public static VisualizationSpec of(String name, VisualizationType type, AggregationQuery query) {
    return new VisualizationSpec(name, type, query, "", Map.of());
  }
}
