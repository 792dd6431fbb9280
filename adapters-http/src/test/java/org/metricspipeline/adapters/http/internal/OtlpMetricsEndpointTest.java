package org.metricspipeline.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;

class OtlpMetricsEndpointTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-12-03T12:05:00Z"), ZoneOffset.UTC);
  private final List<MetricsData> sunk = new ArrayList<>();
  private final OtlpMetricsEndpoint endpoint = new OtlpMetricsEndpoint(items -> {
    sunk.addAll(items);
    return CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(items.size()));
  }, MetricsValidator.builder().clock(CLOCK).build(), CLOCK, 10_000);

  private EndpointResponse post(String contentType, byte[] body) {
    return endpoint.handle(new EndpointRequest("POST", "/v1/metrics", Map.of(), Map.of(),
        Map.of("Content-Type", contentType), body, "")).join();
  }

  private static byte[] gauges(double... values) {
    Gauge.Builder g = Gauge.newBuilder();
    for (double v : values) {
      g.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(1_764_763_200_000_000_000L).setAsDouble(v));
    }
    return OtlpMetricsDecoderTest.request(Metric.newBuilder().setName("temp").setGauge(g).build()).toByteArray();
  }

  @Test
  void protobufRequestIsStoredAndAnsweredWithAnEmptyProtobufResponse() throws Exception {
    EndpointResponse r = post("application/x-protobuf", gauges(21.5));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).hasValue("application/x-protobuf");
    assertThat(ExportMetricsServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();
    assertThat(sunk).singleElement().satisfies(d -> assertThat(d.metrics().get(0).value()).isEqualTo(21.5));
  }

  @Test
  void nanPointsAreCountedAsRejectedInPartialSuccess() throws Exception {
    EndpointResponse r = post("application/x-protobuf", gauges(1, Double.NaN, 2));

    ExportMetricsServiceResponse response = ExportMetricsServiceResponse.parseFrom(r.body());
    assertThat(r.status()).isEqualTo(200);
    assertThat(response.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage()).contains("temp").contains("finite");
    assertThat(sunk).hasSize(2);
  }

  @Test
  void jsonRequestInTheOtlpJsonMappingIsDecoded() {
    String json = """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
          "scopeMetrics":[{"scope":{"name":"s"},"metrics":[
            {"name":"hits","unit":"1","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[
              {"timeUnixNano":"1764763200000000000","asInt":"7",
               "attributes":[{"key":"ok","value":{"boolValue":true}}],"unknownField":1}]}}]}]}]}
        """;
    EndpointResponse r = post("application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("{}");
    assertThat(sunk).singleElement().satisfies(d -> {
      assertThat(d.source()).isEqualTo("web");
      assertThat(d.timestamp()).isEqualTo(Instant.parse("2025-12-03T12:00:00Z"));
      assertThat(d.metrics()).containsExactly(new org.metricspipeline.api.Metric("hits", 7, "1", Map.of(
          "service.name", "web", "ok", "true", "otlp.temporality", "cumulative", "otlp.monotonic", "true")));
    });
  }

  @Test
  void jsonPartialSuccessUsesCamelCaseFields() {
    String json = """
        {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[
          {"timeUnixNano":1764763200000000000,"asDouble":"NaN"}]}}]}]}]}
        """;
    EndpointResponse r = post("application/json", json.getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).contains("\"partialSuccess\":{\"rejectedDataPoints\":\"1\",\"errorMessage\":");
    assertThat(sunk).isEmpty();
  }

  @Test
  void malformedJsonIsA400WithTheFieldPath() {
    EndpointResponse r = post("application/json",
        "{\"resourceMetrics\":{}}".getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.bodyText()).contains("resourceMetrics: expected an array");
  }

  @Test
  void undecodableProtobufIsA400() {
    EndpointResponse r = post("application/x-protobuf", new byte[] {(byte) 0xff, 1, 2});

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.bodyText()).contains("ExportMetricsServiceRequest");
  }

  @Test
  void otherContentTypesAre415() {
    EndpointResponse r = post("text/plain", new byte[0]);

    assertThat(r.status()).isEqualTo(415);
  }
}
