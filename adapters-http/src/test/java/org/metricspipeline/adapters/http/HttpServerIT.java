package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.HttpEndpoint;

/** The HTTP adapter over real HTTP on loopback, with the JDK's HTTP client. */
class HttpServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final String CPU = "{\"metric_name\":\"cpu_usage\",\"value\":%s,"
      + "\"timestamp\":\"2025-12-03T12:00:%02dZ\",\"labels\":{\"host\":\"server1\"}}";
  private static final String ITEM = "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\","
      + "\"metrics\":[{\"name\":\"mem\",\"value\":%s}]}";

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

  private HttpIngestionAdapter server(Consumer<HttpIngestionAdapter.Builder> options) {
    HttpIngestionAdapter.Builder b = HttpIngestionAdapter.builder().port(0).storage(storage)
        .ackMode(AckMode.STORED).storedTimeout(Duration.ofSeconds(20));
    options.accept(b);
    http = b.build();
    return http;
  }

  private void startPipeline() {
    pipeline = MetricsPipeline.builder().storage(storage).ingestion(http)
        .processingInterval(Duration.ofMillis(10)).build();
    pipeline.startProcessing();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(http.uri() + pathAndQuery)).GET());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(http.uri() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> postGzip(String path, byte[] raw) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(http.uri() + path)).header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(raw))));
  }

  private static byte[] gzip(byte[] raw) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(raw);
    }
    return out.toByteArray();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void seed004IngestIsStoredAndQueryable() throws Exception {
    server(b -> { });
    startPipeline();
    for (int i = 0; i < 3; i++) {
      assertThat(post("/metrics/ingest", CPU.formatted(10 * (i + 1), i)).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> avg = post("/query", "{\"metric_name\":\"cpu_usage\",\"function\":\"avg\","
        + "\"start_time\":\"2025-12-03T12:00:00Z\",\"end_time\":\"2025-12-03T13:00:00Z\",\"labels\":{\"host\":\"server1\"}}");
    assertThat(avg.statusCode()).isEqualTo(200);
    assertThat(json(avg).at("/groups/0/buckets/0/value").asDouble()).isEqualTo(20.0);
    HttpResponse<String> raw = get("/query/raw?metric_name=cpu_usage&start_time=2025-12-03T00:00:00Z"
        + "&end_time=2025-12-03T23:59:59Z&labels=" + q("{\"host\":\"server1\"}"));
    assertThat(json(raw).get("count").asInt()).isEqualTo(3);
    HttpResponse<String> rawFn = post("/query", "{\"metric_name\":\"cpu_usage\",\"function\":\"raw\"}");
    assertThat(json(rawFn).get("points")).hasSize(3);
  }

  @Test
  void discoveryEndpointsListAndDescribeMetrics() throws Exception {
    server(b -> { });
    startPipeline();
    post("/metrics/ingest", CPU.formatted(1, 0));
    HttpResponse<String> list = get("/metrics/list?page=1&page_size=10&search=cpu");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json(list).at("/metrics/0/name").asText()).isEqualTo("cpu_usage");
    HttpResponse<String> info = get("/metrics/cpu_usage/info");
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(json(info).at("/labels/host/values/0").asText()).isEqualTo("server1");
    assertThat(get("/metrics/nothing/info").statusCode()).isEqualTo(404);
  }

  @Test
  void rollupEndpointsServeStoredRollups() throws Exception {
    server(b -> { });
    startPipeline();
    post("/metrics/ingest", CPU.formatted(10, 1));
    post("/metrics/ingest", CPU.formatted(30, 2));
    storage.rollup(Resolution.ONE_MINUTE, TimeRange.between(Instant.parse("2025-12-03T12:00:00Z"),
        Instant.parse("2025-12-03T13:00:00Z"))).join();
    HttpResponse<String> rollup = get("/query/rollup?metric_name=cpu_usage&window=1m"
        + "&start_time=2025-12-03T12:00:00Z&end_time=2025-12-03T13:00:00Z");
    assertThat(rollup.statusCode()).isEqualTo(200);
    assertThat(json(rollup).at("/buckets/0/avg").asDouble()).isEqualTo(20.0);
    assertThat(json(rollup).at("/buckets/0/count").asInt()).isEqualTo(2);
    HttpResponse<String> rollups = get("/rollups?metric_name=cpu_usage");
    assertThat(json(rollups).at("/rollups/0/window").asText()).isEqualTo("1m");
    assertThat(get("/query/rollup?metric_name=cpu_usage&window=2m").statusCode()).isEqualTo(400);
  }

  @Test
  void healthEndpointsAnswer() throws Exception {
    server(b -> { });
    assertThat(get("/").statusCode()).isEqualTo(200);
    assertThat(json(get("/health")).get("status").asText()).isEqualTo("healthy");
    assertThat(json(get("/db/status")).get("status").asText()).isEqualTo("connected");
  }

  @Test
  void acceptedModeAnswers202OnceQueuedAndThePipelineStoresLater() throws Exception {
    server(b -> b.ackMode(AckMode.ACCEPTED));
    HttpResponse<String> r = post("/api/v1/ingest", ITEM.formatted(5));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(http.healthCheck().join().details()).containsEntry("queued", 1);
    startPipeline();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (storage.healthCheck().join().details().getOrDefault("points", 0L).toString().equals("0")
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.sleep(5);
    }
    assertThat(json(post("/query", "{\"metric_name\":\"mem\",\"function\":\"count\"}"))
        .at("/groups/0/buckets/0/value").asDouble()).isEqualTo(1.0);
  }

  @Test
  void storedModeAnswers504WhenNothingStoresInTime() throws Exception {
    server(b -> b.storedTimeout(Duration.ofMillis(200)));
    HttpResponse<String> r = post("/api/v1/ingest", ITEM.formatted(5));
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("Timeout");
  }

  @Test
  void fullBufferAnswers503WithRetryAfter() throws Exception {
    server(b -> b.ackMode(AckMode.ACCEPTED).capacity(1).retryAfter(Duration.ofSeconds(2)));
    assertThat(post("/api/v1/ingest", ITEM.formatted(1)).statusCode()).isEqualTo(202);
    HttpResponse<String> full = post("/api/v1/ingest", ITEM.formatted(2));
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(full.headers().firstValue("Retry-After")).contains("2");
    assertThat(json(full).at("/error/type").asText()).isEqualTo("Overloaded");
  }

  @Test
  void gzipBodiesAreAcceptedOnIngestion() throws Exception {
    server(b -> { });
    startPipeline();
    HttpResponse<String> r = postGzip("/api/v1/ingest", ("[" + ITEM.formatted(1) + "," + ITEM.formatted(2) + "]")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("success_count").asInt()).isEqualTo(2);
  }

  @Test
  void gzipOnAQueryEndpointIs415() throws Exception {
    server(b -> { });
    HttpResponse<String> r = postGzip("/query", "{\"metric_name\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(415);
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    server(b -> b.maxBodyBytes(1024));
    HttpResponse<String> r = post("/api/v1/ingest", "[" + ",".repeat(0) + " ".repeat(2000) + "]");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("PayloadTooLarge");
  }

  @Test
  void gzipThatInflatesPastTheLimitIs413() throws Exception {
    server(b -> b.maxBodyBytes(1024));
    HttpResponse<String> r = postGzip("/api/v1/ingest", " ".repeat(100_000).getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void batchNamesTheRejectedItem() throws Exception {
    server(b -> { });
    startPipeline();
    HttpResponse<String> r = post("/api/v1/ingest", "[" + ITEM.formatted(1) + "," + ITEM.formatted("\"x\"") + "]");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("failure_count").asInt()).isEqualTo(1);
    assertThat(json(r).at("/failures/0/index").asInt()).isEqualTo(1);
    assertThat(json(r).at("/failures/0/errors/0/field").asText()).isEqualTo("metrics[0].value");
  }

  @Test
  void badInputGets4xxWithTheSeed001BodyAndNoStackTrace() throws Exception {
    server(b -> { });
    HttpResponse<String> malformed = post("/query", "{not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).doesNotContain("Exception", "\tat ");
    assertThat(json(malformed).at("/error/timestamp").asText()).isNotEmpty();
    HttpResponse<String> nan = post("/metrics/ingest", "{\"metric_name\":\"cpu\",\"value\":NaN}");
    assertThat(nan.statusCode()).isEqualTo(400);
    assertThat(json(nan).at("/error/details/errors/0/field").asText()).isEqualTo("value");
    assertThat(post("/query", "{\"metric_name\":\"cpu\",\"function\":\"p99\"}").statusCode()).isEqualTo(400);
    assertThat(post("/query", "{\"metric_name\":\"cpu\",\"start_time\":\"2025-12-03T12:00:00Z\","
        + "\"end_time\":\"2025-12-03T11:00:00Z\"}").statusCode()).isEqualTo(400);
    assertThat(get("/nowhere").statusCode()).isEqualTo(404);
    HttpResponse<String> wrongMethod = get("/query");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void listensOnLoopbackByDefault() {
    server(b -> { });
    assertThat(http.uri().getHost()).isEqualTo("127.0.0.1");
    assertThat(http.port()).isPositive();
  }

  @Test
  void mountsContributedEndpoints() throws Exception {
    HttpEndpoint hello = HttpEndpoint.of("GET", "/hello/{name}", EndpointKind.GENERAL, r -> CompletableFuture
        .completedFuture(EndpointResponse.json(200, ("{\"hi\":\"" + r.pathParam("name").orElse("") + "\"}")
            .getBytes(StandardCharsets.UTF_8))));
    server(b -> b.endpoints(java.util.List.of(hello)));
    assertThat(json(get("/hello/ann")).get("hi").asText()).isEqualTo("ann");
  }

  @Test
  void aContributedEndpointReplacesTheBuiltInOneWithTheSameMethodAndPath() throws Exception {
    HttpEndpoint health = HttpEndpoint.of("GET", "/health", EndpointKind.HEALTH, r -> CompletableFuture
        .completedFuture(EndpointResponse.json(200, "{\"status\":\"mine\"}".getBytes(StandardCharsets.UTF_8))));
    server(b -> b.endpoints(java.util.List.of(health)));
    assertThat(json(get("/health")).get("status").asText()).isEqualTo("mine");
    assertThat(http.endpoints()).filteredOn(e -> e.pathPattern().equals("/health")).containsExactly(health);
  }

  @Test
  void providerBuildsTheAdapterByName() throws Exception {
    try (IngestionAdapter adapter = AdapterRegistry.ingestion("http", AdapterConfig.of(Map.of("port", "0")))) {
      assertThat(adapter).isInstanceOf(HttpIngestionAdapter.class);
      HttpIngestionAdapter h = (HttpIngestionAdapter) adapter;
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(h.uri() + "/query/raw?metric_name=x"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(501);
    }
  }

  @Test
  void closeLetsAnInFlightRequestFinish() throws Exception {
    server(b -> b.storedTimeout(Duration.ofSeconds(1)).shutdownTimeout(Duration.ofSeconds(20)));
    CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(
        URI.create(http.uri() + "/api/v1/ingest")).POST(HttpRequest.BodyPublishers.ofString(ITEM.formatted(1))).build(),
        HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!http.healthCheck().join().details().get("queued").equals(1) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    http.close();
    assertThat(inFlight.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(504);
  }

  @Test
  void requestsJettyRefusesGetTheSameJsonErrorBody() throws Exception {
    server(b -> { });
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", http.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write("GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400").contains("{\"error\":").doesNotContain("<html", "Exception");
    }
  }

  @Test
  void healthReportsTheConfiguredSource() throws Exception {
    MetricsPipeline[] holder = new MetricsPipeline[1];
    server(b -> b.health(() -> holder[0].healthCheck()));
    startPipeline();
    holder[0] = pipeline;
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).at("/details/ingestion/name").asText()).isEqualTo("http");
  }
}
