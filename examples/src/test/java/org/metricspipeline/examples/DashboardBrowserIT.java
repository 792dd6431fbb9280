package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.examples.QuickStartServer.ServeOptions;
import org.metricspipeline.testkit.MutableClock;

/**
 * The quick start's dashboard in headless Chromium: every chart draws as many marks as the data
 * endpoint says, the time-range picker changes them, nothing is fetched from anywhere but the
 * server, the page fits a phone's width. Screenshots go to {@code target/dashboard-*.png}.
 *
 * <p>The server runs in-process on a clock the test moves: it starts at 12:02:00 (the synthetic hour
 * is 11:00 to 12:00 UTC), the guard's collector runs at 12:02:00, 12:02:15 and 12:02:30 so the
 * guard's charts have data, and "now" stays 12:02:30, so the browser's and this test's requests for
 * the same window get the same answer (the collector's own schedule, should it run meanwhile, adds
 * points at 12:02:30 only: no new bucket, and no rate for a series seen at one instant).
 */
class DashboardBrowserIT {

  private static final Instant START = Instant.parse("2024-05-01T12:02:00Z");
  private static final int COLLECTIONS = 3;
  private static final Path TARGET = Path.of(System.getProperty("project.build.directory", "target"));
  private static final Duration PAGE_WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * Per chart: the data-points of its svg and the marks actually in it (vertices of line/area paths,
   * bars, slices, table rows, a scalar's value), keyed by chart id.
   */
  private static final String DRAWN = "JSON.stringify(Object.fromEntries([...document.querySelectorAll('section.chart')]"
      + ".map(s => { const svg = s.querySelector('svg[data-points]'); if (!svg) return [s.dataset.chartId, null];"
      + " const t = svg.dataset.type; let marks;"
      + " if (t === 'line' || t === 'area') marks = [...svg.querySelectorAll('path.series')]"
      + ".reduce((n, p) => n + (p.getAttribute('d').match(/[ML]/g) || []).length, 0);"
      + " else if (t === 'bar') marks = svg.querySelectorAll('g.series rect').length;"
      + " else if (t === 'pie') marks = svg.querySelectorAll('.slice').length;"
      + " else if (t === 'table') marks = svg.querySelectorAll('g.row').length;"
      + " else marks = [...svg.querySelectorAll('text.scalar')].filter(x => x.textContent !== '\u2013').length;"
      + " return [s.dataset.chartId, {type: t, points: +svg.dataset.points, marks: marks}]; })))";

  private QuickStartServer server;
  private HeadlessChromium chromium;
  private final List<String> requested = new CopyOnWriteArrayList<>();
  private final List<String> pageErrors = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    HeadlessChromium.binary(); // skip or fail before starting anything
    MutableClock clock = new MutableClock(START);
    server = QuickStartServer.start(ServeOptions.parse(
        new String[] {"--port", "0", "--rate-limits", "off", "--data-dir", "none"}, clock));
    // the collector as its schedule runs it, each time after a point ingested through the API (for
    // the guard's "items stored" and "HTTP requests by path" charts)
    HttpRequest ingest = HttpRequest.newBuilder(server.uri().resolve("/metrics/ingest"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"metric_name\":\"room_temperature\",\"value\":21.5}")).build();
    for (int i = 0; i < COLLECTIONS; i++) {
      if (i > 0) {
        clock.advance(QuickStartServer.COLLECTOR_INTERVAL);
      }
      assertThat(HTTP.send(ingest, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      server.collectGuardMetrics();
    }
    chromium = HeadlessChromium.launch(TARGET.resolve("chromium"));
    chromium.onEvent(e -> {
      switch (e.path("method").asText()) {
        case "Network.requestWillBeSent" -> requested.add(e.at("/params/request/url").asText());
        case "Runtime.exceptionThrown" -> pageErrors.add(e.at("/params/exceptionDetails").toString());
        case "Log.entryAdded" -> {
          if (e.at("/params/entry/level").asText().equals("error")) {
            pageErrors.add(e.at("/params/entry/text").asText());
          }
        }
        default -> { }
      }
    });
    chromium.call("Network.enable", Map.of());
    chromium.call("Runtime.enable", Map.of());
    chromium.call("Log.enable", Map.of());
  }

  @AfterEach
  void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Map<String, JsonNode> drawn() throws Exception {
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    JSON.readTree(chromium.evaluate(DRAWN).asText()).fields().forEachRemaining(e -> byId.put(e.getKey(), e.getValue()));
    return byId;
  }

  /** Points per chart id, as the data endpoint answers for a query string. */
  private Map<String, Integer> expected(String query) throws Exception {
    URI uri = URI.create(server.uri() + "/api/v1/dashboards/dashboard-1/data?" + query);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
    Map<String, Integer> points = new LinkedHashMap<>();
    for (JsonNode chart : JSON.readTree(r.body()).get("charts")) {
      points.put(chart.get("id").asText(), chart.get("points").asInt());
    }
    return points;
  }

  private void awaitLoaded(String query) {
    chromium.awaitTrue("document.getElementById('dashboard').dataset.loadedQuery === " + JSON.valueToTree(query),
        PAGE_WAIT, "charts drawn for " + query);
  }

  /** Checks every chart drew what the endpoint says; returns points per chart id. */
  private Map<String, Integer> assertDrawnAsTheEndpointSays(String query) throws Exception {
    Map<String, JsonNode> drawn = drawn();
    Map<String, Integer> expected = expected(query);
    assertThat(drawn.keySet()).as("charts on the page").containsExactlyElementsOf(expected.keySet());
    Map<String, Integer> points = new LinkedHashMap<>();
    drawn.forEach((id, chart) -> {
      assertThat(chart).as("%s drew an svg", id).isNotNull();
      assertThat(chart.get("points").asInt()).as("%s (%s) data-points for %s", id, chart.get("type"), query)
          .isEqualTo(expected.get(id));
      assertThat(chart.get("marks").asInt()).as("%s (%s) marks in the svg", id, chart.get("type"))
          .isEqualTo(expected.get(id));
      points.put(id, chart.get("points").asInt());
    });
    return points;
  }

  @Test
  void eachChartDrawsTheEndpointsPointsAndThePickerChangesThem() throws Exception {
    chromium.navigate(server.dashboardUri());
    awaitLoaded("range=1h");
    Map<String, Integer> hour = assertDrawnAsTheEndpointSays("range=1h");
    chromium.screenshot(TARGET.resolve("dashboard-1h.png"));

    assertThat(hour.values()).as("every chart has data: the synthetic hour, the guard's collections")
        .allMatch(n -> n > 0);
    assertThat(hour).hasSize(QuickStartDashboard.charts().size());
    // line charts: 4 hosts x 30 s buckets; the hour of data ends 2.5 minutes before "now"
    assertThat(hour.get("visualization-1")).isEqualTo(4 * 115);

    chromium.click("button[data-range='15m']");
    awaitLoaded("range=15m");
    Map<String, Integer> quarter = assertDrawnAsTheEndpointSays("range=15m");
    chromium.screenshot(TARGET.resolve("dashboard-15m.png"));

    assertThat(quarter.get("visualization-1")).as("cpu line, last 15 min: 10 s buckets up to 12:00")
        .isEqualTo(4 * 75);
    assertThat(quarter.get("visualization-3")).as("request bars, 5 min each").isLessThan(hour.get("visualization-3"));
    assertThat(chromium.evaluate("document.querySelector(\"button[data-range='15m']\").getAttribute('aria-pressed')")
        .asText()).isEqualTo("true");

    chromium.click("button[data-range='6h']");
    awaitLoaded("range=6h");
    Map<String, Integer> six = assertDrawnAsTheEndpointSays("range=6h");
    assertThat(six.get("visualization-1")).as("cpu line, last 6 h: 5 min buckets").isEqualTo(4 * 12);

    chromium.click("button[data-range='custom']");
    chromium.evaluate("(() => { const f = document.getElementById('range-picker');"
        + " f.elements.start.value = '2024-05-01T11:30'; f.elements.end.value = '2024-05-01T11:40'; })()");
    chromium.click("button.apply");
    String custom = "start=" + URLEncoder.encode("2024-05-01T11:30:00.000Z", StandardCharsets.UTF_8)
        + "&end=" + URLEncoder.encode("2024-05-01T11:40:00.000Z", StandardCharsets.UTF_8);
    awaitLoaded(custom);
    Map<String, Integer> tenMinutes = assertDrawnAsTheEndpointSays(custom);
    assertThat(tenMinutes.get("visualization-1")).as("cpu line, custom 10 min: 10 s buckets").isEqualTo(4 * 60);

    // data: URLs are Chromium's own (the date inputs' calendar icon), not network requests
    assertThat(requested).as("every request goes to the server itself").isNotEmpty()
        .allMatch(url -> url.startsWith(server.uri() + "/") || url.startsWith("data:"))
        .noneMatch(url -> url.endsWith("/favicon.ico"));
    assertThat(pageErrors).as("script errors on the page").isEmpty();
  }

  @Test
  void refreshesByItselfAndShowsChartsAddedWhileOpen() throws Exception {
    chromium.navigate(server.dashboardUri());
    awaitLoaded("range=1h");
    int loads = chromium.evaluate("+document.getElementById('dashboard').dataset.loads").asInt();

    String added = server.charts().createVisualization("dashboard-1", VisualizationSpec.of(
        "Memory, all hosts", VisualizationType.SCALAR,
        AggregationQuery.builder(SyntheticMetrics.MEMORY,
            Aggregation.MAX).build())).join().id();

    // the next automatic refresh (every 10 s by default) brings the new chart
    chromium.awaitTrue("+document.getElementById('dashboard').dataset.loads > " + loads
        + " && !!document.querySelector(\"section[data-chart-id='" + added + "'] svg[data-points='1']\")",
        PAGE_WAIT, "the page refreshed and drew the chart added after it opened");
    assertDrawnAsTheEndpointSays("range=1h");
  }

  @Test
  void fitsAPhoneScreenWithoutSidewaysScrolling() throws Exception {
    chromium.call("Emulation.setDeviceMetricsOverride", Map.of("width", 390, "height", 844,
        "deviceScaleFactor", 2, "mobile", true));
    chromium.navigate(server.dashboardUri());
    awaitLoaded("range=1h");

    assertThat(chromium.evaluate("document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
        .as("no horizontal overflow at 390 px").isTrue();
    assertThat(chromium.evaluate("Math.round(document.querySelector('section.chart svg').getBoundingClientRect().width)")
        .asInt()).as("a chart spans the phone's width").isBetween(300, 390);
    chromium.screenshot(TARGET.resolve("dashboard-phone.png"));
    assertThat(Files.size(TARGET.resolve("dashboard-phone.png"))).isPositive();
  }

  @Test
  void listPageLinksTheQuickStartDashboard() throws Exception {
    chromium.navigate(URI.create(server.uri() + "/dashboards"));
    chromium.click("ul.dashboard-list a");
    chromium.awaitTrue("location.pathname === '/dashboards/dashboard-1'", PAGE_WAIT, "the link opens the dashboard");
    awaitLoaded("range=1h");
    assertThat(chromium.evaluate("document.querySelectorAll('section.chart svg[data-points]').length").asInt())
        .isEqualTo(QuickStartDashboard.charts().size());
  }
}
