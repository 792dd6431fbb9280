package org.metricspipeline.adapters.http.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.ErrorBody;
import org.metricspipeline.core.http.HttpEndpoint;
import org.metricspipeline.core.internal.DecodeCache;

/**
 * {@code POST /write} (InfluxDB 1.x: {@code db}, {@code precision} = {@code ns|u|ms|s|m|h}) and
 * {@code POST /api/v2/write} (InfluxDB 2.x: {@code bucket}, {@code org}, {@code precision} =
 * {@code ns|us|ms|s}): InfluxDB line protocol, parsed by {@link LineProtocol}.
 *
 * <p>Each line becomes one item of metric type {@value #METRIC_TYPE} (source {@value #SOURCE}) at the
 * line's timestamp (the request's arrival time when it has none), with one metric per numeric
 * field, named as VictoriaMetrics names them: {@code {measurement}_{field}}, or the field key alone
 * when the measurement is empty. The line's tags are every metric's tags, plus {@code db} (the v1
 * {@code db} or v2 {@code bucket} parameter) unless the line has a {@code db} tag, as
 * VictoriaMetrics adds it. Booleans are stored as 1 and 0 (as VictoriaMetrics does); a string field
 * is stored as its number when the whole string is one ({@code "12.5"}) and is skipped otherwise (a
 * line of only such fields stores nothing). Success answers 204 like InfluxDB; lines that do not
 * parse or validate are named in a 400 with their line number, while the other lines are written.
 */
public final class InfluxWriteEndpoint {

  /** The InfluxDB 1.x write path. */
  public static final String V1_PATH = "/write";
  /** The InfluxDB 2.x write path. */
  public static final String V2_PATH = "/api/v2/write";
  /** The metric type of every item. */
  public static final String METRIC_TYPE = "influx";
  /** The source of every item. */
  public static final String SOURCE = "influx";
  /** The tag carrying the {@code db} (v1) or {@code bucket} (v2) parameter, VictoriaMetrics' default. */
  public static final String DB_TAG = "db";

  private final Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink;
  private final MetricsValidator validator;
  private final Clock clock;
  private final int maxItems;

  /** Valid lines go to {@code sink}; a request of more than {@code maxItems} lines answers 413. */
  public InfluxWriteEndpoint(Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink,
      MetricsValidator validator, Clock clock, int maxItems) {
    this.sink = sink;
    this.validator = validator;
    this.clock = clock;
    this.maxItems = maxItems;
  }

  /** The two endpoints to mount. */
  public List<HttpEndpoint> endpoints() {
    return List.of(HttpEndpoint.of("POST", V1_PATH, EndpointKind.INGESTION, r -> handle(r, false)),
        HttpEndpoint.of("POST", V2_PATH, EndpointKind.INGESTION, r -> handle(r, true)));
  }

  /** Answers one write request; {@code v2} for {@code /api/v2/write}. */
  public CompletableFuture<EndpointResponse> handle(EndpointRequest r, boolean v2) {
    Optional<EndpointResponse> refused = refuseContent(r);
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(refused.get());
    }
    String precisionText = r.queryParam("precision").orElse("ns");
    Optional<LineProtocol.Precision> precision = v2 ? LineProtocol.Precision.v2(precisionText)
        : LineProtocol.Precision.v1(precisionText);
    if (precision.isEmpty()) {
      return CompletableFuture.completedFuture(ErrorBody.invalidField("precision", "must be one of "
          + (v2 ? "ns, us, ms, s" : "ns, u, ms, s, m, h") + ", got '" + precisionText + "'", clock));
    }
    String db = r.queryParam(v2 ? "bucket" : "db").orElse("");
    Instant now = Instant.now(clock);
    PartialWrite write = new PartialWrite(validator, clock, "lines");
    byte[] body = r.body();
    int lines = LineProtocol.parse(body, body.length, precision.get(), maxItems, new LineProtocol.Handler() {
      @Override
      public void line(LineProtocol.Line line) {
        add(write, line, db, now);
      }

      @Override
      public void error(int number, String element, String message) {
        write.reject(where(number, element), message, 1);
      }
    });
    if (lines > maxItems) {
      return CompletableFuture.completedFuture(org.metricspipeline.core.http.MetricsEndpoints.tooManyItems(
          lines, maxItems, clock));
    }
    return write.send(sink, maxItems);
  }

  private static String where(int line, String element) {
    return element.isEmpty() ? "line " + line : "line " + line + " " + element;
  }

  private static void add(PartialWrite write, LineProtocol.Line line, String db, Instant now) {
    // The JSON decoder's shared caches: a series' tag map and metric names come out as the same
    // instances request after request, so the store finds the series by identity (no fresh map to
    // hash and compare per point) and no name string is built per point.
    Map<String, String> lineTags = line.tags();
    boolean addDb = !db.isEmpty() && !lineTags.containsKey(DB_TAG);
    int pairs = lineTags.size() + (addDb ? 1 : 0);
    String[] kv = new String[2 * pairs];
    int k = 0;
    for (Map.Entry<String, String> e : lineTags.entrySet()) {
      kv[k++] = e.getKey();
      kv[k++] = e.getValue();
    }
    if (addDb) {
      kv[k++] = DB_TAG;
      kv[k++] = db;
    }
    Map<String, String> tags = DecodeCache.SHARED.tagMap(kv, k);
    List<Metric> metrics = new ArrayList<>(line.fields().size());
    List<String> keys = new ArrayList<>(line.fields().size());
    String measurement = line.measurement();
    char[] name = null;
    for (LineProtocol.Field f : line.fields()) {
      if (f.type() == LineProtocol.FieldType.STRING && Double.isNaN(f.value())) {
        continue; // a string that is not a number: skipped, documented
      }
      String metricName;
      if (measurement.isEmpty()) {
        metricName = f.key();
      } else {
        int length = measurement.length() + 1 + f.key().length();
        if (name == null || name.length < length) {
          name = new char[Math.max(64, length)];
        }
        measurement.getChars(0, measurement.length(), name, 0);
        name[measurement.length()] = '_';
        f.key().getChars(0, f.key().length(), name, measurement.length() + 1);
        metricName = DecodeCache.SHARED.string(name, 0, length);
      }
      metrics.add(new Metric(metricName, f.value(), "", tags));
      keys.add(f.key());
    }
    if (metrics.isEmpty()) {
      return;
    }
    Instant at = line.epochNanos().map(n -> Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L),
        Math.floorMod(n, 1_000_000_000L))).orElse(now);
    MetricsData item = new MetricsData(at, METRIC_TYPE, metrics, SOURCE, Map.of());
    int number = line.number();
    write.offer(item, 1, field -> pathOf(number, field, keys));
  }

  /** A validator path ({@code metrics[2].value}, {@code timestamp}) as the line's element. */
  private static String pathOf(int line, String field, List<String> keys) {
    if (field.startsWith("metrics[")) {
      int close = field.indexOf(']');
      int index = Integer.parseInt(field.substring("metrics[".length(), close));
      String rest = field.substring(close + 1);
      if (rest.equals(".tags")) {
        return where(line, "tags");
      }
      if (rest.startsWith(".tags.")) {
        return where(line, "tag " + rest.substring(".tags.".length()));
      }
      return where(line, "field " + keys.get(index) + (rest.equals(".name") ? " (metric name)" : ""));
    }
    return where(line, field);
  }

  /**
   * 415 for bodies that are not line protocol: InfluxDB clients send {@code text/plain}, curl's
   * {@code --data-binary} sends {@code application/x-www-form-urlencoded}; JSON, protobuf and
   * charsets other than UTF-8 are refused, and so are encodings other than gzip.
   */
  private Optional<EndpointResponse> refuseContent(EndpointRequest r) {
    String encoding = r.header("Content-Encoding").orElse("").trim().toLowerCase(Locale.ROOT);
    if (!encoding.isEmpty() && !encoding.equals("identity") && !encoding.equals("gzip")) {
      return Optional.of(ErrorBody.response(415, ErrorBody.UNSUPPORTED_MEDIA_TYPE,
          "Content-Encoding '" + encoding + "' is not supported for line protocol; use gzip or none",
          Map.of("content_encoding", encoding), clock));
    }
    String type = r.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    String[] parts = type.split(";");
    String media = parts[0].trim();
    boolean known = media.isEmpty() || media.equals("text/plain") || media.equals("application/octet-stream")
        || media.equals("application/x-www-form-urlencoded");
    String charset = "";
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.startsWith("charset=")) {
        charset = p.substring("charset=".length()).replace("\"", "").trim();
      }
    }
    if (!known || !(charset.isEmpty() || charset.equals("utf-8") || charset.equals("us-ascii"))) {
      return Optional.of(ErrorBody.response(415, ErrorBody.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type must be text/plain; charset=utf-8 (InfluxDB line protocol), got '" + type + "'",
          Map.of("content_type", type), clock));
    }
    return Optional.empty();
  }
}
