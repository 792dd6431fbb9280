package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.metricspipeline.adapters.memory.Items.item;
import static org.metricspipeline.adapters.memory.Items.m;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.ExportFormat;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.EndpointRouter;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The dashboards' exports (svg, html, json, csv) and endpoints, over one hour of two hosts' data. */
class DashboardsTest {

  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final TimeRange LAST_HOUR = TimeRange.between(NOW.minus(Duration.ofHours(1)), NOW);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
  private final InMemoryVisualizationAdapter charts = InMemoryVisualizationAdapter.builder()
      .storage(storage).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  private final EndpointRouter router = EndpointRouter.of(charts.endpoints());
  private Dashboard dashboard;

  @BeforeEach
  void feedAnHourOfTwoHostsAndCreateOneChartOfEachType() {
    List<MetricsData> items = new ArrayList<>();
    long start = LAST_HOUR.startMillis();
    for (int i = 0; i < 360; i++) {
      long t = start + i * 10_000L;
      items.add(item(t, m("cpu", 10 + i % 7, "host", "a"), m("cpu", 30 + i % 5, "host", "b")));
    }
    storage.batchStore(items).join();
    dashboard = charts.createDashboard(new DashboardSpec("Hosts <&>", "two hosts", Map.of())).join();
    AggregationQuery byHost = AggregationQuery.builder("cpu", Aggregation.AVG).groupBy("host").build();
    for (VisualizationType type : VisualizationType.values()) {
      charts.createVisualization(dashboard.id(), VisualizationSpec.of("cpu " + type.wireName(), type,
          type == VisualizationType.BAR ? byHost.toBuilder().step(Duration.ofMinutes(1)).build() : byHost)).join();
    }
  }

  @AfterEach
  void close() {
    charts.close();
    storage.close();
  }

  /** Marks each chart type draws over the last hour: 2 hosts x 120 buckets of 30 s for lines, 60 bars of 1 m. */
  private static final Map<String, Integer> LAST_HOUR_POINTS = Map.of(
      "line", 240, "area", 240, "bar", 120, "pie", 2, "table", 2, "scalar", 1);

  private static Document xml(byte[] bytes) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
  }

  /** The data-points of each chart's root svg (an svg with data-type), by type. */
  private static Map<String, Integer> pointsByType(Document doc) {
    Map<String, Integer> points = new LinkedHashMap<>();
    NodeList svgs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
    for (int i = 0; i < svgs.getLength(); i++) {
      Element e = (Element) svgs.item(i);
      if (e.hasAttribute("data-type")) {
        points.put(e.getAttribute("data-type"), Integer.parseInt(e.getAttribute("data-points")));
      }
    }
    return points;
  }

  @Test
  void svgExportIsOneWellFormedImageWithEveryChartsMarks() throws Exception {
    byte[] svg = charts.exportDashboard(dashboard.id(), ExportFormat.SVG, LAST_HOUR).join();

    Document doc = xml(svg);
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(pointsByType(doc)).isEqualTo(LAST_HOUR_POINTS);
    NodeList paths = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path");
    int lineVertices = 0;
    for (int i = 0; i < paths.getLength(); i++) {
      Element p = (Element) paths.item(i);
      if (p.getAttribute("class").equals("series") && p.getParentNode().getAttributes().getNamedItem("data-type")
          .getNodeValue().equals("line")) {
        lineVertices += p.getAttribute("d").split("[ML]").length - 1;
      }
    }
    assertThat(lineVertices).as("vertices of the line chart's paths").isEqualTo(240);
    assertThat(new String(svg, StandardCharsets.UTF_8)).contains("Hosts &lt;&amp;&gt;");
  }

  @Test
  void htmlExportIsAStandaloneSnapshotWithNoExternalReference() throws Exception {
    byte[] html = charts.exportDashboard(dashboard.id(), ExportFormat.HTML, LAST_HOUR).join();

    Document doc = xml(html);
    assertThat(pointsByType(doc)).isEqualTo(LAST_HOUR_POINTS);
    assertThat(doc.getElementsByTagName("script").getLength()).isZero();
    assertThat(doc.getElementsByTagName("link").getLength()).isZero();
    assertThat(doc.getElementsByTagName("style").getLength()).isEqualTo(1);
    String text = new String(html, StandardCharsets.UTF_8);
    assertThat(text.replace("http://www.w3.org/", "")).doesNotContain("http:", "https:", "src=", "href=", "url(");
  }

  @Test
  void narrowerWindowsDrawFewerPoints() throws Exception {
    TimeRange last15 = TimeRange.between(NOW.minus(Duration.ofMinutes(15)), NOW);

    Map<String, Integer> points = pointsByType(xml(charts.exportDashboard(dashboard.id(), ExportFormat.SVG, last15).join()));

    // 15 minutes: 10 s buckets for lines (90 per host), the bar chart's own 1 m step (15 per host)
    assertThat(points).containsEntry("line", 180).containsEntry("area", 180).containsEntry("bar", 30)
        .containsEntry("pie", 2).containsEntry("scalar", 1);
  }

  @Test
  void jsonExportOverAWindowHoldsTheDefinitionAndTheResolvedData() throws Exception {
    JsonNode json = JSON.readTree(charts.exportDashboard(dashboard.id(), ExportFormat.JSON, LAST_HOUR).join());

    assertThat(json.at("/dashboard/name").asText()).isEqualTo("Hosts <&>");
    JsonNode line = json.at("/visualizations/0");
    assertThat(line.at("/type").asText()).isEqualTo("line");
    assertThat(line.at("/data/groups")).hasSize(2);
    assertThat(line.at("/data/groups/0/buckets")).hasSize(120);
    JsonNode scalar = json.at("/visualizations/5");
    assertThat(scalar.at("/type").asText()).isEqualTo("scalar");
    assertThat(scalar.at("/data/groups")).hasSize(1);
    assertThat(scalar.at("/data/groups/0/buckets/0/count").asLong()).isEqualTo(720);
  }

  @Test
  void csvExportHasOneRowPerDrawnBucket() {
    String csv = new String(charts.exportDashboard(dashboard.id(), ExportFormat.CSV, LAST_HOUR).join(),
        StandardCharsets.UTF_8);

    // header + line 240 + area 240 + bar 120 + pie 2 + table 2 + scalar 1
    assertThat(csv.split("\r\n")).hasSize(1 + 240 + 240 + 120 + 2 + 2 + 1);
  }

  @Test
  void offersEveryFormatButXlsxWithAStorage() {
    assertThat(charts.exportFormats()).containsExactlyInAnyOrder(
        ExportFormat.JSON, ExportFormat.CSV, ExportFormat.SVG, ExportFormat.HTML);
    assertThatThrownBy(() -> InMemoryVisualizationAdapter.create().endpoints())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(".storage(");
  }

  private EndpointResponse get(String path, Map<String, List<String>> query, Map<String, String> headers) {
    return router.dispatch(new EndpointRequest("GET", path, Map.of(), query, headers, new byte[0], "")).join();
  }

  private EndpointResponse get(String path, String... queryPairs) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (int i = 0; i < queryPairs.length; i += 2) {
      query.put(queryPairs[i], List.of(queryPairs[i + 1]));
    }
    return get(path, query, Map.of());
  }

  @Test
  void listPageLinksEveryDashboard() {
    EndpointResponse r = get("/dashboards");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(r.bodyText()).contains("href=\"dashboards/dashboard-1\"", "Hosts &lt;&amp;&gt;", "6 charts");
  }

  @Test
  void dashboardPageHasAContainerPerChartAndLoadsOnlyItsOwnAssets() {
    EndpointResponse r = get("/dashboards/" + dashboard.id());

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("script-src 'self'", "connect-src 'self'"));
    assertThat(r.bodyText()).contains("src=\"assets/dashboard.js?v=", "href=\"assets/dashboard.css?v=",
        "data-chart-id=\"visualization-6\"", "data-range=\"15m\"", "data-range=\"custom\"",
        "data-refresh-millis=\"10000\"");
    assertThat(get("/dashboards/dashboard-9").status()).isEqualTo(404);
  }

  @Test
  void assetsCarryTheirTypeAndAnEtagThatRevalidates() {
    EndpointResponse js = get("/dashboards/assets/dashboard.js");

    assertThat(js.status()).isEqualTo(200);
    assertThat(js.header("Content-Type")).contains("text/javascript; charset=utf-8");
    assertThat(js.header("Cache-Control")).contains("public, max-age=3600");
    String etag = js.header("ETag").orElseThrow();
    assertThat(get("/dashboards/assets/dashboard.js", Map.of(), Map.of("If-None-Match", etag)).status()).isEqualTo(304);
    String version = etag.replace("\"", "");
    assertThat(get("/dashboards/assets/dashboard.js", "v", version).header("Cache-Control"))
        .contains("public, max-age=31536000, immutable");
    assertThat(get("/dashboards/" + dashboard.id()).bodyText()).contains("assets/dashboard.js?v=" + version);
    assertThat(get("/dashboards/assets/dashboard.css").header("Content-Type")).contains("text/css; charset=utf-8");
    assertThat(get("/dashboards/assets/secret.txt").status()).isEqualTo(404);
  }

  @Test
  void dataEndpointAnswersEachChartsSeriesAndPointCountForTheWindow() throws Exception {
    JsonNode hour = JSON.readTree(get("/api/v1/dashboards/" + dashboard.id() + "/data", "range", "1h").body());
    JsonNode quarter = JSON.readTree(get("/api/v1/dashboards/" + dashboard.id() + "/data",
        "start", NOW.minus(Duration.ofMinutes(15)).toString(), "end", NOW.toString()).body());

    assertThat(hour.at("/range/start").asText()).isEqualTo("2024-05-01T11:00:00Z");
    assertThat(hour.at("/charts/0/points").asInt()).isEqualTo(240);
    assertThat(hour.at("/charts/0/step_millis").asLong()).isEqualTo(30_000);
    assertThat(hour.at("/charts/0/series/0/points")).hasSize(120);
    assertThat(hour.at("/charts/0/y/ticks").size()).isBetween(3, 8);
    assertThat(quarter.at("/charts/0/points").asInt()).isEqualTo(180);
    assertThat(quarter.at("/charts/1/type").asText()).isEqualTo("bar");
    assertThat(quarter.at("/charts/1/points").asInt()).isEqualTo(30);
  }

  @Test
  void dataEndpointRejectsABadWindowNamingTheParameter() throws Exception {
    EndpointResponse bad = get("/api/v1/dashboards/" + dashboard.id() + "/data", "range", "soon");
    EndpointResponse reversed = get("/api/v1/dashboards/" + dashboard.id() + "/data",
        "start", NOW.toString(), "end", NOW.minusSeconds(60).toString());

    assertThat(bad.status()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).at("/error/details/errors/0/field").asText()).isEqualTo("range");
    assertThat(reversed.status()).isEqualTo(400);
    assertThat(reversed.bodyText()).contains("must be after start");
    assertThat(get("/api/v1/dashboards/dashboard-9/data").status()).isEqualTo(404);
  }

  @Test
  void exportEndpointAnswersEachFormatWithItsContentType() {
    for (Map.Entry<String, String> e : Map.of("json", "application/json", "csv", "text/csv; charset=utf-8",
        "svg", "image/svg+xml", "html", "text/html; charset=utf-8").entrySet()) {
      EndpointResponse r = get("/api/v1/dashboards/" + dashboard.id() + "/export", "format", e.getKey(), "range", "1h");
      assertThat(r.status()).as(e.getKey()).isEqualTo(200);
      assertThat(r.header("Content-Type")).as(e.getKey()).contains(e.getValue());
      assertThat(r.header("Content-Disposition")).contains("attachment; filename=\"dashboard-1." + e.getKey() + "\"");
    }
    EndpointResponse pdf = get("/api/v1/dashboards/" + dashboard.id() + "/export", "format", "pdf");
    assertThat(pdf.status()).isEqualTo(400);
    assertThat(pdf.bodyText()).contains("\"field\":\"format\"", "unknown export format 'pdf'");
    EndpointResponse xlsx = get("/api/v1/dashboards/" + dashboard.id() + "/export", "format", "xlsx");
    assertThat(xlsx.status()).isEqualTo(400);
    assertThat(xlsx.bodyText()).contains("xlsx is not supported here; supported: csv, html, json, svg");
  }
}
