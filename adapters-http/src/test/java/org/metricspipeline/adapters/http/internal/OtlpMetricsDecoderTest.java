package org.metricspipeline.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.MetricsData;

class OtlpMetricsDecoderTest {

  private static final long NANOS = 1_764_763_200_123_456_789L; // 2025-12-03T12:00:00.123456789Z
  private static final Instant AT = Instant.ofEpochSecond(1_764_763_200L, 123_456_789);

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static ExportMetricsServiceRequest request(Metric metric) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(attr("service.name", "checkout"))
            .addAttributes(attr("host", "from-resource")).addAttributes(attr("region", "eu")))
        .addScopeMetrics(ScopeMetrics.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("lib").addAttributes(attr("host", "from-scope")))
            .addMetrics(metric)))
        .build();
  }

  private static MetricsData only(ExportMetricsServiceRequest request) {
    List<OtlpMetricsDecoder.Point> points = OtlpMetricsDecoder.decode(request);
    assertThat(points).hasSize(1);
    assertThat(points.get(0).rejection()).isEmpty();
    return points.get(0).item().orElseThrow();
  }

  @Test
  void gaugePointBecomesOneMetricWithTimestampTypeAndSource() {
    MetricsData item = only(request(Metric.newBuilder().setName("cpu.usage").setUnit("1")
        .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
            .setTimeUnixNano(NANOS).setAsDouble(0.75).addAttributes(attr("core", "0")))).build()));

    assertThat(item.timestamp()).isEqualTo(AT);
    assertThat(item.metricType()).isEqualTo("otlp");
    assertThat(item.source()).isEqualTo("checkout");
    assertThat(item.metrics()).containsExactly(new org.metricspipeline.api.Metric("cpu.usage", 0.75, "1",
        Map.of("service.name", "checkout", "host", "from-scope", "region", "eu", "core", "0")));
  }

  @Test
  void pointAttributesOverrideScopeAttributesWhichOverrideResourceAttributes() {
    MetricsData item = only(request(Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NANOS).setAsInt(1)
            .addAttributes(attr("region", "us")))).build()));

    assertThat(item.metrics().get(0).tags())
        .containsEntry("host", "from-scope").containsEntry("region", "us");
  }

  @Test
  void sumPointIsTaggedWithTemporalityAndMonotonicity() {
    MetricsData item = only(request(Metric.newBuilder().setName("requests").setSum(Sum.newBuilder()
        .setIsMonotonic(true).setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NANOS).setAsInt(42))).build()));

    assertThat(item.metrics()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("requests");
      assertThat(m.value()).isEqualTo(42.0);
      assertThat(m.tags()).containsEntry("otlp.temporality", "cumulative").containsEntry("otlp.monotonic", "true");
    });
  }

  @Test
  void deltaNonMonotonicSumSaysSo() {
    MetricsData item = only(request(Metric.newBuilder().setName("queue.change").setSum(Sum.newBuilder()
        .setIsMonotonic(false).setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NANOS).setAsDouble(-3))).build()));

    assertThat(item.metrics().get(0).tags())
        .containsEntry("otlp.temporality", "delta").containsEntry("otlp.monotonic", "false");
  }

  @Test
  void histogramPointBecomesCountSumAndCumulativeBuckets() {
    MetricsData item = only(request(Metric.newBuilder().setName("latency").setUnit("ms")
        .setHistogram(Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(NANOS).setCount(6).setSum(120.5)
                .addAllExplicitBounds(List.of(10.0, 100.0)).addAllBucketCounts(List.of(1L, 3L, 2L)))).build()));

    assertThat(item.metrics()).extracting(m -> m.name() + "{" + m.tags().getOrDefault("le", "") + "}=" + m.value())
        .containsExactly("latency_count{}=6.0", "latency_sum{}=120.5", "latency_bucket{10}=1.0",
            "latency_bucket{100}=4.0", "latency_bucket{+Inf}=6.0");
    assertThat(item.metrics().get(1).unit()).isEqualTo("ms");
    assertThat(item.metrics().get(0).tags()).containsEntry("otlp.temporality", "cumulative");
  }

  @Test
  void histogramWithMismatchedBucketsIsRejected() {
    List<OtlpMetricsDecoder.Point> points = OtlpMetricsDecoder.decode(request(Metric.newBuilder().setName("h")
        .setHistogram(Histogram.newBuilder().addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(NANOS)
            .setCount(1).addAllExplicitBounds(List.of(1.0)).addAllBucketCounts(List.of(1L)))).build()));

    assertThat(points).singleElement().satisfies(p -> {
      assertThat(p.item()).isEmpty();
      assertThat(p.rejection()).contains("bucket_counts");
    });
  }

  @Test
  void summaryPointBecomesCountSumAndQuantiles() {
    MetricsData item = only(request(Metric.newBuilder().setName("rt").setSummary(
        io.opentelemetry.proto.metrics.v1.Summary.newBuilder().addDataPoints(SummaryDataPoint.newBuilder()
            .setTimeUnixNano(NANOS).setCount(3).setSum(9).addQuantileValues(
                SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(2)))).build()));

    assertThat(item.metrics()).extracting(m -> m.name() + "{" + m.tags().getOrDefault("quantile", "") + "}=" + m.value())
        .containsExactly("rt_count{}=3.0", "rt_sum{}=9.0", "rt{0.5}=2.0");
  }

  @Test
  void exponentialHistogramPointsAreRejectedAsUnsupported() {
    List<OtlpMetricsDecoder.Point> points = OtlpMetricsDecoder.decode(request(Metric.newBuilder().setName("e")
        .setExponentialHistogram(ExponentialHistogram.newBuilder()
            .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(NANOS))
            .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(NANOS))).build()));

    assertThat(points).hasSize(2).allSatisfy(p -> assertThat(p.rejection()).contains("not supported"));
  }

  @Test
  void pointsWithoutRecordedValueAreSkipped() {
    List<OtlpMetricsDecoder.Point> points = OtlpMetricsDecoder.decode(request(Metric.newBuilder().setName("g")
        .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NANOS)
            .setFlags(1))).build()));

    assertThat(points).isEmpty();
  }

  @Test
  void nonStringAttributeValuesAreStringified() {
    assertThat(OtlpMetricsDecoder.text(AnyValue.newBuilder().setBoolValue(true).build())).isEqualTo("true");
    assertThat(OtlpMetricsDecoder.text(AnyValue.newBuilder().setIntValue(-7).build())).isEqualTo("-7");
    assertThat(OtlpMetricsDecoder.text(AnyValue.newBuilder().setDoubleValue(1.5).build())).isEqualTo("1.5");
    assertThat(OtlpMetricsDecoder.text(AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
        .addValues(AnyValue.newBuilder().setStringValue("a")).addValues(AnyValue.newBuilder().setIntValue(2)))
        .build())).isEqualTo("[\"a\",2]");
  }
}
