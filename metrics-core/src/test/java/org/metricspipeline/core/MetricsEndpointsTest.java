package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.EndpointRouter;
import org.metricspipeline.core.http.MetricsEndpoints;
import org.metricspipeline.core.http.PrometheusText;

/** The HTTP endpoints mounted without any server: what a service with its own web stack does. */
class MetricsEndpointsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-12-03T12:00:00Z"), ZoneOffset.UTC);

  private final FakeStorage storage = new FakeStorage();
  private final EndpointRouter router =
      EndpointRouter.of(MetricsEndpoints.builder(storage).clock(CLOCK).build().endpoints(), CLOCK);

  private EndpointResponse call(String method, String path, String body) {
    return call(method, path, Map.of(), body);
  }

  private EndpointResponse call(String method, String path, Map<String, List<String>> query, String body) {
    return router.dispatch(new EndpointRequest(method, path, Map.of(), query, Map.of("content-type", "application/json"),
        body.getBytes(StandardCharsets.UTF_8), "127.0.0.1")).join();
  }

  private static JsonNode json(EndpointResponse r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void rootListsEveryEndpoint() throws Exception {
    EndpointResponse r = call("GET", "/", "");
    assertThat(r.status()).isEqualTo(200);
    assertThat(json(r).get("endpoints")).hasSize(14);
    assertThat(r.bodyText()).contains("POST /api/v1/ingest", "GET /metrics/{metric_name}/info", "GET /metrics\"");
  }

  @Test
  void servesTheTelemetryAsPrometheusTextAtEachScrape() {
    double[] value = {1};
    EndpointRouter withTelemetry = EndpointRouter.of(MetricsEndpoints.builder(storage).clock(CLOCK)
        .telemetry(() -> List.of(org.metricspipeline.api.telemetry.Measurement.counter(
            "metrics_pipeline_items_stored_total", "Items stored", value[0]))).build().endpoints(), CLOCK);
    EndpointRequest get = new EndpointRequest("GET", "/metrics", Map.of(), Map.of(), Map.of(), new byte[0], "127.0.0.1");

    EndpointResponse first = withTelemetry.dispatch(get).join();
    value[0] = 5;
    EndpointResponse second = withTelemetry.dispatch(get).join();

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers()).containsEntry("Content-Type", PrometheusText.CONTENT_TYPE);
    assertThat(first.bodyText()).isEqualTo("# HELP metrics_pipeline_items_stored_total Items stored\n"
        + "# TYPE metrics_pipeline_items_stored_total counter\nmetrics_pipeline_items_stored_total 1\n");
    assertThat(second.bodyText()).endsWith("metrics_pipeline_items_stored_total 5\n");
  }

  @Test
  void ingestsASeed004MetricAsAGaugeItemWithLabelsAsTags() {
    EndpointResponse r = call("POST", "/metrics/ingest",
        "{\"metric_name\":\"cpu_usage\",\"value\":75.5,\"timestamp\":\"2025-12-03T12:00:00Z\","
            + "\"labels\":{\"host\":\"server1\"}}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(storage.stored).hasSize(1);
    MetricsData item = storage.stored.get(0);
    assertThat(item.metricType()).isEqualTo(MetricsEndpoints.DEFAULT_METRIC_TYPE);
    assertThat(item.timestamp()).isEqualTo(Instant.parse("2025-12-03T12:00:00Z"));
    assertThat(item.metrics().get(0).tags()).containsEntry("host", "server1");
    assertThat(item.metrics().get(0).value()).isEqualTo(75.5);
  }

  @Test
  void rejectsNaNAndMissingNameWithEveryFieldPath() throws Exception {
    EndpointResponse r = call("POST", "/metrics/ingest", "{\"value\":NaN,\"labels\":{\"host\":1}}");
    assertThat(r.status()).isEqualTo(400);
    JsonNode errors = json(r).at("/error/details/errors");
    assertThat(errors.findValuesAsText("field")).containsExactlyInAnyOrder("metric_name", "value", "labels.host");
    assertThat(storage.stored).isEmpty();
  }

  @Test
  void errorBodyHasTheSeed001Shape() throws Exception {
    JsonNode error = json(call("POST", "/metrics/ingest", "{}")).get("error");
    assertThat(error.get("type").asText()).isEqualTo("ValidationError");
    assertThat(error.get("message").asText()).isNotEmpty();
    assertThat(error.get("details").isObject()).isTrue();
    assertThat(error.get("timestamp").asText()).isEqualTo("2025-12-03T12:00:00.000Z");
  }

  @Test
  void malformedJsonIs400WithLineAndColumnAndNoStackTrace() throws Exception {
    EndpointResponse r = call("POST", "/query", "{\"metric_name\": ");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("malformed JSON", "line 1");
    assertThat(r.bodyText()).doesNotContain("at com.", "Exception");
  }

  @Test
  void batchIngestNamesEveryRejectedItemAndStoresTheRest() throws Exception {
    EndpointResponse r = call("POST", "/api/v1/ingest", "["
        + "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\",\"metrics\":[{\"name\":\"cpu\",\"value\":1}]},"
        + "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\",\"metrics\":[{\"name\":\"cpu\",\"value\":\"x\"}]},"
        + "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\",\"metrics\":[{\"name\":\"cpu\",\"value\":3}]}]");
    assertThat(r.status()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("success_count").asInt()).isEqualTo(2);
    assertThat(body.get("failure_count").asInt()).isEqualTo(1);
    assertThat(body.at("/failures/0/index").asInt()).isEqualTo(1);
    assertThat(storage.stored).hasSize(2);
  }

  @Test
  void batchWithEveryItemRejectedIs400WithIndexedFieldPaths() throws Exception {
    EndpointResponse r = call("POST", "/api/v1/ingest",
        "[{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\",\"metrics\":[{\"name\":\"cpu\"}]}]");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).at("/error/details/errors").findValuesAsText("field")).containsExactly("[0].metrics[0].value");
  }

  @Test
  void singleItemStoreFailureMapsTo503WithRetryAfter() {
    storage.failAlways();
    EndpointResponse r = call("POST", "/api/v1/ingest",
        "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\",\"metrics\":[{\"name\":\"cpu\",\"value\":1}]}");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isPresent();
  }

  @Test
  void unknownPathIs404() throws Exception {
    EndpointResponse r = call("GET", "/nope", "");
    assertThat(r.status()).isEqualTo(404);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("NotFound");
  }

  @Test
  void wrongMethodIs405WithAllow() {
    EndpointResponse r = call("DELETE", "/query", "");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).contains("POST");
  }

  @Test
  void unknownFunctionBadStepAndReversedRangeAreAllReported() throws Exception {
    EndpointResponse r = call("POST", "/query", "{\"metric_name\":\"cpu\",\"function\":\"median\",\"step\":\"soon\","
        + "\"start_time\":\"2025-12-03T12:00:00Z\",\"end_time\":\"2025-12-03T11:00:00Z\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).at("/error/details/errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("function", "step", "end_time");
  }

  @Test
  void queryAnswersAggregationWithItsSources() throws Exception {
    EndpointResponse r = call("POST", "/query", "{\"metric_name\":\"cpu\",\"function\":\"max\",\"step\":\"1m\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(json(r).get("function").asText()).isEqualTo("max");
    assertThat(json(r).get("sources").get(0).asText()).isEqualTo("raw");
  }

  @Test
  void rawQueryRejectsLabelsThatAreNotAJsonObject() throws Exception {
    EndpointResponse r = call("GET", "/query/raw",
        Map.of("metric_name", List.of("cpu"), "labels", List.of("{host")), "");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).at("/error/details/errors/0/field").asText()).isEqualTo("labels");
  }

  @Test
  void storeWithoutDiscoveryAnswers501() throws Exception {
    EndpointResponse r = call("GET", "/metrics/list", "");
    assertThat(r.status()).isEqualTo(501);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("UnsupportedCapability");
  }

  @Test
  void unknownRollupWindowIs400() throws Exception {
    EndpointResponse r = call("GET", "/query/rollup",
        Map.of("metric_name", List.of("cpu"), "window", List.of("2m")), "");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).at("/error/details/errors/0/field").asText()).isEqualTo("window");
  }

  @Test
  void badPageSizeIs400NamingTheRange() throws Exception {
    EndpointResponse r = call("GET", "/metrics/list", Map.of("page_size", List.of("0")), "");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).at("/error/details/errors/0/message").asText()).contains("between 1 and 1000");
  }

  @Test
  void unhealthyStorageMakesDbStatus503Disconnected() throws Exception {
    storage.health(HealthCheckResult.unhealthy("down"));
    EndpointResponse r = call("GET", "/db/status", "");
    assertThat(r.status()).isEqualTo(503);
    assertThat(json(r).get("status").asText()).isEqualTo("disconnected");
  }

  @Test
  void twoConcatenatedObjectsAre400AndNothingIsStored() throws Exception {
    String one = "{\"metric_name\":\"a\",\"value\":1,\"timestamp\":\"2025-12-03T12:00:00Z\"}";
    for (String separator : List.of("", " ", "\n", ",")) {
      EndpointResponse r = call("POST", "/metrics/ingest", one + separator + one);
      assertThat(r.status()).as("separator '%s'", separator).isEqualTo(400);
      assertThat(json(r).at("/error/message").asText()).startsWith("malformed JSON at line ");
    }
    assertThat(call("POST", "/query", "{\"metric_name\":\"a\"}{}").status()).isEqualTo(400);
    assertThat(storage.stored).isEmpty();
  }

  @Test
  void emptyOrBlankTimestampIs400NamingTheField() throws Exception {
    for (String ts : List.of("\"\"", "\"  \"")) {
      EndpointResponse r = call("POST", "/metrics/ingest", "{\"metric_name\":\"a\",\"value\":1,\"timestamp\":" + ts + "}");
      assertThat(r.status()).isEqualTo(400);
      assertThat(json(r).at("/error/details/errors/0/field").asText()).isEqualTo("timestamp");
    }
    assertThat(storage.stored).isEmpty();
  }

  @Test
  void requestWithMoreItemsThanTheLimitIs413WithTheLimit() throws Exception {
    EndpointRouter limited = EndpointRouter.of(
        MetricsEndpoints.builder(storage).clock(CLOCK).maxItemsPerRequest(1).build().endpoints(), CLOCK);
    String item = "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"t\",\"metrics\":[{\"name\":\"a\",\"value\":1}]}";
    EndpointResponse r = limited.dispatch(new EndpointRequest("POST", "/api/v1/ingest", Map.of(), Map.of(), Map.of(),
        ("[" + item + "," + item + "]").getBytes(StandardCharsets.UTF_8), "127.0.0.1")).join();
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.headers()).doesNotContainKey("Retry-After");
    assertThat(json(r).at("/error/details/max_items").asInt()).isEqualTo(1);
    assertThat(storage.stored).isEmpty();
  }

  @Test
  void livenessIgnoresTheStoreAndReadinessFollowsIt() throws Exception {
    storage.health(HealthCheckResult.unhealthy("down"));
    assertThat(call("GET", "/health/live", "").status()).isEqualTo(200);
    EndpointResponse ready = call("GET", "/health/ready", "");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(json(ready).at("/details/reason").asText()).isEqualTo("down");
  }

  @Test
  void healthAnswersAreReusedWithinTheCachePeriodSoProbesDoNotHitTheStoreEachTime() {
    java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(0);
    Clock moving = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
    };
    EndpointRouter counted = EndpointRouter.of(MetricsEndpoints.builder(storage).clock(moving)
        .health(() -> {
          checks.incrementAndGet();
          return storage.healthCheck();
        }).build().endpoints(), moving);
    EndpointRequest health = EndpointRequest.of("GET", "/health");
    for (int i = 0; i < 50; i++) {
      assertThat(counted.dispatch(health).join().status()).isEqualTo(200);
    }
    assertThat(checks).hasValue(1);
    now.addAndGet(MetricsEndpoints.DEFAULT_HEALTH_CACHE_SECONDS * 1000L);
    counted.dispatch(health).join();
    assertThat(checks).hasValue(2);
  }
}
