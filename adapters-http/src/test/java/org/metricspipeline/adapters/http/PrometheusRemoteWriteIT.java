package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.core.MetricsPipeline;

/**
 * A real Prometheus server (Debian's {@code prometheus}, started by {@code scripts/prometheus.sh})
 * scrapes a small exporter served here every second and remote-writes what it scraped into our
 * {@code POST /api/v1/write}. Once the exporter is gone (Prometheus then writes staleness markers,
 * which must not be stored), every series our query API returns must be exactly what Prometheus'
 * own {@code /api/v1/query} returns for it: the same timestamps, the same values, the same labels.
 * Without Prometheus it fails under {@code CI=true} and skips elsewhere, saying how to install it.
 */
class PrometheusRemoteWriteIT {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Path SCRIPT = Path.of("..", "scripts", "prometheus.sh");
  private static final List<String> SERIES = List.of("demo_temperature_celsius{room=\"a\"}",
      "demo_temperature_celsius{room=\"b\"}", "demo_requests_total{code=\"200\"}");

  private static void requirePrometheus() {
    String env = System.getenv("PROMETHEUS");
    boolean present = env != null ? Files.isExecutable(Path.of(env)) : Files.isExecutable(Path.of("/usr/bin/prometheus"));
    String how = "Prometheus is not installed: run scripts/prometheus.sh install (Debian's prometheus package),"
        + " or scripts/verify.sh, which does";
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(how);
    }
    Assumptions.assumeTrue(present, how);
  }

  /** An exporter whose values change with each scrape, so every sample is told apart. */
  private static HttpServer exporter(AtomicInteger scrapes) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", exchange -> {
      int n = scrapes.incrementAndGet();
      String text = "# TYPE demo_temperature_celsius gauge\n"
          + "demo_temperature_celsius{room=\"a\"} " + (20 + n * 1.5) + "\n"
          + "demo_temperature_celsius{room=\"b\"} " + (-n * 0.1) + "\n"
          + "# TYPE demo_requests_total counter\n"
          + "demo_requests_total{code=\"200\"} " + (1000L * n + 7) + "\n";
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  private static String script(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("PROMETHEUS_DIR", Path.of("target", "prometheus").toAbsolutePath().toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("scripts/prometheus.sh %s finished", args[0]).isTrue();
    assertThat(p.exitValue()).as("scripts/prometheus.sh %s: %s", args[0], out).isZero();
    return out;
  }

  private static JsonNode get(URI uri) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", uri, r.body()).isEqualTo(200);
    return TestHttp.JSON.readTree(r.body());
  }

  /** One series as "labels -> [timestamp ms=value, ...]", comparable across both systems. */
  private record Samples(Map<String, String> labels, List<String> points) {}

  /** What Prometheus stored for the selector: every raw sample of the last hour. */
  private static Samples prometheus(String base, String selector) throws Exception {
    String query = URLEncoder.encode(selector + "[1h]", StandardCharsets.UTF_8);
    // evaluated at now with millisecond precision (whole seconds cut off a sample written this second)
    String time = java.math.BigDecimal.valueOf(System.currentTimeMillis()).movePointLeft(3).toPlainString();
    JsonNode result = get(URI.create(base + "/api/v1/query?query=" + query + "&time=" + time))
        .path("data").path("result");
    if (result.isEmpty()) {
      return new Samples(Map.of(), List.of());
    }
    Map<String, String> labels = new TreeMap<>();
    result.get(0).path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    labels.remove("__name__");
    List<String> points = new ArrayList<>();
    for (JsonNode v : result.get(0).path("values")) {
      long millis = new java.math.BigDecimal(v.get(0).asText()).movePointRight(3).longValueExact();
      points.add(millis + "=" + Double.parseDouble(v.get(1).asText()));
    }
    return new Samples(labels, points);
  }

  /** What our query API returns for the same series. */
  private static Samples ours(HttpIngestionAdapter http, String selector) throws Exception {
    String name = selector.substring(0, selector.indexOf('{'));
    String[] label = selector.substring(selector.indexOf('{') + 1, selector.length() - 1).split("=", 2);
    String labels = URLEncoder.encode("{\"" + label[0] + "\":" + label[1] + "}", StandardCharsets.UTF_8);
    Instant now = Instant.now();
    JsonNode body = get(URI.create(http.uri() + "/query/raw?metric_name=" + name + "&labels=" + labels
        + "&start_time=" + now.minusSeconds(3600) + "&end_time=" + now.plusSeconds(60) + "&limit=100000"));
    Map<String, String> tags = new TreeMap<>();
    List<String> points = new ArrayList<>();
    for (JsonNode p : body.path("points")) {
      tags.clear();
      p.path("labels").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
      points.add(Instant.parse(p.path("timestamp").asText()).toEpochMilli() + "=" + p.path("value").asDouble());
    }
    points.sort(java.util.Comparator.comparingLong(s -> Long.parseLong(s.substring(0, s.indexOf('=')))));
    return new Samples(Map.copyOf(tags), points);
  }

  @Test
  void whatPrometheusScrapedIsWhatOurQueriesReturn() throws Exception {
    requirePrometheus();
    InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
    HttpIngestionAdapter http = HttpIngestionAdapter.builder().port(0).storage(storage).noRateLimits().build();
    AtomicInteger scrapes = new AtomicInteger();
    HttpServer exporter = exporter(scrapes);
    String target = "127.0.0.1:" + exporter.getAddress().getPort();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http)
        .processingInterval(Duration.ofMillis(50)).build()) {
      pipeline.startProcessing();
      String prometheus = script("start", target, http.uri() + "/api/v1/write");
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (ours(http, SERIES.get(0)).points().size() < 5) {
          assertThat(System.nanoTime()).as("5 samples remote-written within 90 s; Prometheus log: %s",
              "target/prometheus/prometheus.log").isLessThan(deadline);
          Thread.sleep(500);
        }
        exporter.stop(0); // the target goes down: Prometheus writes up=0 and staleness markers

        List<Samples> expected = new ArrayList<>();
        List<Samples> actual = new ArrayList<>();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
          expected.clear();
          actual.clear();
          for (String s : SERIES) {
            expected.add(prometheus(prometheus, s));
            actual.add(ours(http, s));
          }
          boolean upZero = ours(http, "up{job=\"exporter\"}").points().stream().anyMatch(p -> p.endsWith("=0.0"));
          if ((upZero && expected.equals(actual)) || System.nanoTime() > deadline) {
            break;
          }
          Thread.sleep(500);
        }
        assertThat(actual).as("our query answers, series by series, against Prometheus' own").isEqualTo(expected);
        assertThat(expected.get(0).points()).hasSizeGreaterThanOrEqualTo(5);
        assertThat(expected.get(0).labels()).isEqualTo(Map.of("room", "a", "job", "exporter", "instance", target));
        // Prometheus' synthetic series travel the same way; it keeps scraping the dead target (up=0),
        // so ours is what Prometheus had up to the last sample that arrived
        Samples up = ours(http, "up{job=\"exporter\"}");
        Samples upThere = prometheus(prometheus, "up{job=\"exporter\"}");
        assertThat(up.labels()).isEqualTo(upThere.labels());
        assertThat(upThere.points()).startsWith(up.points().toArray(String[]::new));
        // staleness markers were skipped, and nothing Prometheus sent was refused
        assertThat(http.requestStats()).filteredOn(s -> s.pathPattern().equals("/api/v1/write"))
            .isNotEmpty().allSatisfy(s -> assertThat(s.status()).isEqualTo(204));
      } finally {
        script("stop");
      }
    } finally {
      exporter.stop(0);
    }
  }
}
