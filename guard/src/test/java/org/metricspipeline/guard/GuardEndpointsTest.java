package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.EndpointRouter;
import org.metricspipeline.core.http.MetricsEndpoints;
import org.metricspipeline.testkit.MutableClock;

class GuardEndpointsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  private final FlakyStorage.Server server = new FlakyStorage.Server();
  private final MetricsPipeline pipeline = TestPipelines.started(server.connect(), InMemoryIngestionAdapter.create(), 10);
  private final AtomicReference<HealthCheckResult> model = new AtomicReference<>(HealthCheckResult.healthy(Map.of()));
  private final SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).clock(clock)
      .failureThreshold(1).component("model", HealthCheck.of(model::get)).build();
  private final MetricsCollector collector = MetricsCollector.builder(pipeline).guard(guard).clock(clock).build();
  private final Baselines baselines = Baselines.builder().warmup(3).build();
  private final GuardEndpoints endpoints = GuardEndpoints.builder(guard).collector(collector).baselines(baselines).build();
  private final EndpointRouter router = EndpointRouter.of(endpoints.endpoints(), clock);

  @AfterEach
  void close() {
    guard.close();
    pipeline.close();
  }

  private EndpointResponse get(String path) {
    return get(path, Map.of());
  }

  private EndpointResponse get(String path, Map<String, List<String>> query) {
    return router.dispatch(new EndpointRequest("GET", path, Map.of(), query, Map.of(), new byte[0], "")).join();
  }

  private static JsonNode json(EndpointResponse r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void healthIsOkWhileHealthyAnd503WhenAComponentIsCritical() throws Exception {
    guard.checkNow();
    EndpointResponse ok = get("/health");
    assertThat(ok.status()).isEqualTo(200);
    JsonNode body = json(ok);
    assertThat(body.get("status").asText()).isEqualTo("healthy");
    assertThat(body.get("components").get("storage").asText()).isEqualTo("healthy");
    assertThat(body.get("components").get("model").asText()).isEqualTo("healthy");

    model.set(HealthCheckResult.unhealthy("down"));
    guard.checkNow();
    EndpointResponse down = get("/health");
    assertThat(down.status()).isEqualTo(503);
    assertThat(json(down).get("components").get("model").asText()).isEqualTo("critical");
  }

  @Test
  void statusAndAlertsUseSeed001Fields() throws Exception {
    model.set(HealthCheckResult.unhealthy("down"));
    guard.checkNow();
    JsonNode status = json(get("/api/v1/status"));
    assertThat(status.get("overall_health").asText()).isEqualTo("critical");
    assertThat(status.get("components").get("model").get("last_check").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(status.get("active_alerts")).hasSize(1);
    JsonNode alerts = json(get("/api/v1/alerts"));
    assertThat(alerts.get("count").asInt()).isEqualTo(1);
    JsonNode a = alerts.get("alerts").get(0);
    assertThat(a.get("component").asText()).isEqualTo("model");
    assertThat(a.get("severity").asText()).isEqualTo("critical");
    assertThat(a.get("resolved").asBoolean()).isFalse();
    assertThat(a.has("resolution_action")).isTrue();
    assertThat(a.has("metadata")).isTrue();
  }

  @Test
  void metricsApiFiltersAndLimits() throws Exception {
    collector.record("training", "accuracy", 0.9).join();
    collector.record("training", "loss", 0.1).join();
    collector.record("export", "size_mb", 3).join();
    JsonNode body = json(get("/api/v1/metrics", Map.of("component", List.of("training"), "limit", List.of("1"))));
    assertThat(body.get("count").asInt()).isEqualTo(1);
    assertThat(body.get("metrics").get(0).get("component").asText()).isEqualTo("training");
    assertThat(json(get("/api/v1/metrics", Map.of("metric_name", List.of("size_mb")))).get("metrics").get(0)
        .get("value").asDouble()).isEqualTo(3);
  }

  @Test
  void metricsApiNamesTheBadParameter() throws Exception {
    EndpointResponse r = get("/api/v1/metrics", Map.of("limit", List.of("5000")));
    assertThat(r.status()).isEqualTo(400);
    JsonNode error = json(r).get("error");
    assertThat(error.get("type").asText()).isEqualTo("ValidationError");
    assertThat(error.get("details").get("errors").get(0).get("field").asText()).isEqualTo("limit");
    assertThat(json(get("/api/v1/metrics", Map.of("start_time", List.of("yesterday")))).get("error")
        .get("details").get("errors").get(0).get("field").asText()).isEqualTo("start_time");
  }

  @Test
  void baselinesAndAnalyzeShowAComponent() throws Exception {
    for (double v : new double[] {1, 2, 3, 2, 1}) {
      baselines.observe("model/latency_ms", v);
    }
    guard.checkNow();
    assertThat(json(get("/api/v1/baselines")).get("baselines").get(0).get("key").asText()).isEqualTo("model/latency_ms");
    JsonNode analysis = json(get("/api/v1/analyze/model"));
    assertThat(analysis.get("status").get("state").asText()).isEqualTo("healthy");
    assertThat(analysis.get("baselines").get(0).get("median").asDouble()).isEqualTo(2);
    assertThat(get("/api/v1/analyze/nothing").status()).isEqualTo(404);
  }

  @Test
  void prometheusTextHasThePipelineGuardAndJvmFigures() {
    collector.record("app", "x", 1).join();
    guard.checkNow();
    EndpointResponse r = get("/metrics");
    assertThat(r.header("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    Map<String, Double> samples = PrometheusScrape.parse(r.bodyText());
    assertThat(samples).containsEntry("metrics_pipeline_items_stored_total", (double) pipeline.stats().stored())
        .containsEntry("metrics_guard_component_state{component=\"model\"}", 0.0)
        .containsKey("jvm_threads_live");
    assertThat(r.bodyText()).contains("# TYPE metrics_guard_check_duration_seconds summary");
  }

  @Test
  void mergeLetsTheGuardsHealthReplaceCoresOnOneRouter() {
    List<org.metricspipeline.core.http.HttpEndpoint> merged = GuardEndpoints.merge(
        MetricsEndpoints.builder(server.store).build().endpoints(), endpoints.endpoints());
    EndpointRouter both = EndpointRouter.of(merged, clock);
    guard.checkNow();
    EndpointResponse r = both.dispatch(EndpointRequest.of("GET", "/health")).join();
    assertThat(r.bodyText()).contains("\"components\"");
    assertThat(both.dispatch(EndpointRequest.of("GET", "/metrics/list")).join().status()).isEqualTo(200);
  }

  @Test
  void theHttpAdapterMountsTheGuardsEndpointsInPlaceOfItsOwnHealth() throws Exception {
    guard.checkNow();
    try (HttpIngestionAdapter http = HttpIngestionAdapter.builder().port(0).storage(server.store)
        .endpoints(endpoints.endpoints()).build()) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(http.uri() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(health.body()).get("components").get("pipeline").asText()).isEqualTo("healthy");
      HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(http.uri() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("# TYPE metrics_pipeline_items_stored_total counter");
    }
  }

  @Test
  void deferredEndpointsAnswer503UntilTheGuardExistsThenDelegate() {
    AtomicReference<GuardEndpoints> later = new AtomicReference<>();
    EndpointRouter deferred = EndpointRouter.of(GuardEndpoints.deferred(later::get), clock);
    assertThat(deferred.dispatch(EndpointRequest.of("GET", "/health")).join().status()).isEqualTo(503);
    later.set(endpoints);
    guard.checkNow();
    assertThat(deferred.dispatch(EndpointRequest.of("GET", "/api/v1/analyze/model")).join().status()).isEqualTo(200);
    assertThat(deferred.endpoints()).extracting(e -> e.method() + " " + e.pathPattern())
        .containsExactlyInAnyOrderElementsOf(endpoints.endpoints().stream()
            .map(e -> e.method() + " " + e.pathPattern()).toList());
  }

  @Test
  void metricsApiWithoutACollectorAnswers501() {
    EndpointRouter bare = EndpointRouter.of(GuardEndpoints.builder(guard).build().endpoints(), clock);
    assertThat(bare.dispatch(EndpointRequest.of("GET", "/api/v1/metrics")).join().status()).isEqualTo(501);
  }
}
