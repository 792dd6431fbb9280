package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.http.EndpointKind;

/** The server's and the pipeline's own figures after real requests on loopback. */
class MeasurementsIT {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String TOKEN = "token-aaaaaaaaaaaaaaaa";
  private static final String ITEM = "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\","
      + "\"metrics\":[{\"name\":\"mem\",\"value\":1},{\"name\":\"cpu\",\"value\":2,\"tags\":{\"host\":\"a\"}}]}";

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
  private HttpIngestionAdapter http;
  private MetricsPipeline pipeline;

  @AfterEach
  void close() {
    if (pipeline != null) {
      pipeline.close();
    } else {
      if (http != null) {
        http.close();
      }
      storage.close();
    }
  }

  private HttpResponse<String> send(String method, String path, String body, boolean withToken) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(http.uri() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (withToken) {
      r.header("Authorization", "Bearer " + TOKEN);
    }
    return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static double value(List<Measurement> all, String name, Map<String, String> labels) {
    return all.stream().filter(m -> m.name().equals(name) && m.labels().equals(labels)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + labels + " in " + all)).value();
  }

  @Test
  void countsRequestsAndLatencyPerMethodPathAndStatus() throws Exception {
    http = HttpIngestionAdapter.builder().port(0).storage(storage).ackMode(AckMode.ACCEPTED).build();
    send("GET", "/rollups", null, false);
    send("GET", "/rollups", null, false);
    send("POST", "/api/v1/ingest", ITEM, false);
    send("GET", "/nowhere", null, false);

    List<Measurement> m = http.measurements();
    Map<String, String> rollups = Map.of("method", "GET", "path", "/rollups", "status", "200");
    assertThat(value(m, "metrics_http_requests_total", rollups)).isEqualTo(2);
    assertThat(value(m, "metrics_http_request_duration_seconds_count", rollups)).isEqualTo(2);
    assertThat(value(m, "metrics_http_request_duration_seconds_sum", rollups)).isPositive();
    assertThat(value(m, "metrics_http_requests_total",
        Map.of("method", "POST", "path", "/api/v1/ingest", "status", "202"))).isEqualTo(1);
    assertThat(value(m, "metrics_http_requests_total",
        Map.of("method", "GET", "path", "(unmatched)", "status", "404"))).isEqualTo(1);
    assertThat(value(m, "metrics_http_buffer_items", Map.of("state", "queued"))).isEqualTo(1);
    assertThat(m).filteredOn(x -> x.name().equals("metrics_http_requests_total"))
        .allSatisfy(x -> assertThat(x.kind()).isEqualTo(Measurement.Kind.COUNTER));
  }

  @Test
  void countsEachKindOfRefusal() throws Exception {
    http = HttpIngestionAdapter.builder().port(0).storage(storage).capacity(2).maxBodyBytes(1024)
        .ackMode(AckMode.ACCEPTED).bearerTokens(List.of(TOKEN)).rateLimit(EndpointKind.GENERAL, 1).build();
    send("GET", "/rollups", null, true);
    assertThat(send("GET", "/rollups", null, true).statusCode()).isEqualTo(429);
    assertThat(send("POST", "/api/v1/ingest", ITEM, false).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/v1/ingest", ITEM, true).statusCode()).isEqualTo(202);
    assertThat(send("POST", "/api/v1/ingest", "[" + ITEM + "," + ITEM + "]", true).statusCode()).isEqualTo(503);
    assertThat(send("POST", "/api/v1/ingest", " ".repeat(2048), true).statusCode()).isEqualTo(413);

    List<Measurement> m = http.measurements();
    for (String reason : List.of("rate_limited", "unauthorized", "buffer_full", "body_too_large")) {
      assertThat(value(m, "metrics_http_rejected_requests_total", Map.of("reason", reason))).as(reason).isEqualTo(1);
    }
    assertThat(value(m, "metrics_http_buffer_items_total", Map.of("outcome", "refused"))).isEqualTo(2);
    assertThat(value(m, "metrics_http_buffer_capacity_items", Map.of())).isEqualTo(2);
  }

  @Test
  void storedRequestsAreAnsweredWithoutWaitingForTheProcessingInterval() throws Exception {
    http = HttpIngestionAdapter.builder().port(0).storage(storage).ackMode(AckMode.STORED)
        .storedTimeout(Duration.ofSeconds(20)).build();
    pipeline = MetricsPipeline.builder().storage(storage).ingestion(http)
        .processingInterval(Duration.ofMinutes(10)).batchSize(10_000).build();
    pipeline.startProcessing();

    HttpResponse<String> r = send("POST", "/api/v1/ingest", ITEM, false);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(storage.memoryStats().points()).isEqualTo(2);
  }

  @Test
  void pipelineReportsItsCountersThenItsAdapters() throws Exception {
    http = HttpIngestionAdapter.builder().port(0).storage(storage).ackMode(AckMode.STORED).build();
    pipeline = MetricsPipeline.builder().storage(storage).ingestion(http).build();
    pipeline.startProcessing();
    assertThat(send("POST", "/api/v1/ingest", "[" + ITEM + "," + ITEM + "]", false).statusCode()).isEqualTo(200);

    List<Measurement> m = pipeline.measurements();
    assertThat(value(m, "metrics_pipeline_items_stored_total", Map.of())).isEqualTo(2);
    assertThat(value(m, "metrics_pipeline_points_stored_total", Map.of())).isEqualTo(4);
    assertThat(value(m, "metrics_pipeline_store_duration_seconds_count", Map.of())).isPositive();
    assertThat(value(m, "metrics_pipeline_queue_items", Map.of())).isZero();
    assertThat(value(m, "metrics_http_requests_total",
        Map.of("method", "POST", "path", "/api/v1/ingest", "status", "200"))).isEqualTo(1);
    assertThat(value(m, "metrics_http_buffer_items_total", Map.of("outcome", "acked"))).isEqualTo(2);
    assertThat(value(m, "metrics_memory_points", Map.of())).isEqualTo(4);
    assertThat(value(m, "metrics_memory_series", Map.of())).isEqualTo(2);
    assertThat(m.stream().map(Measurement::name).distinct())
        .allSatisfy(name -> assertThat(name).matches("metrics_(pipeline|http|memory)_[a-z_]+"));
  }
}
