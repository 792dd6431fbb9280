package org.metricspipeline.core.otlp;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/**
 * How OpenTelemetry metric data points become items: the one mapping shared by every OTLP source
 * (the HTTP {@code /v1/metrics} endpoint decoding protobuf or JSON, the in-process OpenTelemetry
 * SDK exporter), each of which only reads its own representation into these calls.
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
 * attributes; values are stringified by {@link #attributeText(Object)}. The item's timestamp is the
 * point's time (millisecond precision), its type {@value #METRIC_TYPE}, its source the resource's
 * {@code service.name}.
 */
public final class OtlpMapping {

  /** The metric type of every item. */
  public static final String METRIC_TYPE = "otlp";
  /** Tag holding a sum's or histogram's aggregation temporality. */
  public static final String TEMPORALITY_TAG = "otlp.temporality";
  /** Tag saying whether a sum is monotonic. */
  public static final String MONOTONIC_TAG = "otlp.monotonic";
  /** The resource attribute that becomes the item's source. */
  public static final String SERVICE_NAME = "service.name";

  /** A sum's or histogram's aggregation temporality. */
  public enum Temporality {
    /** Values accumulate from a fixed start. */
    CUMULATIVE,
    /** Values cover the interval since the previous report. */
    DELTA,
    /** Not said. */
    UNSPECIFIED;

    /** The tag value: {@code cumulative}, {@code delta} or {@code unspecified}. */
    public String tagValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One data point: the item it became, or why it was rejected. */
  public record Point(Optional<MetricsData> item, String rejection) {
    /** Checks the fields. */
    public Point {
      Objects.requireNonNull(item, "item");
      Objects.requireNonNull(rejection, "rejection");
    }

    static Point of(MetricsData item) {
      return new Point(Optional.of(item), "");
    }

    /** A rejected point. */
    public static Point rejected(String reason) {
      return new Point(Optional.empty(), reason);
    }
  }

  /**
   * The tags and source shared by a resource's and scope's data points: resource attributes
   * overridden by scope attributes (already stringified), and the resource's {@code service.name}.
   */
  public record Scope(Map<String, String> tags, String source) {
    /** Copies the tags. */
    public Scope {
      tags = Map.copyOf(tags);
      Objects.requireNonNull(source, "source");
    }

    /** The scope of {@code resource} and {@code scope} attributes, each already stringified. */
    public static Scope of(Map<String, String> resourceTags, Map<String, String> scopeTags) {
      Map<String, String> tags = new LinkedHashMap<>(resourceTags);
      tags.putAll(scopeTags);
      return new Scope(tags, resourceTags.getOrDefault(SERVICE_NAME, ""));
    }
  }

  private OtlpMapping() {}

  /** A gauge point. */
  public static Point gauge(Scope scope, String name, String unit, long timeUnixNano,
      Map<String, String> attributes, double value) {
    return number(scope, name, unit, timeUnixNano, attributes, Map.of(), value);
  }

  /** A sum point. */
  public static Point sum(Scope scope, String name, String unit, Temporality temporality, boolean monotonic,
      long timeUnixNano, Map<String, String> attributes, double value) {
    return number(scope, name, unit, timeUnixNano, attributes,
        Map.of(TEMPORALITY_TAG, temporality.tagValue(), MONOTONIC_TAG, Boolean.toString(monotonic)), value);
  }

  private static Point number(Scope scope, String name, String unit, long timeUnixNano,
      Map<String, String> attributes, Map<String, String> extra, double value) {
    if (timeUnixNano == 0) {
      return Point.rejected(name + ": time_unix_nano is missing");
    }
    Map<String, String> tags = pointTags(scope, attributes, extra);
    return Point.of(item(scope, timeUnixNano).metric(new Metric(name, value, unit, tags)).build());
  }

  /**
   * A histogram point with explicit bounds; {@code bucketCounts} holds per-bucket (not cumulative)
   * counts, one more than {@code bounds} or none; {@code sum} is NaN when not sent.
   */
  public static Point histogram(Scope scope, String name, String unit, Temporality temporality,
      long timeUnixNano, Map<String, String> attributes, long count, double sum, double[] bounds,
      long[] bucketCounts) {
    if (timeUnixNano == 0) {
      return Point.rejected(name + ": time_unix_nano is missing");
    }
    int buckets = bucketCounts.length;
    if (buckets != 0 && buckets != bounds.length + 1) {
      return Point.rejected(name + ": bucket_counts has " + buckets + " entries, expected explicit_bounds + 1 = "
          + (bounds.length + 1));
    }
    Map<String, String> tags = pointTags(scope, attributes, Map.of(TEMPORALITY_TAG, temporality.tagValue()));
    MetricsData.Builder item = item(scope, timeUnixNano).metric(new Metric(name + "_count", unsigned(count), "", tags));
    if (!Double.isNaN(sum)) {
      item.metric(new Metric(name + "_sum", sum, unit, tags));
    }
    long cumulative = 0;
    for (int i = 0; i < buckets; i++) {
      cumulative += bucketCounts[i];
      Map<String, String> bucketTags = new LinkedHashMap<>(tags);
      bucketTags.put("le", i < bounds.length ? bound(bounds[i]) : "+Inf");
      item.metric(new Metric(name + "_bucket", unsigned(cumulative), "", bucketTags));
    }
    return Point.of(item.build());
  }

  /** A summary point: {@code quantiles[i]} (0 to 1) has the value {@code values[i]}. */
  public static Point summary(Scope scope, String name, String unit, long timeUnixNano,
      Map<String, String> attributes, long count, double sum, double[] quantiles, double[] values) {
    if (timeUnixNano == 0) {
      return Point.rejected(name + ": time_unix_nano is missing");
    }
    Map<String, String> tags = pointTags(scope, attributes, Map.of());
    MetricsData.Builder item = item(scope, timeUnixNano)
        .metric(new Metric(name + "_count", unsigned(count), "", tags))
        .metric(new Metric(name + "_sum", sum, unit, tags));
    for (int i = 0; i < quantiles.length; i++) {
      Map<String, String> qTags = new LinkedHashMap<>(tags);
      qTags.put("quantile", bound(quantiles[i]));
      item.metric(new Metric(name, values[i], unit, qTags));
    }
    return Point.of(item.build());
  }

  /** An exponential histogram point: not supported, so rejected. */
  public static Point exponentialHistogram(String name) {
    return Point.rejected(name + ": exponential histograms are not supported");
  }

  /** A bucket bound or quantile as Prometheus writes it: {@code 5}, {@code 0.5}, {@code +Inf}. */
  public static String bound(double v) {
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

  /**
   * An attribute value as a tag value: strings as they are, booleans and numbers as Java prints
   * them, bytes ({@code byte[]}) as base64, lists and maps as JSON (strings, bytes and non-finite
   * doubles quoted inside).
   */
  public static String attributeText(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof Boolean || v instanceof Long || v instanceof Double) {
      return v.toString();
    }
    if (v instanceof Integer i) {
      return Long.toString(i);
    }
    if (v instanceof List<?> || v instanceof Map<?, ?>) {
      return json(v);
    }
    return v == null ? "" : v.toString();
  }

  private static String json(Object v) {
    if (v instanceof String || v instanceof byte[]) {
      return quote(attributeText(v));
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? d.toString() : quote(d.toString());
    }
    if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
      return attributeText(v);
    }
    if (v instanceof List<?> list) {
      StringBuilder b = new StringBuilder("[");
      for (Object e : list) {
        b.append(b.length() > 1 ? "," : "").append(json(e));
      }
      return b.append(']').toString();
    }
    if (v instanceof Map<?, ?> map) {
      StringBuilder b = new StringBuilder("{");
      for (Map.Entry<?, ?> e : map.entrySet()) {
        b.append(b.length() > 1 ? "," : "").append(quote(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
      }
      return b.append('}').toString();
    }
    return "null";
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

  private static MetricsData.Builder item(Scope scope, long timeUnixNano) {
    return MetricsData.builder().timestamp(instant(timeUnixNano)).metricType(METRIC_TYPE).source(scope.source());
  }

  private static Map<String, String> pointTags(Scope scope, Map<String, String> attributes, Map<String, String> extra) {
    Map<String, String> tags = new LinkedHashMap<>(scope.tags());
    tags.putAll(attributes);
    tags.putAll(extra);
    return tags;
  }

  private static double unsigned(long value) {
    return value >= 0 ? value : Double.parseDouble(Long.toUnsignedString(value));
  }

  private static Instant instant(long unixNanos) {
    return Instant.ofEpochSecond(Long.divideUnsigned(unixNanos, 1_000_000_000L),
        Long.remainderUnsigned(unixNanos, 1_000_000_000L));
  }
}
