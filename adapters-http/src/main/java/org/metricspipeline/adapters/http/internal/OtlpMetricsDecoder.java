package org.metricspipeline.adapters.http.internal;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.api.MetricsData;

/**
 * Turns an OTLP {@link ExportMetricsServiceRequest} into items, one per OTLP data point.
 *
 * <ul>
 *   <li>gauge: one metric named after the OTLP metric;
 *   <li>sum: the same, tagged {@value #TEMPORALITY_TAG} ({@code cumulative} or {@code delta}) and
 *       {@value #MONOTONIC_TAG} ({@code true} or {@code false});
 *   <li>histogram: {@code <name>_count}, {@code <name>_sum} (when sent) and one {@code <name>_bucket}
 *       per bucket with an {@code le} tag and the cumulative count ({@code le="+Inf"} last), tagged
 *       {@value #TEMPORALITY_TAG};
 *   <li>summary: {@code <name>_count}, {@code <name>_sum} and {@code <name>} with a {@code quantile} tag;
 *   <li>exponential histogram: rejected (not supported).
 * </ul>
 *
 * Tags are resource attributes, overridden by scope attributes, overridden by data point
 * attributes; values are stringified (booleans and numbers as Java prints them, arrays and maps as
 * JSON, bytes as base64). The item's timestamp is {@code time_unix_nano} (millisecond precision),
 * its type {@value #METRIC_TYPE}, its source the resource's {@code service.name}. Points flagged
 * "no recorded value" are skipped.
 */
public final class OtlpMetricsDecoder {

  /** The metric type of every item. */
  public static final String METRIC_TYPE = "otlp";
  /** Tag holding a sum's or histogram's aggregation temporality. */
  public static final String TEMPORALITY_TAG = "otlp.temporality";
  /** Tag saying whether a sum is monotonic. */
  public static final String MONOTONIC_TAG = "otlp.monotonic";

  /** One OTLP data point: the item it became, or why it was rejected. */
  public record Point(Optional<MetricsData> item, String rejection) {
    static Point of(MetricsData item) {
      return new Point(Optional.of(item), "");
    }

    static Point rejected(String reason) {
      return new Point(Optional.empty(), reason);
    }
  }

  private OtlpMetricsDecoder() {}

  /** Every data point of the request, in request order. */
  public static List<Point> decode(ExportMetricsServiceRequest request) {
    List<Point> points = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      Map<String, String> resourceTags = tags(rm.getResource().getAttributesList());
      String source = resourceTags.getOrDefault("service.name", "");
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        Map<String, String> scopeTags = new LinkedHashMap<>(resourceTags);
        scopeTags.putAll(tags(sm.getScope().getAttributesList()));
        for (Metric m : sm.getMetricsList()) {
          decodeMetric(m, scopeTags, source, points);
        }
      }
    }
    return points;
  }

  private static void decodeMetric(Metric m, Map<String, String> baseTags, String source, List<Point> out) {
    String name = m.getName();
    String unit = m.getUnit();
    switch (m.getDataCase()) {
      case GAUGE -> {
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          number(name, unit, p, baseTags, Map.of(), source, out);
        }
      }
      case SUM -> {
        Map<String, String> extra = Map.of(
            TEMPORALITY_TAG, temporality(m.getSum().getAggregationTemporality()),
            MONOTONIC_TAG, Boolean.toString(m.getSum().getIsMonotonic()));
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          number(name, unit, p, baseTags, extra, source, out);
        }
      }
      case HISTOGRAM -> {
        Map<String, String> extra = Map.of(TEMPORALITY_TAG, temporality(m.getHistogram().getAggregationTemporality()));
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          histogram(name, unit, p, baseTags, extra, source, out);
        }
      }
      case SUMMARY -> {
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          summary(name, unit, p, baseTags, source, out);
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        for (int i = 0; i < m.getExponentialHistogram().getDataPointsCount(); i++) {
          out.add(Point.rejected(name + ": exponential histograms are not supported"));
        }
      }
      default -> { } // a metric without data has no points
    }
  }

  private static void number(String name, String unit, NumberDataPoint p, Map<String, String> base,
      Map<String, String> extra, String source, List<Point> out) {
    if (noRecordedValue(p.getFlags())) {
      return;
    }
    double value;
    switch (p.getValueCase()) {
      case AS_DOUBLE -> value = p.getAsDouble();
      case AS_INT -> value = p.getAsInt();
      default -> {
        out.add(Point.rejected(name + ": the data point has no value"));
        return;
      }
    }
    if (p.getTimeUnixNano() == 0) {
      out.add(Point.rejected(name + ": time_unix_nano is missing"));
      return;
    }
    Map<String, String> tags = pointTags(base, p.getAttributesList(), extra);
    out.add(Point.of(MetricsData.builder().timestamp(instant(p.getTimeUnixNano())).metricType(METRIC_TYPE)
        .source(source).metric(new org.metricspipeline.api.Metric(name, value, unit, tags)).build()));
  }

  private static void histogram(String name, String unit, HistogramDataPoint p, Map<String, String> base,
      Map<String, String> extra, String source, List<Point> out) {
    if (noRecordedValue(p.getFlags())) {
      return;
    }
    if (p.getTimeUnixNano() == 0) {
      out.add(Point.rejected(name + ": time_unix_nano is missing"));
      return;
    }
    int buckets = p.getBucketCountsCount();
    if (buckets != 0 && buckets != p.getExplicitBoundsCount() + 1) {
      out.add(Point.rejected(name + ": bucket_counts has " + buckets + " entries, expected explicit_bounds + 1 = "
          + (p.getExplicitBoundsCount() + 1)));
      return;
    }
    Map<String, String> tags = pointTags(base, p.getAttributesList(), extra);
    MetricsData.Builder item = MetricsData.builder().timestamp(instant(p.getTimeUnixNano()))
        .metricType(METRIC_TYPE).source(source)
        .metric(new org.metricspipeline.api.Metric(name + "_count", unsigned(p.getCount()), "", tags));
    if (p.hasSum()) {
      item.metric(new org.metricspipeline.api.Metric(name + "_sum", p.getSum(), unit, tags));
    }
    long cumulative = 0;
    for (int i = 0; i < buckets; i++) {
      cumulative += p.getBucketCounts(i);
      Map<String, String> bucketTags = new LinkedHashMap<>(tags);
      bucketTags.put("le", i < p.getExplicitBoundsCount() ? bound(p.getExplicitBounds(i)) : "+Inf");
      item.metric(new org.metricspipeline.api.Metric(name + "_bucket", unsigned(cumulative), "", bucketTags));
    }
    out.add(Point.of(item.build()));
  }

  private static void summary(String name, String unit, SummaryDataPoint p, Map<String, String> base,
      String source, List<Point> out) {
    if (noRecordedValue(p.getFlags())) {
      return;
    }
    if (p.getTimeUnixNano() == 0) {
      out.add(Point.rejected(name + ": time_unix_nano is missing"));
      return;
    }
    Map<String, String> tags = pointTags(base, p.getAttributesList(), Map.of());
    MetricsData.Builder item = MetricsData.builder().timestamp(instant(p.getTimeUnixNano()))
        .metricType(METRIC_TYPE).source(source)
        .metric(new org.metricspipeline.api.Metric(name + "_count", unsigned(p.getCount()), "", tags))
        .metric(new org.metricspipeline.api.Metric(name + "_sum", p.getSum(), unit, tags));
    for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
      Map<String, String> qTags = new LinkedHashMap<>(tags);
      qTags.put("quantile", bound(q.getQuantile()));
      item.metric(new org.metricspipeline.api.Metric(name, q.getValue(), unit, qTags));
    }
    out.add(Point.of(item.build()));
  }

  private static boolean noRecordedValue(int flags) {
    return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
  }

  private static double unsigned(long value) {
    return value >= 0 ? value : Double.parseDouble(Long.toUnsignedString(value));
  }

  private static Instant instant(long unixNanos) {
    return Instant.ofEpochSecond(Long.divideUnsigned(unixNanos, 1_000_000_000L),
        Long.remainderUnsigned(unixNanos, 1_000_000_000L));
  }

  private static String temporality(AggregationTemporality t) {
    return switch (t) {
      case AGGREGATION_TEMPORALITY_CUMULATIVE -> "cumulative";
      case AGGREGATION_TEMPORALITY_DELTA -> "delta";
      default -> "unspecified";
    };
  }

  /** A bucket bound or quantile as Prometheus writes it: {@code 5}, {@code 0.5}, {@code +Inf}. */
  static String bound(double v) {
    if (v == Double.POSITIVE_INFINITY) {
      return "+Inf";
    }
    if (v == Double.NEGATIVE_INFINITY) {
      return "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static Map<String, String> pointTags(Map<String, String> base, List<KeyValue> attributes,
      Map<String, String> extra) {
    Map<String, String> tags = new LinkedHashMap<>(base);
    tags.putAll(tags(attributes));
    tags.putAll(extra);
    return tags;
  }

  private static Map<String, String> tags(List<KeyValue> attributes) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      tags.put(kv.getKey(), text(kv.getValue()));
    }
    return tags;
  }

  /** An attribute value as a tag value. */
  static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> json(v);
      default -> "";
    };
  }

  private static String json(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE, BYTES_VALUE -> quote(text(v));
      case BOOL_VALUE, INT_VALUE -> text(v);
      case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue()) ? text(v) : quote(text(v));
      case ARRAY_VALUE -> {
        StringBuilder b = new StringBuilder("[");
        for (AnyValue e : v.getArrayValue().getValuesList()) {
          b.append(b.length() > 1 ? "," : "").append(json(e));
        }
        yield b.append(']').toString();
      }
      case KVLIST_VALUE -> {
        StringBuilder b = new StringBuilder("{");
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          b.append(b.length() > 1 ? "," : "").append(quote(kv.getKey())).append(':').append(json(kv.getValue()));
        }
        yield b.append('}').toString();
      }
      default -> "null";
    };
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
