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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.otlp.OtlpMapping;

/**
 * Turns an OTLP {@link ExportMetricsServiceRequest} into items, one per OTLP data point, by reading
 * the protobuf messages into {@link OtlpMapping}, the mapping every OTLP source shares (see it for
 * the metric names and tags). Points flagged "no recorded value" are skipped.
 */
public final class OtlpMetricsDecoder {

  /** The metric type of every item. */
  public static final String METRIC_TYPE = OtlpMapping.METRIC_TYPE;
  /** Tag holding a sum's or histogram's aggregation temporality. */
  public static final String TEMPORALITY_TAG = OtlpMapping.TEMPORALITY_TAG;
  /** Tag saying whether a sum is monotonic. */
  public static final String MONOTONIC_TAG = OtlpMapping.MONOTONIC_TAG;

  /** One OTLP data point: the item it became, or why it was rejected. */
  public record Point(Optional<MetricsData> item, String rejection) {
    static Point of(OtlpMapping.Point p) {
      return new Point(p.item(), p.rejection());
    }
  }

  private OtlpMetricsDecoder() {}

  /** Every data point of the request, in request order. */
  public static List<Point> decode(ExportMetricsServiceRequest request) {
    List<Point> points = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      Map<String, String> resourceTags = tags(rm.getResource().getAttributesList());
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        OtlpMapping.Scope scope = OtlpMapping.Scope.of(resourceTags, tags(sm.getScope().getAttributesList()));
        for (Metric m : sm.getMetricsList()) {
          decodeMetric(m, scope, points);
        }
      }
    }
    return points;
  }

  private static void decodeMetric(Metric m, OtlpMapping.Scope scope, List<Point> out) {
    String name = m.getName();
    String unit = m.getUnit();
    switch (m.getDataCase()) {
      case GAUGE -> {
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          if (!noRecordedValue(p.getFlags())) {
            out.add(valueOf(p).map(v -> OtlpMapping.gauge(scope, name, unit, p.getTimeUnixNano(),
                tags(p.getAttributesList()), v)).map(Point::of).orElseGet(() -> noValue(name)));
          }
        }
      }
      case SUM -> {
        OtlpMapping.Temporality t = temporality(m.getSum().getAggregationTemporality());
        boolean monotonic = m.getSum().getIsMonotonic();
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          if (!noRecordedValue(p.getFlags())) {
            out.add(valueOf(p).map(v -> OtlpMapping.sum(scope, name, unit, t, monotonic, p.getTimeUnixNano(),
                tags(p.getAttributesList()), v)).map(Point::of).orElseGet(() -> noValue(name)));
          }
        }
      }
      case HISTOGRAM -> {
        OtlpMapping.Temporality t = temporality(m.getHistogram().getAggregationTemporality());
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          if (!noRecordedValue(p.getFlags())) {
            out.add(Point.of(OtlpMapping.histogram(scope, name, unit, t, p.getTimeUnixNano(),
                tags(p.getAttributesList()), p.getCount(), p.hasSum() ? p.getSum() : Double.NaN,
                p.getExplicitBoundsList().stream().mapToDouble(Double::doubleValue).toArray(),
                p.getBucketCountsList().stream().mapToLong(Long::longValue).toArray())));
          }
        }
      }
      case SUMMARY -> {
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          if (!noRecordedValue(p.getFlags())) {
            List<SummaryDataPoint.ValueAtQuantile> qs = p.getQuantileValuesList();
            out.add(Point.of(OtlpMapping.summary(scope, name, unit, p.getTimeUnixNano(), tags(p.getAttributesList()),
                p.getCount(), p.getSum(), qs.stream().mapToDouble(SummaryDataPoint.ValueAtQuantile::getQuantile).toArray(),
                qs.stream().mapToDouble(SummaryDataPoint.ValueAtQuantile::getValue).toArray())));
          }
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        for (int i = 0; i < m.getExponentialHistogram().getDataPointsCount(); i++) {
          out.add(Point.of(OtlpMapping.exponentialHistogram(name)));
        }
      }
      default -> { } // a metric without data has no points
    }
  }

  private static Optional<Double> valueOf(NumberDataPoint p) {
    return switch (p.getValueCase()) {
      case AS_DOUBLE -> Optional.of(p.getAsDouble());
      case AS_INT -> Optional.of((double) p.getAsInt());
      default -> Optional.empty();
    };
  }

  private static Point noValue(String name) {
    return Point.of(OtlpMapping.Point.rejected(name + ": the data point has no value"));
  }

  private static boolean noRecordedValue(int flags) {
    return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
  }

  private static OtlpMapping.Temporality temporality(AggregationTemporality t) {
    return switch (t) {
      case AGGREGATION_TEMPORALITY_CUMULATIVE -> OtlpMapping.Temporality.CUMULATIVE;
      case AGGREGATION_TEMPORALITY_DELTA -> OtlpMapping.Temporality.DELTA;
      default -> OtlpMapping.Temporality.UNSPECIFIED;
    };
  }

  private static Map<String, String> tags(List<KeyValue> attributes) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      tags.put(kv.getKey(), text(kv.getValue()));
    }
    return tags;
  }

  /** An attribute value as a tag value (see {@link OtlpMapping#attributeText(Object)}). */
  static String text(AnyValue v) {
    return OtlpMapping.attributeText(value(v));
  }

  private static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BYTES_VALUE -> v.getBytesValue().toByteArray();
      case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpMetricsDecoder::value).toList();
      case KVLIST_VALUE -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          map.put(kv.getKey(), value(kv.getValue()));
        }
        yield map;
      }
      default -> null; // no value: "" as a tag value, null inside lists and maps
    };
  }
}
