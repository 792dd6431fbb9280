package org.metricspipeline.adapters.metabase.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.TimeRange;

/**
 * Metabase cards for visualization specs: the {@code POST /api/card} body (native SQL, display,
 * {@code graph.dimensions}/{@code graph.metrics}), the card's size on the grid, and the spec kept in
 * the card's {@code visualization_settings} under {@value #SPEC_KEY} so that
 * {@code getVisualizations} can give it back.
 */
public final class Cards {

  /** The visualization-settings key holding the library's spec of a card it created. */
  public static final String SPEC_KEY = "metrics_pipeline.spec";

  private Cards() {}

  /** Metabase's {@code display} for a chart type. */
  public static String display(VisualizationType type) {
    return switch (type) {
      case LINE -> "line";
      case BAR -> "bar";
      case AREA -> "area";
      case PIE -> "pie";
      case TABLE -> "table";
      case SCALAR -> "scalar";
    };
  }

  /** Grid width of a card: half the 24-column grid, a quarter for a single number. */
  public static int sizeX(VisualizationType type) {
    return type == VisualizationType.SCALAR ? 6 : 12;
  }

  /** Grid height of a card: 6 rows (Metabase's default for a line chart), 4 for a single number. */
  public static int sizeY(VisualizationType type) {
    return type == VisualizationType.SCALAR ? 4 : 6;
  }

  /** The {@code POST /api/card} body. */
  public static ObjectNode cardBody(VisualizationSpec spec, ClickHouseSql.Chart chart, long databaseId,
      JsonNode collectionId) {
    ObjectNode card = MetabaseClient.JSON.createObjectNode();
    card.put("name", spec.name());
    card.put("type", "question");
    card.put("display", display(spec.type()));
    if (!spec.description().isBlank()) {
      card.put("description", spec.description()); // Metabase rejects a blank description
    }
    if (collectionId != null && collectionId.isIntegralNumber()) {
      card.put("collection_id", collectionId.asLong());
    }
    ObjectNode query = card.putObject("dataset_query");
    query.put("type", "native");
    ObjectNode nativeQuery = query.putObject("native");
    nativeQuery.put("query", chart.sql());
    nativeQuery.putObject("template-tags");
    query.put("database", databaseId);
    ObjectNode settings = card.putObject("visualization_settings");
    if (spec.type() == VisualizationType.LINE || spec.type() == VisualizationType.BAR
        || spec.type() == VisualizationType.AREA) {
      ArrayNode dims = settings.putArray("graph.dimensions");
      chart.dimensions().forEach(dims::add);
      ArrayNode metrics = settings.putArray("graph.metrics");
      chart.metrics().forEach(metrics::add);
    }
    settings.set(SPEC_KEY, encode(spec));
    return card;
  }

  /** The spec as JSON (everything but the name, which is the card's own). */
  static ObjectNode encode(VisualizationSpec spec) {
    ObjectNode node = MetabaseClient.JSON.createObjectNode();
    node.put("version", 1);
    node.put("type", spec.type().wireName());
    node.put("description", spec.description());
    ObjectNode metadata = node.putObject("metadata");
    new TreeMap<>(spec.metadata()).forEach(metadata::put);
    AggregationQuery q = spec.query();
    ObjectNode query = node.putObject("query");
    query.put("metric", q.metricName());
    query.put("function", q.function().wireName());
    q.metricType().ifPresent(t -> query.put("metric_type", t));
    q.range().start().ifPresent(s -> query.put("start_ms", s.toEpochMilli()));
    q.range().end().ifPresent(e -> query.put("end_ms", e.toEpochMilli()));
    ObjectNode tags = query.putObject("tags");
    new TreeMap<>(q.tags()).forEach(tags::put);
    ArrayNode groupBy = query.putArray("group_by");
    q.groupBy().forEach(groupBy::add);
    q.step().ifPresent(s -> query.put("step_ms", s.toMillis()));
    query.put("source", q.source().wireName());
    return node;
  }

  /**
   * The spec of a card this library created (named as the card is now), or empty for any other card
   * (created in Metabase's UI, or with settings this version cannot read).
   */
  public static Optional<VisualizationSpec> specOf(JsonNode card) {
    JsonNode node = card.path("visualization_settings").path(SPEC_KEY);
    if (!node.isObject() || node.path("version").asInt() != 1) {
      return Optional.empty();
    }
    try {
      JsonNode q = node.path("query");
      AggregationQuery.Builder b = AggregationQuery.builder(q.path("metric").asText(),
          Aggregation.fromWireName(q.path("function").asText()));
      if (q.hasNonNull("metric_type")) {
        b.metricType(q.path("metric_type").asText());
      }
      Instant start = q.hasNonNull("start_ms") ? Instant.ofEpochMilli(q.path("start_ms").asLong()) : null;
      Instant end = q.hasNonNull("end_ms") ? Instant.ofEpochMilli(q.path("end_ms").asLong()) : null;
      b.range(start != null && end != null ? TimeRange.between(start, end)
          : start != null ? TimeRange.from(start) : end != null ? TimeRange.until(end) : TimeRange.all());
      b.tags(strings(q.path("tags")));
      List<String> groupBy = new ArrayList<>();
      q.path("group_by").forEach(k -> groupBy.add(k.asText()));
      b.groupBy(groupBy);
      if (q.hasNonNull("step_ms")) {
        b.step(Duration.ofMillis(q.path("step_ms").asLong()));
      }
      b.source(QuerySource.fromWireName(q.path("source").asText("auto")));
      return Optional.of(new VisualizationSpec(card.path("name").asText(),
          VisualizationType.fromWireName(node.path("type").asText()), b.build(),
          node.path("description").asText(""), strings(node.path("metadata"))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
