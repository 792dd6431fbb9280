package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.http.HttpEndpoint;
import org.metricspipeline.core.http.PrometheusText;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.testkit.Promtool;

/** {@code GET /metrics} of a service without the guard, parsed by the real promtool. */
class PrometheusEndpointIT {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String ITEM = "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\","
      + "\"metrics\":[{\"name\":\"mem\",\"value\":1},{\"name\":\"cpu\",\"value\":2,\"tags\":{\"host\":\"a\"}}]}";

  private static HttpResponse<String> send(HttpIngestionAdapter http, String method, String path, String body)
      throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(http.uri() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPipelineWithoutTheGuardServesItsFiguresAsPrometheusText() throws Exception {
    InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
    HttpIngestionAdapter http = HttpIngestionAdapter.builder().port(0).storage(storage)
        .ackMode(AckMode.STORED).build();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http).build()) {
      pipeline.startProcessing();
      for (int i = 0; i < 3; i++) {
        assertThat(send(http, "POST", "/api/v1/ingest", ITEM).statusCode()).isEqualTo(200);
      }

      HttpResponse<String> metrics = send(http, "GET", "/metrics", null);

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue(PrometheusText.CONTENT_TYPE);
      Promtool.assertValid(metrics.body());
      assertThat(metrics.body())
          .contains("\nmetrics_pipeline_items_stored_total 3\n")
          .contains("\nmetrics_pipeline_points_stored_total 6\n")
          .contains("metrics_http_requests_total{method=\"POST\",path=\"/api/v1/ingest\",status=\"200\"} 3\n")
          .contains("# TYPE metrics_pipeline_store_duration_seconds summary\n");
    }
  }

  @Test
  void aContributedMetricsEndpointReplacesTheBuiltInOne() throws Exception {
    InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
    HttpEndpoint custom = PrometheusText.endpoint("/metrics",
        () -> List.of(Measurement.gauge("custom_figure", "A contributed figure", 7)));
    HttpIngestionAdapter http = HttpIngestionAdapter.builder().port(0).storage(storage).endpoints(List.of(custom))
        .build();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http).build()) {
      HttpResponse<String> metrics = send(http, "GET", "/metrics", null);

      assertThat(metrics.statusCode()).isEqualTo(200);
      Promtool.assertValid(metrics.body());
      assertThat(metrics.body()).isEqualTo("# HELP custom_figure A contributed figure\n"
          + "# TYPE custom_figure gauge\ncustom_figure 7\n");
    }
  }
}
