package org.metricspipeline.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.ValidationError;

/**
 * Writes the models in their wire form with a Jackson {@link JsonGenerator}.
 *
 * <p>Optional fields that are empty ({@code unit}, {@code tags}, {@code source}, {@code context})
 * are left out; the reader reads an absent field as empty, so items round-trip.
 */
public final class MetricsJsonWriter {

  private MetricsJsonWriter() {}

  /** Writes one item as an object. */
  public static void writeItem(JsonGenerator g, MetricsData item) throws IOException {
    g.writeStartObject();
    g.writeStringField("timestamp", Timestamps.formatMillis(item.timestamp()));
    g.writeStringField("metric_type", item.metricType());
    g.writeArrayFieldStart("metrics");
    List<Metric> metrics = item.metrics();
    for (int i = 0, n = metrics.size(); i < n; i++) {
      Metric m = metrics.get(i);
      double v = m.value();
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("cannot encode metrics[" + i + "].value: " + v
            + " has no JSON form (validate items before encoding them)");
      }
      g.writeStartObject();
      g.writeStringField("name", m.name());
      g.writeNumberField("value", v);
      if (!m.unit().isEmpty()) {
        g.writeStringField("unit", m.unit());
      }
      if (!m.tags().isEmpty()) {
        g.writeObjectFieldStart("tags");
        for (Map.Entry<String, String> tag : m.tags().entrySet()) {
          g.writeStringField(tag.getKey(), tag.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    if (!item.source().isEmpty()) {
      g.writeStringField("source", item.source());
    }
    if (!item.context().isEmpty()) {
      g.writeFieldName("context");
      writeValue(g, item.context());
    }
    g.writeEndObject();
  }

  /** Writes items as an array. */
  public static void writeItems(JsonGenerator g, List<MetricsData> items) throws IOException {
    g.writeStartArray();
    for (MetricsData item : items) {
      writeItem(g, item);
    }
    g.writeEndArray();
  }

  /** {@code {"success_count", "failure_count", "failures": [{index, reason, errors}]}}. */
  public static void writeBatchResult(JsonGenerator g, MetricsBatchResult r) throws IOException {
    g.writeStartObject();
    g.writeNumberField("success_count", r.successCount());
    g.writeNumberField("failure_count", r.failureCount());
    g.writeArrayFieldStart("failures");
    for (MetricsBatchResult.Failure f : r.failures()) {
      g.writeStartObject();
      g.writeNumberField("index", f.index());
      g.writeStringField("reason", f.reason());
      g.writeFieldName("errors");
      writeErrors(g, f.errors());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** {@code {"status": "healthy", "details": {...}}}. */
  public static void writeHealth(JsonGenerator g, HealthCheckResult r) throws IOException {
    g.writeStartObject();
    g.writeStringField("status", r.status().wireName());
    g.writeFieldName("details");
    writeValue(g, r.details());
    g.writeEndObject();
  }

  /** {@code [{"field": "...", "message": "..."}]}. */
  public static void writeErrors(JsonGenerator g, List<ValidationError> errors) throws IOException {
    g.writeStartArray();
    for (ValidationError e : errors) {
      g.writeStartObject();
      g.writeStringField("field", e.field());
      g.writeStringField("message", e.message());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * Writes a JSON-like value: maps (keys as text), collections and arrays, strings, numbers,
   * booleans; instants as ISO-8601; health statuses and other enums by lower-case name; nested
   * health results and batch results in their wire form; anything else as its {@code toString()}.
   * Non-finite floating-point numbers are written as strings ({@code "NaN"}).
   */
  public static void writeValue(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        g.writeString(Double.toString(d));
      }
    } else if (value instanceof BigInteger bi) {
      g.writeNumber(bi);
    } else if (value instanceof BigDecimal bd) {
      g.writeNumber(bd);
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof Collection<?> c) {
      g.writeStartArray();
      for (Object o : c) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else if (value instanceof Object[] array) {
      writeValue(g, java.util.Arrays.asList(array));
    } else if (value instanceof Optional<?> o) {
      writeValue(g, o.orElse(null));
    } else if (value instanceof Instant i) {
      g.writeString(Timestamps.formatMillis(i));
    } else if (value instanceof HealthStatus s) {
      g.writeString(s.wireName());
    } else if (value instanceof Enum<?> e) {
      g.writeString(e.name().toLowerCase(Locale.ROOT));
    } else if (value instanceof HealthCheckResult h) {
      writeHealth(g, h);
    } else if (value instanceof MetricsBatchResult b) {
      writeBatchResult(g, b);
    } else if (value instanceof MetricsData d) {
      writeItem(g, d);
    } else if (value instanceof Number n) {
      g.writeNumber(n.toString());
    } else {
      g.writeString(value.toString());
    }
  }
}
