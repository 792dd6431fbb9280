package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.core.MetricsPipeline;

/**
 * Hostile input against every ingestion endpoint over real HTTP (seed-004 JSON, seed-000 JSON, OTLP
 * JSON and protobuf, gzip) and the query endpoints, plus raw-socket HTTP abuse. The rule checked for
 * every case: never a 5xx, never a hang (each request is bounded), and a 2xx means everything the
 * body carried is stored, read back from the store value for value and timestamp for timestamp
 * (OTLP: every data point not counted in {@code partial_success}).
 */
class HostileInputIT {

  private static final Duration REQUEST_LIMIT = Duration.ofSeconds(15);
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TS = "2025-12-03T12:00:00Z";
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static InMemoryStorageAdapter storage;
  private static HttpIngestionAdapter http;
  private static MetricsPipeline pipeline;

  @BeforeAll
  static void start() {
    storage = InMemoryStorageAdapter.create();
    http = HttpIngestionAdapter.builder().port(0).storage(storage).noRateLimits()
        .storedTimeout(Duration.ofSeconds(10)).maxBodyBytes(1 << 20).build();
    pipeline = MetricsPipeline.builder().storage(storage).ingestion(http).processingInterval(Duration.ofMillis(5))
        .build();
    pipeline.startProcessing();
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  /** A point the body carries: stored under {@code name} with this value at this time when answered 2xx. */
  private record Expected(String name, double value, Instant timestamp) {}

  private static String name() {
    return "hostile_" + NAMES.incrementAndGet();
  }

  // ---- the rule ----

  private static HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.uri() + path)).timeout(REQUEST_LIMIT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (!typed && body != null) {
      b.header("Content-Type", "application/json");
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Sends, then checks the rule: below 500, and a 2xx stored every expected point. */
  private static int check(String path, byte[] body, List<Expected> expected, String... headers) throws Exception {
    HttpResponse<byte[]> r = send("POST", path, body, headers);
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.statusCode()).as("status of %s: %s", path, text).isLessThan(500);
    if (r.statusCode() / 100 != 2) {
      return r.statusCode();
    }
    long rejected = 0;
    if (path.equals("/v1/metrics")) {
      rejected = isProtobuf(headers) ? ExportMetricsServiceResponse.parseFrom(r.body()).getPartialSuccess()
          .getRejectedDataPoints() : TestHttp.JSON.readTree(r.body()).path("partialSuccess").path("rejectedDataPoints").asLong();
    }
    if (rejected > 0) {
      // OTLP's way of saying "not stored": every case body carries one point (two for the framing cases)
      assertThat(rejected).as("rejected points").isLessThanOrEqualTo(Math.max(1, expected.size()));
      return r.statusCode();
    }
    for (Expected e : expected) {
      List<MetricsData> items = storage.query(MetricsQuery.builder().metricNames(e.name()).range(TimeRange.all())
          .build()).join();
      assertThat(items).as("%s answered %d (%s) but %s is not stored", path, r.statusCode(), text, e.name())
          .isNotEmpty();
      MetricsData item = items.get(0);
      double stored = item.metrics().stream().filter(m -> m.name().equals(e.name())).findFirst().orElseThrow().value();
      assertThat(Double.doubleToLongBits(stored)).as("%s: stored %s, sent %s", e.name(), stored, e.value())
          .isEqualTo(Double.doubleToLongBits(e.value()));
      assertThat(item.timestamp().toEpochMilli()).as("%s: timestamp", e.name())
          .isEqualTo(e.timestamp().toEpochMilli());
    }
    return r.statusCode();
  }

  /** {@link #check}, and the body must have been taken whole: 204, the answer of both write protocols. */
  private static void stored(String path, byte[] body, List<Expected> expected, String... headers) throws Exception {
    assertThat(check(path, body, expected, headers)).as("status of %s", path).isEqualTo(204);
  }

  private static boolean isProtobuf(String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase("Content-Type") && headers[i + 1].contains("protobuf")) {
        return true;
      }
    }
    return false;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] raw) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(raw);
    }
    return out.toByteArray();
  }

  // ---- bodies, one point each, in every wire form ----

  private static String seed004(String name, String value, String timestamp) {
    return "{\"metric_name\":\"" + name + "\",\"value\":" + value + ",\"timestamp\":" + timestamp + ",\"labels\":{\"h\":\"x\"}}";
  }

  private static String seed000(String name, String value, String timestamp) {
    return "{\"timestamp\":" + timestamp + ",\"metric_type\":\"hostile\",\"metrics\":[{\"name\":\"" + name
        + "\",\"value\":" + value + ",\"tags\":{\"h\":\"x\"}}]}";
  }

  private static String otlpJson(String name, String value, String timeUnixNano) {
    return "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"" + name + "\",\"gauge\":{\"dataPoints\":"
        + "[{\"timeUnixNano\":" + timeUnixNano + ",\"asDouble\":" + value + "}]}}]}]}]}";
  }

  private static byte[] otlpProto(String name, double value, long timeUnixNano) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName(name)
            .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(timeUnixNano)
                .setAsDouble(value)))))).build().toByteArray();
  }

  private static DynamicTest test(String name, Executable body) {
    return DynamicTest.dynamicTest(name, body);
  }

  // ---- framing ----

  @TestFactory
  Stream<DynamicContainer> framing() {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> separators = List.of("", " ", "\n", ",", "\r\n", "\t", ";", "x", "[]", "null", "{}");
    for (String sep : separators) {
      String label = sep.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
      tests.add(test("seed004 two objects sep '" + label + "'", () -> {
        String a = name();
        String b = name();
        check("/metrics/ingest", utf8(seed004(a, "1", "\"" + TS + "\"") + sep + seed004(b, "2", "\"" + TS + "\"")),
            List.of(new Expected(a, 1, Instant.parse(TS)), new Expected(b, 2, Instant.parse(TS))));
      }));
      tests.add(test("seed000 two objects sep '" + label + "'", () -> {
        String a = name();
        String b = name();
        check("/api/v1/ingest", utf8(seed000(a, "1", "\"" + TS + "\"") + sep + seed000(b, "2", "\"" + TS + "\"")),
            List.of(new Expected(a, 1, Instant.parse(TS)), new Expected(b, 2, Instant.parse(TS))));
      }));
      tests.add(test("otlp json two requests sep '" + label + "'", () -> {
        String a = name();
        String b = name();
        check("/v1/metrics", utf8(otlpJson(a, "1", "\"1764763200000000000\"") + sep
            + otlpJson(b, "2", "\"1764763200000000000\"")),
            List.of(new Expected(a, 1, Instant.parse(TS)), new Expected(b, 2, Instant.parse(TS))));
      }));
    }
    List<String> broken = List.of("", " ", "{", "}", "[", "]", "[{]", "{\"metric_name\":", "\"just a string\"", "42",
        "true", "null", "{\"a\":1}}", "[[[[[[[[[[", "[".repeat(5000) + "]".repeat(5000),
        "{\"a\":".repeat(3000) + "1" + "}".repeat(3000), "\u0000", "{\"metric_name\":\"a\",\"value\":1,}",
        "{'metric_name':'a','value':1}", "{metric_name:\"a\",value:1}", "/* c */{\"metric_name\":\"a\",\"value\":1}",
        "{\"metric_name\":\"a\",\"value\":1" + " ".repeat(100_000));
    for (int i = 0; i < broken.size(); i++) {
      byte[] body = utf8(broken.get(i));
      int n = i;
      tests.add(test("broken document " + n + " to /metrics/ingest", () -> check("/metrics/ingest", body, List.of())));
      tests.add(test("broken document " + n + " to /api/v1/ingest", () -> check("/api/v1/ingest", body, List.of())));
      tests.add(test("broken document " + n + " to /v1/metrics", () -> check("/v1/metrics", body, List.of())));
    }
    tests.add(test("protobuf garbage", () -> check("/v1/metrics", new byte[] {(byte) 0xff, 1, 2, 3, 4}, List.of(),
        "Content-Type", "application/x-protobuf")));
    tests.add(test("protobuf truncated", () -> {
      byte[] full = otlpProto(name(), 1, 1_764_763_200_000_000_000L);
      check("/v1/metrics", java.util.Arrays.copyOf(full, full.length - 3), List.of(),
          "Content-Type", "application/x-protobuf");
    }));
    tests.add(test("protobuf two requests concatenated merge, both stored", () -> {
      String a = name();
      String b = name();
      // protobuf concatenation is a merge by definition: both points are in the request
      check("/v1/metrics", concat(otlpProto(a, 1, 1_764_763_200_000_000_000L), otlpProto(b, 2, 1_764_763_200_000_000_000L)),
          List.of(new Expected(a, 1, Instant.parse(TS)), new Expected(b, 2, Instant.parse(TS))),
          "Content-Type", "application/x-protobuf");
    }));
    tests.add(test("json sent as protobuf", () -> check("/v1/metrics", utf8(otlpJson(name(), "1", "\"1\"")), List.of(),
        "Content-Type", "application/x-protobuf")));
    tests.add(test("unknown content type", () -> check("/v1/metrics", utf8("{}"), List.of(), "Content-Type", "text/plain")));
    return Stream.of(DynamicContainer.dynamicContainer("framing", tests));
  }

  // ---- encodings ----

  @TestFactory
  Stream<DynamicTest> encodings() {
    List<DynamicTest> tests = new ArrayList<>();
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    for (String path : List.of("/metrics/ingest", "/api/v1/ingest", "/v1/metrics")) {
      tests.add(test("utf-8 BOM " + path, () -> {
        String n = name();
        check(path, concat(bom, body(path, n, "1")), List.of(new Expected(n, 1, Instant.parse(TS))));
      }));
      tests.add(test("utf-16LE with BOM " + path, () -> {
        String n = name();
        check(path, concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
            new String(body(path, n, "1"), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE)),
            List.of(new Expected(n, 1, Instant.parse(TS))));
      }));
      tests.add(test("utf-16BE without BOM " + path, () -> {
        String n = name();
        check(path, new String(body(path, n, "1"), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16BE),
            List.of(new Expected(n, 1, Instant.parse(TS))));
      }));
      tests.add(test("utf-32 " + path, () -> {
        String n = name();
        check(path, new String(body(path, n, "1"), StandardCharsets.UTF_8).getBytes(java.nio.charset.Charset.forName("UTF-32")),
            List.of(new Expected(n, 1, Instant.parse(TS))));
      }));
      List<byte[]> invalid = List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xC0, (byte) 0xAF},
          new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80},
          new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xE2, (byte) 0x82});
      for (int i = 0; i < invalid.size(); i++) {
        byte[] bad = invalid.get(i);
        int k = i;
        tests.add(test("invalid utf-8 #" + k + " in a name " + path, () -> {
          String n = name();
          String text = new String(body(path, n + "@@", "1"), StandardCharsets.UTF_8);
          int at = text.indexOf("@@");
          byte[] b = concat(utf8(text.substring(0, at)), bad, utf8(text.substring(at + 2)));
          // the name with the bad bytes is not ours to look up: a 2xx must not have stored it under our name either
          check(path, b, List.of());
        }));
      }
      tests.add(test("escaped NUL and lone surrogate in the name " + path, () -> check(path,
          body(path, name() + "\\u0000\\ud800", "1"), List.of())));
      tests.add(test("non-ASCII name " + path, () -> {
        String n = name() + "_température_温度";
        check(path, body(path, n, "1"), List.of(new Expected(n, 1, Instant.parse(TS))));
      }));
    }
    return tests.stream();
  }

  private static byte[] body(String path, String name, String value) {
    return utf8(switch (path) {
      case "/metrics/ingest" -> seed004(name, value, "\"" + TS + "\"");
      case "/api/v1/ingest" -> seed000(name, value, "\"" + TS + "\"");
      default -> otlpJson(name, value, "\"1764763200000000000\"");
    });
  }

  // ---- numbers ----

  @TestFactory
  Stream<DynamicTest> numbers() {
    List<Double> doubles = new ArrayList<>(List.of(0.0, -0.0, 0.1, 0.30000000000000004, 1.0 / 3, -2.5, 1e22, 1e23,
        9007199254740992.0, 9007199254740993.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
        Double.MIN_NORMAL - Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, 123456789.12345679,
        2.2250738585072011e-308, 4.35e-310, 1.7976931348623157e308, 5e-324, 0.1 + 0.2, Math.PI, Math.E, 1e15, 1e16,
        1e17, 123e-20));
    Random random = new Random(12);
    while (doubles.size() < 45) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(d)) {
        doubles.add(d);
      }
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (double d : doubles) {
      String text = Double.toString(d);
      for (String path : List.of("/metrics/ingest", "/api/v1/ingest", "/v1/metrics")) {
        tests.add(test(path + " value " + text, () -> {
          String n = name();
          check(path, body(path, n, text), List.of(new Expected(n, d, Instant.parse(TS))));
        }));
      }
      tests.add(test("protobuf value " + text, () -> {
        String n = name();
        check("/v1/metrics", otlpProto(n, d, 1_764_763_200_000_000_000L), List.of(new Expected(n, d, Instant.parse(TS))),
            "Content-Type", "application/x-protobuf");
      }));
    }
    // literals whose double is decided by the parser, not by Double.toString
    Map<String, Double> literals = Map.ofEntries(Map.entry("9007199254740993", 9007199254740992.0),
        Map.entry("-0", 0.0), Map.entry("1E2", 100.0), Map.entry("1e-400", 0.0), Map.entry("0.1e1", 1.0),
        Map.entry("123456789012345678901234567890", 1.2345678901234568E29),
        Map.entry("0.000000000000000000000000000001", 1e-30), Map.entry("2.4703282292062328e-324", 5e-324));
    literals.forEach((text, value) -> {
      for (String path : List.of("/metrics/ingest", "/api/v1/ingest", "/v1/metrics")) {
        tests.add(test(path + " literal " + text, () -> {
          String n = name();
          // "-0" is an integer: Jackson and the fast path both read it as 0.0, which equals -0 as a number
          check(path, body(path, n, text), List.of(new Expected(n, value, Instant.parse(TS))));
        }));
      }
    });
    for (String bad : List.of("NaN", "Infinity", "-Infinity", "1e309", "-1e309", "\"1.5\"", "0x10", "01", "1.", ".5",
        "+1", "1e", "--1", "1" + "0".repeat(2000), "true", "null", "[]", "{}")) {
      for (String path : List.of("/metrics/ingest", "/api/v1/ingest")) {
        tests.add(test(path + " bad number " + (bad.length() > 20 ? bad.substring(0, 20) + "..." : bad),
            () -> check(path, body(path, name(), bad), List.of())));
      }
      tests.add(test("/v1/metrics bad number " + (bad.length() > 20 ? bad.substring(0, 20) + "..." : bad),
          () -> check("/v1/metrics", body("/v1/metrics", name(), bad), List.of())));
    }
    for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      tests.add(test("protobuf non-finite " + d, () -> check("/v1/metrics", otlpProto(name(), d, 1_764_763_200_000_000_000L),
          List.of(new Expected("never-stored", d, Instant.EPOCH)), "Content-Type", "application/x-protobuf")));
    }
    return tests.stream();
  }

  // ---- timestamps ----

  @TestFactory
  Stream<DynamicTest> timestamps() {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> iso = List.of("2025-12-03T12:00:00Z", "2025-12-03T17:30:00+05:30", "2025-12-03T00:00:00-12:00",
        "2025-12-04T02:00:00+14:00", "2025-12-03T12:00:00.123456789Z", "2025-12-03T12:00:00.1Z",
        "2025-12-03T12:00:00.999999999Z", "1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.9999Z",
        "1900-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2016-12-31T23:59:60Z",
        "2025-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2025-12-03T24:00:00Z", "2025-12-03T12:00:00",
        "2025-12-03", "2025-12-03T12:00:00+18:01", "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z",
        "2999-01-01T00:00:00Z", "2025-12-03T12:00:00z", "2025-12-03 12:00:00Z", "  2025-12-03T12:00:00Z",
        "2025-12-03T12:00:00.Z", "2025-13-01T00:00:00Z");
    for (String t : iso) {
      Instant parsed = parseOrNull(t);
      for (String path : List.of("/metrics/ingest", "/api/v1/ingest")) {
        tests.add(test(path + " timestamp " + t, () -> {
          String n = name();
          String json = path.equals("/metrics/ingest") ? seed004(n, "1", "\"" + t + "\"") : seed000(n, "1", "\"" + t + "\"");
          check(path, utf8(json), parsed == null ? List.of() : List.of(new Expected(n, 1, parsed)));
        }));
      }
    }
    for (String millis : List.of("0", "-1", "-62135596800000", "1764763200000", "1764763200000.75", "-1.5",
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e3", "253402300799999")) {
      for (String path : List.of("/metrics/ingest", "/api/v1/ingest")) {
        tests.add(test(path + " epoch millis " + millis, () -> {
          String n = name();
          String json = path.equals("/metrics/ingest") ? seed004(n, "1", millis) : seed000(n, "1", millis);
          Instant expected = epochMillisOrNull(millis);
          check(path, utf8(json), expected == null ? List.of() : List.of(new Expected(n, 1, expected)));
        }));
      }
    }
    for (String nanos : List.of("\"0\"", "\"1\"", "\"18446744073709551615\"", "\"-1\"", "1764763200000000000",
        "\"1764763200123456789\"", "\"abc\"", "1.5", "\"9223372036854775807\"")) {
      tests.add(test("otlp timeUnixNano " + nanos, () -> {
        String n = name();
        check("/v1/metrics", utf8(otlpJson(n, "1", nanos)), otlpExpected(n, nanos));
      }));
    }
    for (long nanos : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_764_763_200_123_456_789L}) {
      tests.add(test("protobuf timeUnixNano " + nanos, () -> {
        String n = name();
        Instant at = Instant.ofEpochSecond(0, 0).plusNanos(nanos);
        check("/v1/metrics", otlpProto(n, 1, nanos), nanos < 0 ? List.of() : List.of(new Expected(n, 1, at)),
            "Content-Type", "application/x-protobuf");
      }));
    }
    return tests.stream();
  }

  private static List<Expected> otlpExpected(String name, String nanosJson) {
    try {
      java.math.BigInteger v = new java.math.BigInteger(nanosJson.replace("\"", ""));
      if (v.signum() < 0 || v.bitLength() > 63) {
        return List.of();
      }
      return List.of(new Expected(name, 1, Instant.ofEpochSecond(0).plusNanos(v.longValue())));
    } catch (NumberFormatException e) {
      return List.of();
    }
  }

  private static Instant parseOrNull(String t) {
    try {
      return java.time.OffsetDateTime.parse(t, java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static Instant epochMillisOrNull(String millis) {
    try {
      return Instant.ofEpochMilli((long) Math.floor(new java.math.BigDecimal(millis).doubleValue()));
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ---- gzip ----

  @TestFactory
  Stream<DynamicTest> gzipBodies() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (String path : List.of("/metrics/ingest", "/api/v1/ingest", "/v1/metrics")) {
      tests.add(test("gzip " + path, () -> {
        String n = name();
        check(path, gzip(body(path, n, "1.5")), List.of(new Expected(n, 1.5, Instant.parse(TS))),
            "Content-Encoding", "gzip");
      }));
      tests.add(test("gzip bomb " + path, () -> check(path, gzip(new byte[8 << 20]), List.of(),
          "Content-Encoding", "gzip")));
      tests.add(test("gzip truncated " + path, () -> {
        byte[] z = gzip(body(path, name(), "1"));
        check(path, java.util.Arrays.copyOf(z, z.length / 2), List.of(), "Content-Encoding", "gzip");
      }));
      tests.add(test("plain body labelled gzip " + path, () -> check(path, body(path, name(), "1"), List.of(),
          "Content-Encoding", "gzip")));
      tests.add(test("gzip twice labelled once " + path, () -> check(path, gzip(gzip(body(path, name(), "1"))), List.of(),
          "Content-Encoding", "gzip")));
      tests.add(test("gzip twice labelled twice " + path, () -> check(path, gzip(gzip(body(path, name(), "1"))), List.of(),
          "Content-Encoding", "gzip, gzip")));
      tests.add(test("brotli " + path, () -> check(path, body(path, name(), "1"), List.of(), "Content-Encoding", "br")));
      tests.add(test("gzip with trailing garbage " + path, () -> check(path,
          concat(gzip(body(path, name(), "1")), utf8("garbage")), List.of(), "Content-Encoding", "gzip")));
    }
    tests.add(test("gzip protobuf", () -> {
      String n = name();
      check("/v1/metrics", gzip(otlpProto(n, 2.5, 1_764_763_200_000_000_000L)), List.of(new Expected(n, 2.5, Instant.parse(TS))),
          "Content-Encoding", "gzip", "Content-Type", "application/x-protobuf");
    }));
    return tests.stream();
  }

  // ---- InfluxDB line protocol and Prometheus remote write ----

  private static final long TS_NANOS = 1_764_763_200_000_000_000L;
  private static final long TS_MILLIS = 1_764_763_200_000L;
  private static final String[] LP = {"Content-Type", "text/plain; charset=utf-8"};
  private static final String[] RW = {"Content-Type", "application/x-protobuf", "Content-Encoding", "snappy",
      "X-Prometheus-Remote-Write-Version", "0.1.0"};

  /** One line: measurement {@code m}, field {@code v}, stored as {@code m_v}. */
  private static String line(String measurement, String value) {
    return measurement + ",h=x v=" + value + " " + TS_NANOS;
  }

  private static byte[] remoteWrite(String name, double value) {
    return RemoteWriteRequests.request().series(name, Map.of("h", "x"), value, TS_MILLIS).body();
  }

  private static String[] with(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @TestFactory
  Stream<DynamicTest> lineProtocol() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String path : List.of("/write", "/api/v2/write")) {
      for (String sep : List.of("\n", "\r\n", "\n\n", "\n# comment\n", "\n   ", " \n")) {
        tests.add(test(path + " two lines sep '" + sep.replace("\n", "\\n").replace("\r", "\\r") + "'", () -> {
          String a = name();
          String b = name();
          stored(path, utf8(line(a, "1") + sep + line(b, "2") + "\n"), List.of(new Expected(a + "_v", 1, Instant.parse(TS)),
              new Expected(b + "_v", 2, Instant.parse(TS))), LP);
        }));
      }
    }
    List<String> broken = List.of("", "\n", "m", "m ", "m v", "m v=", "m v=1,", "m v=1 ,", "m,=x v=1", "m,t= v=1",
        "m,t v=1", "m =1", "m v=1 1 2", "m v=1 1.5", "m v=1 x", "m v=1 99999999999999999999", ",", " ", "=", "m,t=a=b v=1",
        "m v=1;n v=2", "m v=1,n v=2", "m\\", "m,t=a\\", "m v\\", "m,t\\=x v=1 1\\", "m s=\"abc", "m s=\"abc\\\"",
        "m s=\"a\"b", "m s=\"a\nb\" 1", "m s=\"\"\"", "m v=1i2", "m v=--1", "m v=1e", "m v=.", "m v=1..2",
        "m v=0x10", "m v=+1", "m v=1_000", "m v=1f", "m v=1d", "m v=tru", "m v=18446744073709551616u", "m v=-1u",
        "m v=9223372036854775808i", "m\t v=1", "\u0000 v=1", "m v=1 " + "9".repeat(5000), "m," + "t=v,".repeat(5000) + "t=v v=1",
        "m " + "v=1,".repeat(20_000) + "v=1", "m".repeat(100_000) + " v=1", "m v=\"" + "x".repeat(100_000) + "\"");
    for (int i = 0; i < broken.size(); i++) {
      byte[] body = utf8(broken.get(i));
      int n = i;
      tests.add(test("broken line " + n + " to /write", () -> check("/write", body, List.of(), LP)));
    }
    tests.add(test("escapes round trip", () -> {
      String n = name();
      stored("/write", utf8(n + ",k=a\\ b\\,c\\=d v=3 " + TS_NANOS), List.of(new Expected(n + "_v", 3, Instant.parse(TS))), LP);
    }));
    for (String type : List.of("application/json", "application/x-protobuf", "text/plain; charset=iso-8859-1",
        "text/plain; charset=utf-16", "multipart/form-data")) {
      tests.add(test("/write content type " + type, () -> assertThat(check("/write", utf8(line(name(), "1")), List.of(),
          "Content-Type", type)).isEqualTo(415)));
    }
    List<byte[]> invalid = List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xC0, (byte) 0xAF},
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xE2, (byte) 0x82});
    for (int i = 0; i < invalid.size(); i++) {
      byte[] bad = invalid.get(i);
      for (String where : List.of("measurement", "tag key", "tag value", "field key", "string value")) {
        tests.add(test("invalid utf-8 #" + i + " in the " + where, () -> {
          String n = name();
          String text = switch (where) {
            case "measurement" -> n + "@@ v=1 " + TS_NANOS;
            case "tag key" -> n + ",@@=x v=1 " + TS_NANOS;
            case "tag value" -> n + ",t=@@ v=1 " + TS_NANOS;
            case "field key" -> n + " v@@=1 " + TS_NANOS;
            default -> n + " s=\"@@\",v=1 " + TS_NANOS;
          };
          int at = text.indexOf("@@");
          check("/write", concat(utf8(text.substring(0, at)), bad, utf8(text.substring(at + 2))), List.of(), LP);
        }));
      }
    }
    for (String bad : List.of("NaN", "nan", "Inf", "+Inf", "-Inf", "Infinity", "1e309", "-1e309")) {
      tests.add(test("/write non-finite " + bad, () -> check("/write", utf8(line(name(), bad)),
          List.of(new Expected("never-stored", 0, Instant.EPOCH)), LP)));
    }
    Random random = new Random(18);
    for (int i = 0; i < 12; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (!Double.isFinite(d)) {
        continue;
      }
      tests.add(test("/write value " + d, () -> {
        String n = name();
        stored("/write", utf8(line(n, Double.toString(d))), List.of(new Expected(n + "_v", d, Instant.parse(TS))), LP);
      }));
    }
    Map<String, String> precisions = Map.of("ns", Long.toString(TS_NANOS), "u", Long.toString(TS_NANOS / 1000),
        "ms", Long.toString(TS_MILLIS), "s", Long.toString(TS_MILLIS / 1000), "m", Long.toString(TS_MILLIS / 60_000),
        "h", Long.toString(TS_MILLIS / 3_600_000));
    precisions.forEach((p, ts) -> tests.add(test("/write precision " + p, () -> {
      String n = name();
      stored("/write?precision=" + p, utf8(n + " v=1 " + ts), List.of(new Expected(n + "_v", 1, Instant.parse(TS))), LP);
    })));
    for (String p : List.of("x", "", "NS", "m", "h", "n")) {
      tests.add(test("/api/v2/write precision '" + p + "'", () -> check("/api/v2/write?precision=" + p,
          utf8(name() + " v=1 1764763200"), List.of(), LP)));
    }
    tests.add(test("/write negative and huge timestamps", () -> {
      for (String ts : List.of("-1", "-9223372036854775808", "9223372036854775807")) {
        check("/write", utf8(name() + " v=1 " + ts), List.of(), LP);
      }
      check("/write?precision=h", utf8(name() + " v=1 9223372036854775807"), List.of(), LP);
    }));
    tests.add(test("/write gzip", () -> {
      String n = name();
      stored("/write", gzip(utf8(line(n, "1.5"))), List.of(new Expected(n + "_v", 1.5, Instant.parse(TS))),
          with(LP, "Content-Encoding", "gzip"));
    }));
    tests.add(test("/write gzip bomb", () -> assertThat(check("/write", gzip(new byte[8 << 20]), List.of(),
        with(LP, "Content-Encoding", "gzip"))).isEqualTo(413)));
    tests.add(test("/write gzip truncated", () -> {
      byte[] z = gzip(utf8(line(name(), "1")));
      check("/write", java.util.Arrays.copyOf(z, z.length / 2), List.of(), with(LP, "Content-Encoding", "gzip"));
    }));
    tests.add(test("/write snappy", () -> check("/write", RemoteWriteRequests.snappy(utf8(line(name(), "1"))), List.of(),
        with(LP, "Content-Encoding", "snappy"))));
    tests.add(test("/write more lines than the buffer holds", () -> assertThat(check("/write",
        utf8((line(name(), "1") + "\n").repeat(10_001)), List.of(), LP)).isEqualTo(413)));
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> remoteWrite() {
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(test("remote write one sample", () -> {
      String n = name();
      stored("/api/v1/write", remoteWrite(n, 2.5), List.of(new Expected(n, 2.5, Instant.parse(TS))), RW);
    }));
    tests.add(test("snappy garbage", () -> assertThat(check("/api/v1/write", new byte[] {(byte) 0xff, 1, 2, 3, 4},
        List.of(), RW)).isEqualTo(400)));
    tests.add(test("snappy truncated", () -> {
      byte[] body = remoteWrite(name(), 1);
      check("/api/v1/write", java.util.Arrays.copyOf(body, body.length - 3), List.of(), RW);
    }));
    tests.add(test("snappy framed stream format", () -> check("/api/v1/write", concat(new byte[] {(byte) 0xff, 6, 0, 0},
        utf8("sNaPpY"), remoteWrite(name(), 1)), List.of(), RW)));
    tests.add(test("snappy header declaring 4 GiB", () -> assertThat(check("/api/v1/write",
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0}, List.of(), RW)).isEqualTo(413)));
    tests.add(test("snappy bomb: 8 MiB of zeros", () -> assertThat(check("/api/v1/write",
        RemoteWriteRequests.snappy(new byte[8 << 20]), List.of(), RW)).isEqualTo(413)));
    tests.add(test("snappy twice", () -> check("/api/v1/write", RemoteWriteRequests.snappy(remoteWrite(name(), 1)),
        List.of(), RW)));
    tests.add(test("protobuf garbage inside valid snappy", () -> check("/api/v1/write",
        RemoteWriteRequests.snappy(new byte[] {(byte) 0xff, 1, 2, 3}), List.of(), RW)));
    tests.add(test("json inside valid snappy", () -> check("/api/v1/write",
        RemoteWriteRequests.snappy(utf8(seed000(name(), "1", "\"" + TS + "\""))), List.of(), RW)));
    tests.add(test("remote write without Content-Encoding", () -> check("/api/v1/write",
        RemoteWriteRequests.request().series(name(), Map.of(), 1, TS_MILLIS).protobuf(), List.of(),
        "Content-Type", "application/x-protobuf")));
    tests.add(test("remote write gzip", () -> check("/api/v1/write",
        gzip(RemoteWriteRequests.request().series(name(), Map.of(), 1, TS_MILLIS).protobuf()), List.of(),
        "Content-Type", "application/x-protobuf", "Content-Encoding", "gzip")));
    tests.add(test("remote write 2.0", () -> assertThat(check("/api/v1/write", remoteWrite(name(), 1), List.of(),
        "Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request", "Content-Encoding", "snappy"))
        .isEqualTo(415)));
    tests.add(test("remote write as json", () -> check("/api/v1/write", remoteWrite(name(), 1), List.of(),
        "Content-Type", "application/json", "Content-Encoding", "snappy")));
    for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.longBitsToDouble(0x7ff0000000000001L)}) {
      tests.add(test("remote write non-finite " + Long.toHexString(Double.doubleToRawLongBits(d)), () ->
          check("/api/v1/write", remoteWrite(name(), d), List.of(new Expected("never-stored", 0, Instant.EPOCH)), RW)));
    }
    tests.add(test("remote write staleness marker only", () -> {
      String n = name();
      check("/api/v1/write", remoteWrite(n, Double.longBitsToDouble(0x7ff0000000000002L)), List.of(), RW);
      assertThat(storage.query(MetricsQuery.builder().metricNames(n).range(TimeRange.all()).build()).join()).isEmpty();
    }));
    Random random = new Random(19);
    for (int i = 0; i < 12; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (!Double.isFinite(d)) {
        continue;
      }
      tests.add(test("remote write value " + d, () -> {
        String n = name();
        stored("/api/v1/write", remoteWrite(n, d), List.of(new Expected(n, d, Instant.parse(TS))), RW);
      }));
    }
    for (long ms : new long[] {-1, Long.MIN_VALUE, Long.MAX_VALUE, 0}) {
      tests.add(test("remote write timestamp " + ms, () -> {
        String n = name();
        byte[] body = RemoteWriteRequests.request().series(n, Map.of(), 1, ms).body();
        check("/api/v1/write", body, ms == 0 ? List.of(new Expected(n, 1, Instant.EPOCH)) : List.of(), RW);
      }));
    }
    tests.add(test("remote write invalid utf-8 label", () -> {
      byte[] raw = RemoteWriteRequests.request().series(name(), Map.of("k", "é"), 1, TS_MILLIS).protobuf();
      for (int i = 0; i + 1 < raw.length; i++) {
        if (raw[i] == (byte) 0xC3 && raw[i + 1] == (byte) 0xA9) {
          raw[i + 1] = 0x28;
        }
      }
      check("/api/v1/write", RemoteWriteRequests.snappy(raw), List.of(), RW);
    }));
    tests.add(test("remote write more samples than the buffer holds", () -> {
      double[] pairs = new double[2 * 10_001];
      for (int i = 0; i < pairs.length; i += 2) {
        pairs[i] = i;
        pairs[i + 1] = TS_MILLIS + i;
      }
      check("/api/v1/write", RemoteWriteRequests.request().series(name(), Map.of(), pairs).body(), List.of(), RW);
    }));
    return tests.stream();
  }

  // ---- query cost bombs ----

  @TestFactory
  Stream<DynamicTest> queryCostBombs() {
    List<DynamicTest> tests = new ArrayList<>();
    String bomb = "bomb_metric";
    tests.add(test("seed many series", () -> {
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < 3000; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"timestamp\":").append(1_764_763_200_000L + i)
            .append(",\"metric_type\":\"hostile\",\"metrics\":[{\"name\":\"").append(bomb)
            .append("\",\"value\":").append(i).append(",\"tags\":{\"k\":\"v").append(i).append("\"}}]}");
      }
      HttpResponse<byte[]> r = send("POST", "/api/v1/ingest", utf8(batch.append("]").toString()));
      assertThat(r.statusCode()).isEqualTo(200);
    }));
    List<String> queries = new ArrayList<>(List.of(
        "{\"metric_name\":\"" + bomb + "\",\"start_time\":\"1925-01-01T00:00:00Z\",\"end_time\":\"2025-01-01T00:00:00Z\",\"step\":\"1ms\"}",
        "{\"metric_name\":\"" + bomb + "\",\"start_time\":\"1925-01-01T00:00:00Z\",\"end_time\":\"2026-01-01T00:00:00Z\",\"step\":\"1ms\",\"function\":\"rate\"}",
        "{\"metric_name\":\"" + bomb + "\",\"start_time\":\"0001-01-01T00:00:00Z\",\"end_time\":\"9999-01-01T00:00:00Z\",\"step\":\"1ms\",\"group_by\":[\"k\"]}",
        "{\"metric_name\":\"" + bomb + "\",\"group_by\":[\"k\"],\"step\":\"1ms\"}",
        "{\"metric_name\":\"" + bomb + "\",\"group_by\":[\"k\"],\"function\":\"raw\",\"limit\":1000000000}",
        "{\"metric_name\":\"" + bomb + "\",\"step\":\"999999999d\"}",
        "{\"metric_name\":\"" + bomb + "\",\"step\":\"0ms\"}",
        "{\"metric_name\":\"" + bomb + "\",\"source\":\"1m\",\"step\":\"1ms\"}"));
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      keys.append(i == 0 ? "" : ",").append("\"key").append(i).append("\"");
    }
    queries.add("{\"metric_name\":\"" + bomb + "\",\"group_by\":[" + keys + "],\"step\":\"1ms\"}");
    queries.add("{\"metric_name\":\"" + bomb + "\",\"labels\":{" + keys.toString().replace(",", ":\"x\",") + ":\"x\"}}");
    for (String q : queries) {
      tests.add(test("query " + (q.length() > 120 ? q.substring(0, 120) + "..." : q), () -> bounded("POST", "/query", utf8(q))));
    }
    for (String get : List.of("/query/raw?metric_name=" + bomb + "&limit=2147483647",
        "/query/raw?metric_name=" + bomb + "&offset=2147483647", "/metrics/list?page_size=2147483647",
        "/metrics/list?page=2147483647", "/metrics/" + bomb + "/info?max_tag_values=10000",
        "/query/rollup?metric_name=" + bomb + "&window=1m&start_time=0001-01-01T00:00:00Z&end_time=9999-01-01T00:00:00Z",
        "/metrics/list?search=" + "%25".repeat(500))) {
      tests.add(test("GET " + get, () -> bounded("GET", get, null)));
    }
    return tests.stream();
  }

  private static void bounded(String method, String path, byte[] body) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = send(method, path, body);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statusCode()).as("%s %s: %s", method, path, new String(r.body(), StandardCharsets.UTF_8)).isLessThan(500);
    assertThat(millis).as("answered within seconds").isLessThan(10_000);
    assertThat(r.body().length).as("a bounded answer").isLessThan(64 << 20);
  }

  // ---- raw-socket HTTP abuse ----

  @TestFactory
  Stream<DynamicTest> rawHttpAbuse() {
    String item = seed004("raw_socket", "1", "\"" + TS + "\"");
    int len = item.length();
    Map<String, String> requests = new java.util.LinkedHashMap<>();
    requests.put("content-length and chunked", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(len) + "\r\n" + item + "\r\n0\r\n\r\n");
    requests.put("two content-lengths", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + len + "\r\nContent-Length: 5\r\n\r\n" + item);
    requests.put("bogus chunk size", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + item + "\r\n0\r\n\r\n");
    requests.put("huge chunk size", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n" + item + "\r\n0\r\n\r\n");
    requests.put("negative chunk size", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n-5\r\n" + item + "\r\n0\r\n\r\n");
    requests.put("chunked then gzip TE", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: gzip, chunked\r\n\r\n" + Integer.toHexString(len) + "\r\n" + item + "\r\n0\r\n\r\n");
    requests.put("te identity", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n" + item);
    requests.put("negative content-length", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + item);
    requests.put("text content-length", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n" + item);
    requests.put("huge content-length", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n" + item);
    requests.put("content-length longer than the body", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + (len + 100) + "\r\n\r\n" + item);
    requests.put("100 KB header", "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n");
    requests.put("1000 headers", "GET /health/live HTTP/1.1\r\nHost: x\r\n" + "X-H: v\r\n".repeat(1000) + "\r\n");
    requests.put("100 KB request line", "GET /health/live?" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put("NUL in a header", "GET /health/live HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n");
    requests.put("folded header", "GET /health/live HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n");
    requests.put("no host", "GET /health/live HTTP/1.1\r\n\r\n");
    requests.put("http/0.9", "GET /health/live\r\n\r\n");
    requests.put("http/2.0 text", "GET /health/live HTTP/2.0\r\nHost: x\r\n\r\n");
    requests.put("http/9.9", "GET /health/live HTTP/9.9\r\nHost: x\r\n\r\n");
    requests.put("made-up method", "BREW /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    requests.put("bare LF", "GET /health/live HTTP/1.1\nHost: x\n\n");
    requests.put("space before colon", "GET /health/live HTTP/1.1\r\nHost : x\r\n\r\n");
    requests.put("absolute uri", "GET http://evil.example/health/live HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put("percent-encoded traversal", "GET /metrics/%2e%2e%2f%2e%2e/info HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put("bad percent-encoding", "GET /query/raw?metric_name=%zz HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put("pipelined", "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\nGET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put("expect 100-continue", "POST /metrics/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Expect: 100-continue\r\nContent-Length: " + len + "\r\n\r\n" + item);
    requests.put("binary garbage", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003");
    requests.put("empty line only", "\r\n\r\n");
    List<DynamicTest> tests = new ArrayList<>();
    requests.forEach((label, raw) -> tests.add(test("raw " + label, () -> rawRule(raw))));
    return tests.stream();
  }

  /** Sends raw bytes, half-closes, reads the first status line: no 5xx, an answer or a close within the limit. */
  private static void rawRule(String raw) throws Exception {
    try (Socket s = new Socket(http.uri().getHost(), http.port())) {
      s.setSoTimeout((int) REQUEST_LIMIT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) >= 0 && answer.size() < (1 << 20)) {
          answer.write(buf, 0, n);
        }
      } catch (java.net.SocketException e) {
        // a reset after the answer (or instead of one) is a refusal, not a hang
      }
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP/1\\.[01] (\\d{3})").matcher(text);
      while (m.find()) {
        int status = Integer.parseInt(m.group(1));
        if (status == 505 && !raw.substring(0, raw.indexOf('\n')).contains("HTTP/1.")) {
          continue; // RFC 9110 15.6.6: the answer for an HTTP version the server does not speak
        }
        assertThat(status).as("status in %s", text.substring(0, Math.min(300, text.length()))).isLessThan(500);
      }
    }
  }

  /** Keeps count: the issue asks for at least 200 hostile cases. */
  @org.junit.jupiter.api.Test
  void thereAreAtLeast200Cases() throws Exception {
    long count = Stream.of(framing().flatMap(c -> c.getChildren().map(x -> (Object) x)), encodings(), numbers(),
        timestamps(), gzipBodies(), lineProtocol(), remoteWrite(), queryCostBombs(), rawHttpAbuse()).flatMap(s -> s.map(x -> (Object) x)).count();
    assertThat(count).isGreaterThanOrEqualTo(200);
  }
}
