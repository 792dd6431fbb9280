package org.metricspipeline.adapters.memory.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;

/** Writes a dashboard, its charts and (when known) their data as JSON or CSV. */
public final class DashboardExporter {

  private static final JsonFactory JSON = new JsonFactory();

  private DashboardExporter() {}

  /** A chart and, when a store answered its query, the answer. */
  public record Chart(Visualization visualization, Optional<AggregationResult> data) {}

  /**
   * The JSON form: {@code {"dashboard": {...}, "exported_at": "...", "visualizations": [{..., "query":
   * {...}, "data": {"sources": [...], "groups": [{"key": {...}, "buckets": [{"start", "value",
   * "count"}]}]}}]}}; {@code data} is absent when no store answered.
   */
  public static byte[] json(Dashboard dashboard, List<Chart> charts, Instant exportedAt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeObjectFieldStart("dashboard");
      g.writeStringField("id", dashboard.id());
      g.writeStringField("name", dashboard.name());
      g.writeStringField("description", dashboard.spec().description());
      writeStringMap(g, "metadata", dashboard.spec().metadata());
      g.writeEndObject();
      g.writeStringField("exported_at", exportedAt.toString());
      g.writeArrayFieldStart("visualizations");
      for (Chart chart : charts) {
        writeChart(g, chart);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeChart(JsonGenerator g, Chart chart) throws IOException {
    Visualization v = chart.visualization();
    g.writeStartObject();
    g.writeStringField("id", v.id());
    g.writeStringField("name", v.spec().name());
    g.writeStringField("type", v.spec().type().wireName());
    g.writeStringField("description", v.spec().description());
    writeStringMap(g, "metadata", v.spec().metadata());
    writeQuery(g, v.spec().query());
    if (chart.data().isPresent()) {
      AggregationResult r = chart.data().get();
      g.writeObjectFieldStart("data");
      g.writeArrayFieldStart("sources");
      for (String source : r.sources()) {
        g.writeString(source);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("groups");
      for (GroupResult group : r.groups()) {
        g.writeStartObject();
        writeStringMap(g, "key", group.key());
        g.writeArrayFieldStart("buckets");
        for (Bucket b : group.buckets()) {
          g.writeStartObject();
          g.writeStringField("start", b.start().toString());
          g.writeFieldName("value");
          writeNumber(g, b.value());
          g.writeNumberField("count", b.count());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeQuery(JsonGenerator g, AggregationQuery q) throws IOException {
    g.writeObjectFieldStart("query");
    g.writeStringField("metric", q.metricName());
    g.writeStringField("function", q.function().wireName());
    if (q.metricType().isPresent()) {
      g.writeStringField("metric_type", q.metricType().get());
    }
    g.writeObjectFieldStart("range");
    if (q.range().start().isPresent()) {
      g.writeStringField("start", q.range().start().get().toString());
    }
    if (q.range().end().isPresent()) {
      g.writeStringField("end", q.range().end().get().toString());
    }
    g.writeEndObject();
    writeStringMap(g, "tags", q.tags());
    g.writeArrayFieldStart("group_by");
    for (String key : q.groupBy()) {
      g.writeString(key);
    }
    g.writeEndArray();
    if (q.step().isPresent()) {
      g.writeNumberField("step_millis", q.step().get().toMillis());
    }
    g.writeEndObject();
  }

  private static void writeStringMap(JsonGenerator g, String field, Map<String, String> map)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private static void writeNumber(JsonGenerator g, double value) throws IOException {
    if (Double.isFinite(value)) {
      g.writeNumber(value);
    } else {
      g.writeNull();
    }
  }

  /**
   * The CSV form, one row per bucket of every chart: {@code visualization_id, visualization_name,
   * group, bucket_start, value, count}, where {@code group} is {@code key=value} pairs joined by
   * {@code ;} in group-by order. Fields are quoted as RFC 4180 says when needed.
   */
  public static byte[] csv(List<Chart> charts) {
    StringBuilder sb = new StringBuilder("visualization_id,visualization_name,group,bucket_start,value,count\r\n");
    for (Chart chart : charts) {
      if (chart.data().isEmpty()) {
        continue;
      }
      Visualization v = chart.visualization();
      for (GroupResult group : chart.data().get().groups()) {
        StringBuilder key = new StringBuilder();
        for (String k : v.spec().query().groupBy()) {
          if (key.length() > 0) {
            key.append(';');
          }
          key.append(k).append('=').append(group.key().getOrDefault(k, ""));
        }
        for (Bucket b : group.buckets()) {
          sb.append(csvField(v.id())).append(',')
              .append(csvField(v.spec().name())).append(',')
              .append(csvField(key.toString())).append(',')
              .append(b.start()).append(',')
              .append(Double.isFinite(b.value()) ? Double.toString(b.value()) : "").append(',')
              .append(b.count()).append("\r\n");
        }
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String csvField(String s) {
    boolean quote = false;
    for (int i = 0; i < s.length() && !quote; i++) {
      char c = s.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}
