package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.core.MetricsPipeline;

/** Issue 12's HTTP defects, each over real HTTP: framing, blank timestamps, requests that never fit, rate limits. */
class HttpIngestionDefectsIT {

  private static final String SEED004 =
      "{\"metric_name\":\"cpu\",\"value\":%d,\"timestamp\":\"2025-12-03T12:00:00Z\",\"labels\":{\"host\":\"a\"}}";
  private static final String ITEM = "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\","
      + "\"metrics\":[{\"name\":\"mem\",\"value\":%d}]}";
  private static final String OTLP_JSON = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"temp\","
      + "\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"1764763200000000000\",\"asDouble\":%d}]}}]}]}]}";

  /** A clock that does not move: the rate limiter's buckets do not refill during a test. */
  private static final Clock FROZEN = Clock.fixed(Instant.parse("2025-12-03T12:00:00Z"), ZoneOffset.UTC);

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
  private HttpIngestionAdapter http;
  private MetricsPipeline pipeline;
  private TestHttp client;

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

  private void server(Consumer<HttpIngestionAdapter.Builder> options, boolean withPipeline) {
    HttpIngestionAdapter.Builder b = HttpIngestionAdapter.builder().port(0).storage(storage)
        .storedTimeout(Duration.ofSeconds(20));
    options.accept(b);
    http = b.build();
    client = new TestHttp(http.uri());
    if (withPipeline) {
      pipeline = MetricsPipeline.builder().storage(storage).ingestion(http)
          .processingInterval(Duration.ofMillis(10)).build();
      pipeline.startProcessing();
    }
  }

  private long stored() {
    return storage.memoryStats().points();
  }

  @Test
  void twoSeed004ObjectsInOneBodyAre400AndNothingIsStored() throws Exception {
    server(b -> { }, true);
    for (String separator : List.of("", " ", "\n", ",")) {
      HttpResponse<String> r = client.post("/metrics/ingest", SEED004.formatted(1) + separator + SEED004.formatted(2));
      assertThat(r.statusCode()).as("separator '%s': %s", separator, r.body()).isEqualTo(400);
    }
    assertThat(client.post("/metrics/ingest", SEED004.formatted(3)).statusCode()).isEqualTo(200);
    assertThat(stored()).isEqualTo(1);
  }

  @Test
  void twoOtlpJsonRequestsInOneBodyAre400AndNothingIsStored() throws Exception {
    server(b -> { }, true);
    for (String separator : List.of("", " ", "\n", ",")) {
      HttpResponse<String> r = client.post("/v1/metrics", OTLP_JSON.formatted(1) + separator + OTLP_JSON.formatted(2));
      assertThat(r.statusCode()).as("separator '%s': %s", separator, r.body()).isEqualTo(400);
    }
    assertThat(stored()).isZero();
  }

  @Test
  void twoSeed000ItemsInOneBodyAre400OnTheFastAndTheJacksonPath() throws Exception {
    server(b -> { }, true);
    // ASCII without escapes goes through FastJsonReader, a "context" member through Jackson
    String fast = ITEM.formatted(1);
    String slow = "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\",\"context\":{\"k\":1},"
        + "\"metrics\":[{\"name\":\"mem\",\"value\":1}]}";
    for (String one : List.of(fast, slow)) {
      for (String separator : List.of("", " ", "\n", ",")) {
        assertThat(client.post("/api/v1/ingest", one + separator + one).statusCode()).isEqualTo(400);
        assertThat(client.post("/api/v1/ingest", "[" + one + "]" + separator + "[" + one + "]").statusCode())
            .isEqualTo(400);
      }
    }
    assertThat(stored()).isZero();
  }

  @Test
  void emptyOrBlankTimestampIs400NamingTheField() throws Exception {
    server(b -> { }, true);
    for (String ts : List.of("\"\"", "\" \"", "\"\\t\"")) {
      HttpResponse<String> r = client.post("/metrics/ingest",
          "{\"metric_name\":\"cpu\",\"value\":1,\"timestamp\":" + ts + "}");
      assertThat(r.statusCode()).as(ts).isEqualTo(400);
      assertThat(TestHttp.json(r).at("/error/details/errors/0/field").asText()).isEqualTo("timestamp");
      HttpResponse<String> item = client.post("/api/v1/ingest", "{\"timestamp\":" + ts
          + ",\"metric_type\":\"t\",\"metrics\":[{\"name\":\"m\",\"value\":1}]}");
      assertThat(item.statusCode()).isEqualTo(400);
      assertThat(item.body()).contains("\"field\":\"timestamp\"");
    }
    assertThat(stored()).isZero();
  }

  @Test
  void otlpRequestLargerThanTheBufferIs413WithTheLimitNot503() throws Exception {
    server(b -> { }, true);
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < 100_000; i++) {
      gauge.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(1_764_763_200_000_000_000L + i * 1_000_000L)
          .setAsDouble(i).addAttributes(KeyValue.newBuilder().setKey("i")
              .setValue(AnyValue.newBuilder().setStringValue(Integer.toString(i % 10)))));
    }
    byte[] body = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("big").setGauge(gauge))))
        .build().toByteArray();

    HttpResponse<String> r = client.post("/v1/metrics", body, "application/x-protobuf");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
    assertThat(r.headers().firstValue("Retry-After")).isEmpty();
    assertThat(TestHttp.json(r).at("/error/details/max_items").asInt()).isEqualTo(HttpIngestionAdapter.DEFAULT_CAPACITY);
    assertThat(stored()).isZero();
  }

  @Test
  void batchLargerThanTheBufferIs413() throws Exception {
    server(b -> b.capacity(3), true);
    String four = "[" + String.join(",", List.of(ITEM.formatted(1), ITEM.formatted(2), ITEM.formatted(3),
        ITEM.formatted(4))) + "]";
    HttpResponse<String> r = client.post("/api/v1/ingest", four);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(TestHttp.json(r).at("/error/details/max_items").asInt()).isEqualTo(3);
    assertThat(client.post("/api/v1/ingest", "[" + ITEM.formatted(1) + "]").statusCode()).isEqualTo(200);
  }

  private int firstRefused(int attempts, ThrowingCall call) throws Exception {
    for (int i = 1; i <= attempts; i++) {
      int status = call.status();
      if (status == 429) {
        return i;
      }
      assertThat(status).as("request %d", i).isBetween(200, 299);
    }
    return -1;
  }

  private interface ThrowingCall {
    int status() throws Exception;
  }

  @Test
  void generalEndpointsAreLimitedTo100PerMinutePerClientByDefault() throws Exception {
    server(b -> b.clock(FROZEN), false);
    assertThat(firstRefused(101, () -> client.get("/rollups").statusCode())).isEqualTo(101);
    HttpResponse<String> refused = client.get("/metrics/list");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void ingestionEndpointsAreLimitedTo1000PerMinutePerClientByDefault() throws Exception {
    server(b -> b.ackMode(AckMode.ACCEPTED).clock(FROZEN), false);
    assertThat(firstRefused(1001, () -> client.post("/metrics/ingest", SEED004.formatted(1)).statusCode()))
        .isEqualTo(1001);
    assertThat(client.get("/rollups").statusCode()).isEqualTo(200);
  }

  @Test
  void healthEndpointsAreLimitedTo300PerMinutePerClientByDefault() throws Exception {
    server(b -> b.clock(FROZEN), false);
    assertThat(firstRefused(301, () -> client.get("/health/live").statusCode())).isEqualTo(301);
    assertThat(client.get("/rollups").statusCode()).isEqualTo(200);
  }

  @Test
  void noRateLimitsTurnsThemOff() throws Exception {
    server(HttpIngestionAdapter.Builder::noRateLimits, false);
    assertThat(firstRefused(150, () -> client.get("/rollups").statusCode())).isEqualTo(-1);
  }

  @Test
  void providerBuiltServerIsRateLimitedUnlessTurnedOff() throws Exception {
    for (String setting : List.of("default", "off")) {
      try (IngestionAdapter adapter = AdapterRegistry.ingestion("http",
          AdapterConfig.of(Map.of("port", "0", "rate-limits", setting)))) {
        http = (HttpIngestionAdapter) adapter;
        client = new TestHttp(http.uri());
        int first = firstRefused(120, () -> client.get("/rollups").statusCode() == 501 ? 200 : 429);
        if (setting.equals("off")) {
          assertThat(first).as(setting).isEqualTo(-1);
        } else {
          // the provider's server runs on the system clock: a token or two may refill meanwhile
          assertThat(first).as(setting).isBetween(101, 110);
        }
      }
    }
    http = null;
  }
}
