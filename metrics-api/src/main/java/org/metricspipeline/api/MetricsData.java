package org.metricspipeline.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A set of metrics collected together: one timestamp, one metric type, any number of metrics.
 *
 * <p>This is the unit producers ingest and the pipeline stores. Timestamps are stored with
 * millisecond precision. Like {@link Metric}, the record only guarantees structure; content rules
 * live in {@link MetricsValidator}.
 *
 * @param timestamp when the metrics were collected
 * @param metricType the kind of metrics, for example {@code page_view} or {@code system}
 * @param metrics the metrics; an immutable copy
 * @param source where the metrics come from, or the empty string when unknown
 * @param context additional context (JSON-like values: strings, numbers, booleans, lists, maps);
 *     an immutable copy, empty when there is none
 */
public record MetricsData(
    Instant timestamp, String metricType, List<Metric> metrics, String source, Map<String, Object> context) {

  /** Validates structure and copies the collections. */
  public MetricsData {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(metricType, "metricType");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(source, "source (use \"\" for none)");
    Objects.requireNonNull(context, "context");
    metrics = List.copyOf(metrics);
    context = Map.copyOf(context);
  }

  /** Metrics without source or context. */
  public static MetricsData of(Instant timestamp, String metricType, List<Metric> metrics) {
    return new MetricsData(timestamp, metricType, metrics, "", Map.of());
  }

  /** A builder, for items with a source or context. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link MetricsData}; {@link #build()} checks that the required fields are set. */
  public static final class Builder {
    private Instant timestamp;
    private String metricType;
    private final List<Metric> metrics = new ArrayList<>();
    private String source = "";
    private final Map<String, Object> context = new LinkedHashMap<>();

    private Builder() {}

    /** When the metrics were collected (required). */
    public Builder timestamp(Instant timestamp) {
      this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
      return this;
    }

    /** The metric type (required). */
    public Builder metricType(String metricType) {
      this.metricType = Objects.requireNonNull(metricType, "metricType");
      return this;
    }

    /** Adds one metric. */
    public Builder metric(Metric metric) {
      metrics.add(Objects.requireNonNull(metric, "metric"));
      return this;
    }

    /** Adds one metric without unit or tags. */
    public Builder metric(String name, double value) {
      return metric(Metric.of(name, value));
    }

    /** Adds metrics. */
    public Builder metrics(List<Metric> metrics) {
      metrics.forEach(this::metric);
      return this;
    }

    /** Where the metrics come from. */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Adds one context entry. */
    public Builder context(String key, Object value) {
      context.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The item; fails naming the missing field when timestamp or metric type is not set. */
    public MetricsData build() {
      if (timestamp == null) {
        throw new IllegalStateException("timestamp is required");
      }
      if (metricType == null) {
        throw new IllegalStateException("metricType is required");
      }
      return new MetricsData(timestamp, metricType, metrics, source, context);
    }
  }
}
