package org.metricspipeline.core.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

class OtlpMappingTest {

  private static final OtlpMapping.Scope SCOPE =
      OtlpMapping.Scope.of(Map.of("service.name", "svc", "region", "eu"), Map.of("region", "us"));
  private static final long T = 1_700_000_000_123_456_789L;

  @Test
  void scopeAttributesOverrideResourceAttributesAndServiceNameIsTheSource() {
    assertThat(SCOPE.tags()).containsEntry("region", "us");
    assertThat(SCOPE.source()).isEqualTo("svc");
  }

  @Test
  void histogramBucketsBecomeCumulativeLeSeries() {
    MetricsData item = OtlpMapping.histogram(SCOPE, "lat", "ms", OtlpMapping.Temporality.DELTA, T, Map.of(),
        4, 61.5, new double[] {1, 2.5}, new long[] {1, 2, 1}).item().orElseThrow();
    assertThat(item.timestamp()).isEqualTo(Instant.ofEpochSecond(0, T)); // stores keep milliseconds
    assertThat(item.metricType()).isEqualTo("otlp");
    assertThat(item.metrics()).extracting(Metric::name, Metric::value, m -> m.tags().getOrDefault("le", ""))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("lat_count", 4.0, ""),
            org.assertj.core.groups.Tuple.tuple("lat_sum", 61.5, ""),
            org.assertj.core.groups.Tuple.tuple("lat_bucket", 1.0, "1"),
            org.assertj.core.groups.Tuple.tuple("lat_bucket", 3.0, "2.5"),
            org.assertj.core.groups.Tuple.tuple("lat_bucket", 4.0, "+Inf"));
    assertThat(item.metrics().get(0).tags()).containsEntry("otlp.temporality", "delta");
  }

  @Test
  void aHistogramWithoutSumHasNoSumMetric() {
    MetricsData item = OtlpMapping.histogram(SCOPE, "lat", "ms", OtlpMapping.Temporality.CUMULATIVE, T, Map.of(),
        0, Double.NaN, new double[0], new long[0]).item().orElseThrow();
    assertThat(item.metrics()).extracting(Metric::name).containsExactly("lat_count");
  }

  @Test
  void mismatchedBucketCountsAreRejectedWithTheReason() {
    OtlpMapping.Point p = OtlpMapping.histogram(SCOPE, "lat", "", OtlpMapping.Temporality.CUMULATIVE, T, Map.of(),
        1, 1, new double[] {1}, new long[] {1});
    assertThat(p.item()).isEmpty();
    assertThat(p.rejection()).isEqualTo("lat: bucket_counts has 1 entries, expected explicit_bounds + 1 = 2");
  }

  @Test
  void pointsWithoutTimeAreRejected() {
    assertThat(OtlpMapping.gauge(SCOPE, "g", "", 0, Map.of(), 1).rejection()).isEqualTo("g: time_unix_nano is missing");
  }

  @Test
  void summariesHaveQuantileSeries() {
    MetricsData item = OtlpMapping.summary(SCOPE, "rt", "s", T, Map.of("op", "get"), 10, 2.5,
        new double[] {0.5, 0.99}, new double[] {0.2, 0.9}).item().orElseThrow();
    assertThat(item.metrics()).extracting(Metric::name, m -> m.tags().getOrDefault("quantile", ""))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("rt_count", ""),
            org.assertj.core.groups.Tuple.tuple("rt_sum", ""),
            org.assertj.core.groups.Tuple.tuple("rt", "0.5"), org.assertj.core.groups.Tuple.tuple("rt", "0.99"));
  }

  @Test
  void attributeValuesAreStringifiedOneWay() {
    Map<String, Object> kv = new LinkedHashMap<>();
    kv.put("k", List.of(1L, Double.NaN));
    assertThat(OtlpMapping.attributeText("x")).isEqualTo("x");
    assertThat(OtlpMapping.attributeText(true)).isEqualTo("true");
    assertThat(OtlpMapping.attributeText(-7L)).isEqualTo("-7");
    assertThat(OtlpMapping.attributeText(1.5)).isEqualTo("1.5");
    assertThat(OtlpMapping.attributeText(new byte[] {1, 2})).isEqualTo("AQI=");
    assertThat(OtlpMapping.attributeText(List.of("a", "b\"c"))).isEqualTo("[\"a\",\"b\\\"c\"]");
    assertThat(OtlpMapping.attributeText(kv)).isEqualTo("{\"k\":[1,\"NaN\"]}");
    assertThat(OtlpMapping.attributeText(null)).isEmpty();
  }

  @Test
  void boundsAreWrittenAsPrometheusDoes() {
    assertThat(OtlpMapping.bound(5)).isEqualTo("5");
    assertThat(OtlpMapping.bound(0.25)).isEqualTo("0.25");
    assertThat(OtlpMapping.bound(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
  }
}
