package org.metricspipeline.adapters.memory.internal.dashboard;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.function.Function;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.ExportFormat;
import org.metricspipeline.api.NotFoundException;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.ErrorBody;
import org.metricspipeline.core.http.HttpEndpoint;

/**
 * The dashboards' HTTP endpoints, on core's framework-neutral contract:
 *
 * <ul>
 *   <li>{@code GET /dashboards}: the list page; {@code GET /dashboards/{id}}: a dashboard page
 *   <li>{@code GET /dashboards/assets/{file}}: its stylesheet and script (ETag; cached for good
 *       under the versioned address {@code ?v=} the pages link, else for an hour)
 *   <li>{@code GET /api/v1/dashboards}: the list as JSON
 *   <li>{@code GET /api/v1/dashboards/{id}/data?range=1h} or {@code ?start=&end=}: every chart's
 *       data over that window, as {@link ChartData#writeJson} writes it
 *   <li>{@code GET /api/v1/dashboards/{id}/export?format=json|csv|svg|html[&range=|&start=&end=]}
 * </ul>
 */
public final class DashboardEndpoints {

  /** The window of the data endpoint when none is asked for. */
  public static final String DEFAULT_RANGE = "1h";
  /** The longest window the data and export endpoints accept. */
  public static final Duration MAX_RANGE = Duration.ofDays(400);

  private static final JsonFactory JSON = new JsonFactory();
  private static final String HTML = "text/html; charset=utf-8";
  private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** What the endpoints read: the adapter's dashboards, charts, data and exports. */
  public interface Backend {
    /** Every dashboard. */
    CompletableFuture<List<Dashboard>> dashboards();

    /** A dashboard's charts; fails with {@link NotFoundException} for an unknown id. */
    CompletableFuture<List<Visualization>> visualizations(String dashboardId);

    /** A dashboard's charts' data over the window (each chart's own range when empty). */
    CompletableFuture<List<ChartData>> chartData(String dashboardId, Optional<TimeRange> window);

    /** The formats {@link #export} supports. */
    Set<ExportFormat> formats();

    /** An export over the window (each chart's own range when empty). */
    CompletableFuture<byte[]> export(String dashboardId, ExportFormat format, Optional<TimeRange> window);
  }

  private final Backend backend;
  private final Clock clock;
  private final Duration refresh;

  /** Endpoints over a backend; {@code refresh} is how often pages reload their data. */
  public DashboardEndpoints(Backend backend, Clock clock, Duration refresh) {
    this.backend = backend;
    this.clock = clock;
    this.refresh = refresh;
  }

  /** The endpoints, to mount on any server. */
  public List<HttpEndpoint> endpoints() {
    return List.of(
        get("/dashboards", this::listPage),
        get("/dashboards/{dashboard_id}", this::dashboardPage),
        get("/dashboards/assets/{file}", this::asset),
        get("/api/v1/dashboards", this::listJson),
        get("/api/v1/dashboards/{dashboard_id}/data", this::data),
        get("/api/v1/dashboards/{dashboard_id}/export", this::export));
  }

  private static HttpEndpoint get(String pattern,
      Function<EndpointRequest, CompletableFuture<EndpointResponse>> handler) {
    return HttpEndpoint.of("GET", pattern, EndpointKind.GENERAL, handler);
  }

  private CompletableFuture<EndpointResponse> listPage(EndpointRequest request) {
    return withCounts().thenApply(counts -> page(200,
        DashboardPages.list(counts.dashboards(), counts.charts())));
  }

  private CompletableFuture<EndpointResponse> dashboardPage(EndpointRequest request) {
    String id = request.pathParam("dashboard_id").orElseThrow();
    return backend.dashboards().thenCompose(all -> {
      Optional<Dashboard> d = all.stream().filter(x -> x.id().equals(id)).findFirst();
      if (d.isEmpty()) {
        return CompletableFuture.completedFuture(page(404, DashboardPages.notFound(id)));
      }
      return backend.visualizations(id).thenApply(charts ->
          page(200, DashboardPages.page(d.get(), charts, refresh, DEFAULT_RANGE)));
    });
  }

  private CompletableFuture<EndpointResponse> asset(EndpointRequest request) {
    String name = request.pathParam("file").orElseThrow();
    Optional<Assets.Asset> asset = Assets.get(name);
    if (asset.isEmpty()) {
      return CompletableFuture.completedFuture(ErrorBody.response(404, ErrorBody.NOT_FOUND,
          "no dashboard asset '" + name + "'", Map.of(), clock));
    }
    Assets.Asset a = asset.get();
    boolean fresh = request.header("If-None-Match").map(h -> h.contains(a.etag())).orElse(false);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", a.contentType());
    // pages link file?v=<version>: that address never changes content; others revalidate hourly
    boolean versioned = request.queryParam("v").map(v -> v.equals(Assets.version(name))).orElse(false);
    headers.put("Cache-Control", versioned ? "public, max-age=31536000, immutable" : "public, max-age=3600");
    headers.put("ETag", a.etag());
    headers.put("X-Content-Type-Options", "nosniff");
    return CompletableFuture.completedFuture(fresh
        ? new EndpointResponse(304, headers, new byte[0]) : new EndpointResponse(200, headers, a.body()));
  }

  private CompletableFuture<EndpointResponse> listJson(EndpointRequest request) {
    return withCounts().thenApply(counts -> json(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("dashboards");
      for (Dashboard d : counts.dashboards()) {
        g.writeStartObject();
        g.writeStringField("id", d.id());
        g.writeStringField("name", d.name());
        g.writeStringField("description", d.spec().description());
        g.writeNumberField("visualizations", counts.charts().getOrDefault(d.id(), 0));
        g.writeStringField("page", "/dashboards/" + d.id());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }));
  }

  private CompletableFuture<EndpointResponse> data(EndpointRequest request) {
    String id = request.pathParam("dashboard_id").orElseThrow();
    TimeRange window;
    try {
      window = window(request, clock).orElseGet(() -> relative(DEFAULT_RANGE, clock));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(ErrorBody.invalidField(field(e), e.getMessage(), clock));
    }
    return backend.dashboards().thenCompose(all -> {
      Dashboard d = all.stream().filter(x -> x.id().equals(id)).findFirst()
          .orElseThrow(() -> new CompletionException(new NotFoundException("no dashboard with id '" + id + "'")));
      return backend.chartData(id, Optional.of(window)).thenApply(charts -> json(g -> {
        g.writeStartObject();
        g.writeObjectFieldStart("dashboard");
        g.writeStringField("id", d.id());
        g.writeStringField("name", d.name());
        g.writeStringField("description", d.spec().description());
        g.writeEndObject();
        g.writeObjectFieldStart("range");
        g.writeStringField("start", window.start().orElseThrow().toString());
        g.writeStringField("end", window.end().orElseThrow().toString());
        g.writeEndObject();
        g.writeStringField("generated_at", clock.instant().toString());
        g.writeNumberField("refresh_millis", refresh.toMillis());
        g.writeArrayFieldStart("charts");
        for (ChartData c : charts) {
          c.writeJson(g);
        }
        g.writeEndArray();
        g.writeEndObject();
      }));
    });
  }

  private CompletableFuture<EndpointResponse> export(EndpointRequest request) {
    String id = request.pathParam("dashboard_id").orElseThrow();
    ExportFormat format;
    Optional<TimeRange> window;
    try {
      String name = request.queryParam("format")
          .orElseThrow(() -> new IllegalArgumentException("format: is required (json, csv, svg or html)"));
      try {
        format = ExportFormat.fromWireName(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("format: " + e.getMessage(), e);
      }
      if (!backend.formats().contains(format)) {
        throw new IllegalArgumentException("format: " + format.wireName() + " is not supported here; supported: "
            + backend.formats().stream().map(ExportFormat::wireName).sorted().collect(Collectors.joining(", ")));
      }
      window = window(request, clock);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(ErrorBody.invalidField(field(e), e.getMessage(), clock));
    }
    return backend.export(id, format, window).thenApply(body -> {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", contentType(format));
      headers.put("Content-Disposition", "attachment; filename=\"" + id + "." + format.wireName() + "\"");
      headers.put("Cache-Control", "no-store");
      headers.put("X-Content-Type-Options", "nosniff");
      return new EndpointResponse(200, headers, body);
    });
  }

  /** The Content-Type of an export format. */
  public static String contentType(ExportFormat format) {
    return switch (format) {
      case JSON -> EndpointResponse.JSON;
      case CSV -> "text/csv; charset=utf-8";
      case SVG -> "image/svg+xml";
      case HTML -> HTML;
      case XLSX -> "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    };
  }

  /**
   * The window a request asks for: {@code range} (a duration such as {@code 15m}, {@code 6h},
   * {@code 7d}, ending now) or {@code start} and {@code end} (ISO-8601 instants or epoch
   * milliseconds); empty when it asks for neither.
   *
   * @throws IllegalArgumentException naming the parameter at fault, as {@code range: ...}
   */
  static Optional<TimeRange> window(EndpointRequest request, Clock clock) {
    Optional<String> range = request.queryParam("range");
    Optional<String> start = request.queryParam("start");
    Optional<String> end = request.queryParam("end");
    if (range.isPresent()) {
      if (start.isPresent() || end.isPresent()) {
        throw new IllegalArgumentException("range: give either range or start and end, not both");
      }
      return Optional.of(relative(range.get(), clock));
    }
    if (start.isEmpty() && end.isEmpty()) {
      return Optional.empty();
    }
    if (start.isEmpty() || end.isEmpty()) {
      throw new IllegalArgumentException((start.isEmpty() ? "start" : "end") + ": start and end go together");
    }
    Instant s = instant("start", start.get());
    Instant e = instant("end", end.get());
    if (!s.isBefore(e)) {
      throw new IllegalArgumentException("end: must be after start (" + s + "), got " + e);
    }
    if (Duration.between(s, e).compareTo(MAX_RANGE) > 0) {
      throw new IllegalArgumentException("end: the window may span at most " + MAX_RANGE.toDays() + " days");
    }
    return Optional.of(TimeRange.between(s, e));
  }

  private static TimeRange relative(String text, Clock clock) {
    Duration d;
    try {
      d = AdapterConfig.parseDuration("range", text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("range: must be a duration such as 15m, 1h, 6h or 7d, got '" + text + "'");
    }
    if (d.toMillis() < 1000 || d.compareTo(MAX_RANGE) > 0) {
      throw new IllegalArgumentException("range: must be between 1s and " + MAX_RANGE.toDays() + "d, got '" + text + "'");
    }
    // whole seconds: readable windows, and equal answers for requests within the same second
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    return TimeRange.between(now.minus(d), now);
  }

  private static Instant instant(String name, String text) {
    try {
      return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(text)) : Instant.parse(text);
    } catch (DateTimeException | NumberFormatException e) {
      throw new IllegalArgumentException(name + ": must be an ISO-8601 instant or epoch milliseconds, got '" + text + "'");
    }
  }

  private static String field(IllegalArgumentException e) {
    String m = String.valueOf(e.getMessage());
    int colon = m.indexOf(':');
    return colon > 0 && m.indexOf(' ') > colon ? m.substring(0, colon) : "";
  }

  private record Counts(List<Dashboard> dashboards, Map<String, Integer> charts) {}

  private CompletableFuture<Counts> withCounts() {
    return backend.dashboards().thenCompose(all -> {
      List<CompletableFuture<List<Visualization>>> futures = new ArrayList<>();
      for (Dashboard d : all) {
        futures.add(backend.visualizations(d.id()).exceptionally(t -> List.of()));
      }
      return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(unused -> {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
          counts.put(all.get(i).id(), futures.get(i).join().size());
        }
        return new Counts(all, counts);
      });
    });
  }

  private static EndpointResponse page(int status, String html) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", HTML);
    headers.put("Cache-Control", "no-store");
    headers.put("Content-Security-Policy", PAGE_POLICY);
    headers.put("X-Content-Type-Options", "nosniff");
    return new EndpointResponse(status, headers, html.getBytes(StandardCharsets.UTF_8));
  }

  private interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  private static EndpointResponse json(JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return EndpointResponse.json(200, out.toByteArray()).withHeader("Cache-Control", "no-store");
  }
}
