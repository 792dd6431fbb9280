package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.adapters.http.AckMode;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.examples.QuickStartServer.Example;
import org.metricspipeline.examples.QuickStartServer.ServeOptions;
import org.metricspipeline.runtime.PipelineConfig;
import org.metricspipeline.runtime.RuntimeConfig;
import org.metricspipeline.testkit.MutableClock;

/** Serve mode in-process on a free loopback port, driven by the JDK's HTTP client. */
class QuickStartServerTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:02:30Z"), ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private QuickStartServer server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  private QuickStartServer start(String... args) {
    String[] withPort = Stream.concat(Stream.of("--port", "0", "--data-dir", "none"),
        Stream.of(args)).toArray(String[]::new);
    server = QuickStartServer.start(ServeOptions.parse(withPort, CLOCK));
    return server;
  }

  private static HttpResponse<String> send(Example e) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(e.uri()).timeout(Duration.ofSeconds(30));
    if (e.method().equals("POST")) {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(e.body()));
    } else {
      b.GET();
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends every printed request in the printed order; the answers by path (without query). */
  private Map<String, HttpResponse<String>> sendAll() throws Exception {
    Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
    for (Example e : server.examples()) {
      answers.put(e.method() + " " + e.uri().getPath(), send(e));
    }
    return answers;
  }

  private static Example example(QuickStartServer s, String method, String path) {
    return s.examples().stream().filter(e -> e.method().equals(method) && e.uri().getPath().equals(path))
        .findFirst().orElseThrow(() -> new AssertionError("no printed example for " + method + " " + path));
  }

  @Test
  void servesTheQuickStartDashboardAndPrintsItsAddress() throws Exception {
    start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server.printBanner(new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Dashboard: " + server.uri() + "/dashboards/dashboard-1");
    HttpResponse<String> page = send(Example.get(server.uri().toString(), "/dashboards/dashboard-1"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    for (String type : List.of("line", "area", "bar", "pie", "table", "scalar")) {
      assertThat(page.body()).contains("data-type=\"" + type + "\"");
    }
    HttpResponse<String> data = send(Example.get(server.uri().toString(), "/api/v1/dashboards/dashboard-1/data?range=1h"));
    assertThat(data.statusCode()).isEqualTo(200);
    assertThat(data.body()).contains("\"name\":\"" + QuickStartDashboard.NAME + "\"");
  }

  @Test
  void addsExtraChartsAfterTheSyntheticAndTheGuardsOnes() {
    ServeOptions base = ServeOptions.parse(new String[] {"--port", "0", "--no-synthetic"}, CLOCK);
    VisualizationSpec extra = VisualizationSpec.of(
        "Guard: recoveries", VisualizationType.LINE,
        AggregationQuery.builder("guard_recoveries_total", Aggregation.RATE).build());
    server = QuickStartServer.start(new ServeOptions(base.data(), 0, false, base.ack(), false, base.maxPoints(),
        List.of(extra)));

    var charts = server.charts().getVisualizations("dashboard-1").join();
    int synthetic = QuickStartDashboard.syntheticCharts().size();
    int guard = QuickStartDashboard.guardCharts().size();
    assertThat(charts).hasSize(synthetic + guard + 1);
    assertThat(charts.subList(synthetic, synthetic + guard)).extracting(v -> v.spec())
        .containsExactlyElementsOf(QuickStartDashboard.guardCharts());
    assertThat(charts.get(charts.size() - 1).spec()).isEqualTo(extra);
  }

  @Test
  void theGuardChartsShowWhatTheCollectorRecordedThroughThePipeline() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2024-05-01T12:02:00Z"));
    server = QuickStartServer.start(ServeOptions.parse(
        new String[] {"--port", "0", "--rate-limits", "off", "--data-dir", "none"}, clock));
    assertThat(send(example(server, "GET", "/metrics/list")).statusCode()).isEqualTo(200);
    // three collections 15 s apart, as the schedule would do (a rate needs two in its bucket), each
    // after a point ingested (and stored: --ack stored) through the printed curl
    for (int i = 0; i < 3; i++) {
      assertThat(send(example(server, "POST", "/metrics/ingest")).statusCode()).isEqualTo(200);
      assertThat(server.collectGuardMetrics().successCount()).isPositive();
      clock.advance(QuickStartServer.COLLECTOR_INTERVAL);
    }

    JsonNode data = JSON.readTree(send(Example.get(server.uri().toString(),
        "/api/v1/dashboards/dashboard-1/data?range=1h")).body());
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    data.get("charts").forEach(c -> byName.put(c.get("name").asText(), c));
    for (VisualizationSpec spec : QuickStartDashboard.guardCharts()) {
      JsonNode chart = byName.get(spec.name());
      assertThat(chart).as(spec.name()).isNotNull();
      assertThat(chart.get("points").asInt()).as("%s: points after three collections", spec.name()).isPositive();
    }
    JsonNode stored = byName.get("Guard: pipeline items stored per second").get("series").get(0).get("points");
    assertThat(stored.get(stored.size() - 1).get(1).asDouble()).as("items stored per second between collections")
        .isPositive();
    JsonNode byPath = byName.get("Guard: HTTP requests per second by path");
    List<String> labels = new ArrayList<>();
    byPath.get("series").forEach(s -> labels.add(s.get("label").asText()));
    assertThat(labels).as("a series per requested path")
        .anyMatch(l -> l.contains("/metrics/list")).anyMatch(l -> l.contains("/metrics/ingest"));
  }

  @Test
  void printsOneCurlPerEndpoint() {
    start();
    assertThat(server.examples().stream().map(e -> e.method() + " " + e.uri().getPath()).collect(Collectors.toList()))
        .containsExactly("GET /health", "POST /metrics/ingest", "POST /api/v1/ingest", "GET /metrics/list",
            "GET /metrics/cpu_usage/info", "POST /query", "GET /query/raw", "GET /query/rollup", "GET /rollups",
            "GET /metrics", "GET /api/v1/status", "GET /api/v1/alerts", "GET /api/v1/metrics");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server.printBanner(new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("Serving the API on " + server.uri());
    for (Example e : server.examples()) {
      assertThat(printed).contains(e.curl());
    }
    assertThat(example(server, "POST", "/metrics/ingest").curl())
        .startsWith("curl -s -X POST '" + server.uri() + "/metrics/ingest' -H 'Content-Type: application/json' -d '{");
  }

  @Test
  void servesOnTheBoundLoopbackPort() {
    start();
    assertThat(server.port()).isPositive();
    assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
  }

  @Test
  void everyPrintedRequestAnswers2xx() throws Exception {
    start();
    sendAll().forEach((request, answer) ->
        assertThat(answer.statusCode()).as("%s answered %s", request, answer.body()).isBetween(200, 299));
  }

  @Test
  void theMetricIngestedByThePrintedCurlComesBackFromTheRawQuery() throws Exception {
    start();
    Map<String, HttpResponse<String>> answers = sendAll();
    assertThat(answers.get("POST /metrics/ingest").statusCode()).isEqualTo(200);
    assertThat(answers.get("GET /query/raw").body())
        .contains("\"count\":1").contains("21.5").contains(CLOCK.instant().toString().replace("Z", ""));
  }

  @Test
  void theItemIngestedByThePrintedCurlIsStored() throws Exception {
    start();
    HttpResponse<String> ingest = send(example(server, "POST", "/api/v1/ingest"));
    assertThat(ingest.body()).contains("\"success_count\":1");
    HttpResponse<String> info = send(Example.get(server.uri().toString(), "/metrics/room_humidity/info"));
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(info.body()).contains("environment").contains("lab");
  }

  @Test
  void queryExamplesAnswerFromTheSyntheticHour() throws Exception {
    start();
    Map<String, HttpResponse<String>> answers = sendAll();
    assertThat(answers.get("GET /metrics/list").body()).contains("cpu_usage").contains("latency_ms");
    assertThat(answers.get("GET /metrics/cpu_usage/info").body()).contains("web-1").contains("web-4");
    assertThat(answers.get("POST /query").body()).contains("web-1").contains("\"sources\"");
    assertThat(answers.get("GET /query/rollup").body()).contains("\"avg\"").contains("\"count\"");
    assertThat(answers.get("GET /rollups").body()).contains("cpu_usage").contains("5m");
    assertThat(answers.get("GET /health").body()).contains("healthy");
  }

  @Test
  void syntheticFeedStoresTheQuickStartHourAndRollsItUp() {
    start();
    QuickStartServer.Fed fed = server.fed().orElseThrow();
    assertThat(fed.items()).isEqualTo(1800);
    assertThat(fed.points()).isEqualTo(4680);
    assertThat(fed.rollup().lastResult()).isPositive();
    assertThat(server.storage().memoryStats().points()).isEqualTo(4680);
  }

  @Test
  void noSyntheticStartsEmptyAndStillServesEveryPrintedRequest() throws Exception {
    start("--no-synthetic");
    assertThat(server.fed()).isEmpty();
    assertThat(server.storage().memoryStats().points()).isZero();
    Map<String, HttpResponse<String>> answers = sendAll();
    answers.forEach((request, answer) ->
        assertThat(answer.statusCode()).as("%s answered %s", request, answer.body()).isBetween(200, 299));
    assertThat(answers.get("GET /query/raw").body()).contains("21.5");
    assertThat(answers.get("GET /metrics/list").body()).doesNotContain("cpu_usage");
  }

  @Test
  void closeStoresWhatWasAcceptedAndStopsServing() throws Exception {
    start("--no-synthetic");
    URI health = server.uri().resolve("/health");
    send(example(server, "POST", "/metrics/ingest"));
    server.close();
    // the channel's own count: the guard's collector may have stored its figures too (every 15 s)
    assertThat(server.channelItems("acked")).isEqualTo(1);
    assertThat(server.stats().queueDepth()).isZero();
    assertThat(server.stats().inFlight()).isZero();
    assertThatThrownBy(() -> CLIENT.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  @Test
  void keepsWhatItStoredAcrossARestartAndSaysWhatItLoaded(@TempDir Path dataDir) throws Exception {
    server = QuickStartServer.start(ServeOptions.parse(
        new String[] {"--port", "0", "--data-dir", dataDir.toString()}, CLOCK));
    assertThat(send(example(server, "POST", "/metrics/ingest")).statusCode()).isEqualTo(200);
    long stored = server.storage().memoryStats().points();
    server.close();

    server = QuickStartServer.start(ServeOptions.parse(
        new String[] {"--port", "0", "--data-dir", dataDir.toString()}, CLOCK));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server.printBanner(new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(server.storage().loadedPoints()).isEqualTo(stored).isGreaterThan(4680);
    assertThat(server.fed()).isEmpty();
    assertThat(out.toString(StandardCharsets.UTF_8).lines().skip(1).findFirst().orElseThrow())
        .isEqualTo("Loaded " + stored + " points from " + dataDir.toAbsolutePath().normalize()
            + " (durable store: what it stores is kept across restarts; --data-dir none: memory only)");
    assertThat(send(example(server, "GET", "/query/raw")).body()).contains("21.5");
  }

  @Test
  void parsesTheDataDirectory() {
    assertThat(ServeOptions.parse(new String[0], CLOCK).dataDir()).contains(Path.of("./metrics-data"));
    assertThat(ServeOptions.parse(new String[] {"--data-dir", "none"}, CLOCK).dataDir()).isEmpty();
    assertThat(ServeOptions.parse(new String[] {"--data-dir", "/tmp/x"}, CLOCK).dataDir()).contains(Path.of("/tmp/x"));
    assertThatThrownBy(() -> ServeOptions.parse(new String[] {"--data-dir"}, CLOCK))
        .hasMessageContaining("--data-dir needs a value");
  }

  @Test
  void closeCanBeCalledTwice() {
    start("--no-synthetic");
    server.close();
    server.close();
    assertThat(server.channelItems("acked")).isZero();
    assertThat(server.stats().queueDepth()).isZero();
  }

  @Test
  void theServeFlagsAreOverridesOfTheSampleConfig() {
    RuntimeConfig config = QuickStartServer.sampleConfig(ServeOptions.parse(new String[] {"--serve", "--port", "9091",
        "--ack", "accepted", "--rate-limits", "off", "--max-points", "1000", "--data-dir", "none"}, CLOCK));
    assertThat(config.http().port()).isEqualTo(9091);
    assertThat(config.http().rateLimits()).isEmpty();
    PipelineConfig main = config.requirePipeline(QuickStartServer.PIPELINE);
    assertThat(main.channels().get(0).options()).containsEntry("ack-mode", "accepted");
    assertThat(main.storage().options()).containsEntry("max-points", "1000").containsEntry("data-dir", "none");

    RuntimeConfig defaults = QuickStartServer.sampleConfig(ServeOptions.parse(new String[0], CLOCK));
    assertThat(defaults.http().port()).isEqualTo(QuickStartServer.DEFAULT_PORT);
    assertThat(defaults.http().rateLimits()).isNotEmpty();
    assertThat(defaults.requirePipeline(QuickStartServer.PIPELINE).storage().options())
        .containsEntry("data-dir", QuickStartServer.DEFAULT_DATA_DIR);
  }

  @Test
  void parsesServeOptions() {
    ServeOptions o = ServeOptions.parse(new String[] {"--serve", "--port", "9090", "--no-synthetic", "--hosts", "2"},
        CLOCK);
    assertThat(o.port()).isEqualTo(9090);
    assertThat(o.synthetic()).isFalse();
    assertThat(o.data().hosts()).isEqualTo(2);
    ServeOptions defaults = ServeOptions.parse(new String[0], CLOCK);
    assertThat(defaults.port()).isEqualTo(8080);
    assertThat(defaults.synthetic()).isTrue();
    assertThat(defaults.ack()).isEqualTo(AckMode.STORED);
    assertThat(defaults.rateLimits()).isTrue();
  }

  @Test
  void parsesTheRateLimitSwitch() {
    assertThat(ServeOptions.parse(new String[] {"--rate-limits", "off"}, CLOCK).rateLimits()).isFalse();
    assertThat(ServeOptions.parse(new String[] {"--rate-limits", "on"}, CLOCK).rateLimits()).isTrue();
    assertThatThrownBy(() -> ServeOptions.parse(new String[] {"--rate-limits", "maybe"}, CLOCK))
        .hasMessage("--rate-limits must be on or off, got 'maybe'");
  }

  @Test
  void theServerIsRateLimitedByDefault() throws Exception {
    server = QuickStartServer.start(ServeOptions.parse(new String[] {"--port", "0", "--no-synthetic", "--data-dir", "none"}, CLOCK));
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    int refusedAt = -1;
    for (int i = 1; i <= 110 && refusedAt < 0; i++) {
      int status = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.uri() + "/rollups")).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 429) {
        refusedAt = i;
      }
    }
    assertThat(refusedAt).as("first 429 among 110 GET /rollups").isBetween(101, 110);
  }

  @Test
  void parsesTheStoresBoundOnPoints() {
    assertThat(ServeOptions.parse(new String[] {"--serve", "--max-points", "200000000"}, CLOCK).maxPoints())
        .isEqualTo(200_000_000L);
    assertThat(ServeOptions.parse(new String[] {"--serve"}, CLOCK).maxPoints())
        .isEqualTo(InMemoryStorageAdapter.DEFAULT_MAX_POINTS);
    assertThatThrownBy(() -> ServeOptions.parse(new String[] {"--serve", "--max-points", "0"}, CLOCK))
        .hasMessage("--max-points must be at least 1, got 0");
  }

  @Test
  void parsesTheAckMode() {
    assertThat(ServeOptions.parse(new String[] {"--serve", "--ack", "accepted"}, CLOCK).ack())
        .isEqualTo(AckMode.ACCEPTED);
    assertThat(ServeOptions.parse(new String[] {"--serve", "--ack", "stored"}, CLOCK).ack())
        .isEqualTo(AckMode.STORED);
  }

  @Test
  void refusesAnUnknownAckModeNamingTheOption() {
    assertThatThrownBy(() -> ServeOptions.parse(new String[] {"--serve", "--ack", "later"}, CLOCK))
        .hasMessage("--ack must be stored or accepted, got 'later'");
    assertThatThrownBy(() -> ServeOptions.parse(new String[] {"--serve", "--ack"}, CLOCK))
        .hasMessage("--ack needs a value: stored or accepted");
  }

  @Test
  void acceptedModeAnswers202ToThePrintedItemIngestion() throws Exception {
    QuickStartServer s = start("--no-synthetic", "--ack", "accepted");
    assertThat(send(example(s, "POST", "/api/v1/ingest")).statusCode()).isEqualTo(202);
  }

  @Test
  void refusesAPortOutOfRangeNamingTheOption() {
    assertThatThrownBy(() -> ServeOptions.parse(new String[] {"--serve", "--port", "70000"}, CLOCK))
        .hasMessage("--port must be between 0 and 65535, got 70000");
    assertThatThrownBy(() -> ServeOptions.parse(new String[] {"--serve", "--port", "x"}, CLOCK))
        .hasMessage("--port must be an integer, got 'x'");
  }

  @Test
  void servesByDefaultAndRunsOnceOnlyWithOnce() {
    assertThat(QuickStart.serves(new String[0])).isTrue();
    assertThat(QuickStart.serves(new String[] {"--seed", "1"})).isTrue();
    assertThat(QuickStart.serves(new String[] {"--port", "1", "--serve"})).isTrue();
    assertThat(QuickStart.serves(new String[] {"--once", "--seed", "1"})).isFalse();
    assertThat(QuickStart.serves(new String[] {"--help"})).isFalse();
    assertThat(List.of(QuickStart.USAGE.split("\\R")))
        .anyMatch(l -> l.contains("--once"))
        .anyMatch(l -> l.contains("--serve") && l.contains("default"));
  }

  @Test
  void stillAcceptsServeAsANoOp() {
    ServeOptions o = ServeOptions.parse(new String[] {"--serve", "--port", "9090"}, CLOCK);
    assertThat(o).isEqualTo(ServeOptions.parse(new String[] {"--port", "9090"}, CLOCK));
  }
}
