package org.metricspipeline.adapters.metabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.metricspipeline.adapters.metabase.internal.ClickHouseSql;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.ExportFormat;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.NotFoundException;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetabaseVisualizationAdapterTest {

  static final String CH_PASSWORD = "ch-Secret-2718";
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  FakeMetabase fake;
  MetabaseVisualizationAdapter adapter;
  final List<Throwable> failures = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    fake = new FakeMetabase();
  }

  @AfterEach
  void stop() throws IOException {
    if (adapter != null) {
      adapter.close();
    }
    fake.close();
    assertThat(fake.violations()).as("requests the facts do not allow").isEmpty();
    for (Throwable t : failures) {
      assertNoSecrets(String.valueOf(t.getMessage()));
    }
  }

  MetabaseVisualizationAdapter.Builder base() {
    return unauthenticated().credentials(FakeMetabase.USER, FakeMetabase.PASSWORD);
  }

  MetabaseVisualizationAdapter.Builder keyed(String key) {
    return unauthenticated().apiKey(key);
  }

  MetabaseVisualizationAdapter.Builder unauthenticated() {
    return MetabaseVisualizationAdapter.builder().url(fake.url())
        .clickHouseHost("clickhouse.internal").clickHousePort(8123).clickHouseUser("metabase")
        .clickHousePassword(CH_PASSWORD).clickHouseDatabase("metrics")
        .retryBackoff(Duration.ZERO).clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  MetabaseVisualizationAdapter adapter() {
    adapter = base().build();
    return adapter;
  }

  /** The exception a future completed with (recorded so that @AfterEach checks it for secrets). */
  Throwable failure(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (CompletionException e) {
      failures.add(e.getCause());
      return e.getCause();
    }
    throw new AssertionError("expected the call to fail");
  }

  void assertNoSecrets(String text) {
    assertThat(text).doesNotContain(FakeMetabase.PASSWORD).doesNotContain(FakeMetabase.API_KEY)
        .doesNotContain(CH_PASSWORD);
    for (String session : sessionIds()) {
      assertThat(text).doesNotContain(session);
    }
  }

  List<String> sessionIds() {
    List<String> ids = new ArrayList<>();
    for (RecordedRequest r : fake.requests()) {
      if (r.getHeader("X-Metabase-Session") != null) {
        ids.add(r.getHeader("X-Metabase-Session"));
      }
    }
    return ids;
  }

  static VisualizationSpec cpuLine() {
    return new VisualizationSpec("CPU by host", VisualizationType.LINE,
        AggregationQuery.builder("cpu_usage", Aggregation.AVG).metricType("system")
            .between(Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z"))
            .tag("dc", "eu-1").groupBy("host").step(Duration.ofMinutes(1)).build(),
        "average CPU per host", Map.of("owner", "ops"));
  }

  static JsonNode body(RecordedRequest r) throws IOException {
    return JSON.readTree(r.getBody().clone().readUtf8());
  }

  RecordedRequest request(String call) {
    List<RecordedRequest> found = requests(call);
    assertThat(found).as("requests " + call).isNotEmpty();
    return found.get(found.size() - 1);
  }

  List<RecordedRequest> requests(String call) {
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r : fake.requests()) {
      if ((r.getMethod() + " " + r.getPath()).equals(call)) {
        out.add(r);
      }
    }
    return out;
  }

  // --- connect, authentication, the ClickHouse database ---

  @Test
  void connectLogsInAndRegistersTheClickHouseDatabase() throws IOException {
    adapter().connect().join();

    assertThat(fake.calls()).containsExactly("POST /api/session", "GET /api/database", "POST /api/database");
    JsonNode login = body(request("POST /api/session"));
    assertThat(login.path("username").asText()).isEqualTo(FakeMetabase.USER);
    assertThat(login.path("password").asText()).isEqualTo(FakeMetabase.PASSWORD);
    JsonNode db = body(request("POST /api/database"));
    assertThat(db.path("name").asText()).isEqualTo(MetabaseVisualizationAdapter.DEFAULT_DATABASE_NAME);
    assertThat(db.path("engine").asText()).isEqualTo("clickhouse");
    assertThat(db.path("details").path("host").asText()).isEqualTo("clickhouse.internal");
    assertThat(db.path("details").path("port").asInt()).isEqualTo(8123);
    assertThat(db.path("details").path("user").asText()).isEqualTo("metabase");
    assertThat(db.path("details").path("password").asText()).isEqualTo(CH_PASSWORD);
    assertThat(db.path("details").path("dbname").asText()).isEqualTo("metrics");
    assertThat(request("GET /api/database").getHeader("X-Metabase-Session")).isNotBlank();
    assertThat(adapter.metabaseDatabaseId()).contains(fake.databases.keySet().iterator().next());
  }

  @Test
  void connectFindsAnExistingClickHouseDatabaseByName() {
    long id = fake.addDatabase(MetabaseVisualizationAdapter.DEFAULT_DATABASE_NAME, "clickhouse");
    fake.addDatabase("Sample Database", "h2");

    adapter().connect().join();

    assertThat(fake.calls()).containsExactly("POST /api/session", "GET /api/database");
    assertThat(adapter.metabaseDatabaseId()).contains(id);
  }

  @Test
  void aDatabaseOfTheSameNameWithAnotherEngineIsAConfigurationError() {
    fake.addDatabase("Metrics", "postgres");
    adapter = base().databaseName("Metrics").build();

    assertThat(failure(adapter.connect())).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'Metrics'").hasMessageContaining("postgres").hasMessageContaining("database-name");
  }

  @Test
  void anApiKeyIsSentAsXApiKeyAndNoSessionIsOpened() {
    adapter = keyed(FakeMetabase.API_KEY).build();
    fake.addDatabase(MetabaseVisualizationAdapter.DEFAULT_DATABASE_NAME, "clickhouse");

    adapter.connect().join();
    adapter.createDashboard(DashboardSpec.named("Keyed")).join();

    assertThat(fake.calls()).containsExactly("GET /api/user/current", "GET /api/database", "POST /api/dashboard");
    for (RecordedRequest r : fake.requests()) {
      assertThat(r.getHeader("x-api-key")).isEqualTo(FakeMetabase.API_KEY);
      assertThat(r.getHeader("X-Metabase-Session")).isNull();
    }
  }

  @Test
  void aRejectedApiKeyIsAConfigurationErrorNamingTheCall() {
    adapter = keyed("mb_wrong-key").build();

    Throwable e = failure(adapter.connect());

    assertThat(e).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("GET /api/user/current").hasMessageContaining("API key")
        .hasMessageContaining("401").hasMessageContaining("Unauthenticated").hasMessageNotContaining("mb_wrong-key");
  }

  @Test
  void aWrongPasswordIsAConfigurationErrorWithoutThePassword() {
    adapter = unauthenticated().credentials(FakeMetabase.USER, "not-the-Password").build();

    Throwable e = failure(adapter.connect());

    assertThat(e).isInstanceOf(ConfigurationException.class).hasMessageContaining("POST /api/session")
        .hasMessageContaining(FakeMetabase.USER).hasMessageContaining("did not match stored password")
        .hasMessageNotContaining("not-the-Password");
  }

  @Test
  void aThrottledLoginIsAnOverloadWithMetabasesWait() {
    fake.throttleLogins = true;

    Throwable e = failure(adapter().connect());

    assertThat(e).isInstanceOf(OverloadedException.class).hasMessageContaining("POST /api/session")
        .hasMessageContaining("Too many attempts");
    assertThat(((OverloadedException) e).retryAfter()).isEqualTo(Duration.ofSeconds(42));
    assertThat(fake.logins).as("a login is never retried").isEqualTo(1);
  }

  @Test
  void registeringTheDatabaseWithoutSuperuserRightsIsAConfigurationError() {
    fake.superuser = false;

    Throwable e = failure(adapter().connect());

    assertThat(e).isInstanceOf(ConfigurationException.class).hasMessageContaining("POST /api/database")
        .hasMessageContaining("403").hasMessageContaining("You don't have permissions to do that.")
        .hasMessageContaining("superuser");
  }

  @Test
  void clickHouseDetailsMetabaseCannotConnectWithAreAConfigurationError() {
    fake.refuseClickHouseConnection = true;

    Throwable e = failure(adapter().connect());

    assertThat(e).isInstanceOf(ConfigurationException.class).hasMessageContaining("POST /api/database")
        .hasMessageContaining("clickhouse.internal:8123").hasMessageContaining("Connection refused")
        .hasMessageContaining("host: check your host settings");
  }

  // --- sessions that expire ---

  @Test
  void anExpiredSessionIsRenewedOnceAndTheCallRepeated() throws IOException {
    adapter().connect().join();
    fake.expireSessions();

    Dashboard d = adapter.createDashboard(DashboardSpec.named("After expiry")).join();

    assertThat(d.name()).isEqualTo("After expiry");
    assertThat(fake.calls().subList(3, fake.calls().size()))
        .containsExactly("POST /api/dashboard", "POST /api/session", "POST /api/dashboard");
    List<RecordedRequest> posts = requests("POST /api/dashboard");
    assertThat(posts.get(1).getHeader("X-Metabase-Session"))
        .isNotEqualTo(posts.get(0).getHeader("X-Metabase-Session"));
    assertThat(fake.dashboards).hasSize(1);
  }

  @Test
  void aSecond401RightAfterLoggingInAgainIsAClearError() {
    fake.sessionsExpireAtOnce = true;

    Throwable e = failure(adapter().connect());

    assertThat(e).isInstanceOf(ConfigurationException.class).hasMessageContaining("GET /api/database")
        .hasMessageContaining("401").hasMessageContaining("again right after a fresh login");
    assertThat(fake.logins).isEqualTo(2);
    assertThat(fake.calls()).containsExactly("POST /api/session", "GET /api/database", "POST /api/session",
        "GET /api/database");
  }

  // --- dashboards ---

  @Test
  void createDashboardPostsNameAndDescription() throws IOException {
    Dashboard d = adapter().createDashboard(new DashboardSpec("Hosts", "all hosts", Map.of())).join();

    JsonNode body = body(request("POST /api/dashboard"));
    assertThat(body.path("name").asText()).isEqualTo("Hosts");
    assertThat(body.path("description").asText()).isEqualTo("all hosts");
    assertThat(d.id()).isEqualTo(Long.toString(fake.dashboards.keySet().iterator().next()));
    assertThat(d.spec().description()).isEqualTo("all hosts");
  }

  @Test
  void anEmptyDescriptionIsLeftOut() throws IOException {
    adapter().createDashboard(DashboardSpec.named("Plain")).join();

    assertThat(body(request("POST /api/dashboard")).has("description")).isFalse();
  }

  @Test
  void aValidationErrorNamesTheCallAndTheField() {
    fake.answerNext("POST /api/dashboard", FakeMetabase.json(400,
        "{\"errors\":{\"name\":\"value must be a non-blank string.\"},"
            + "\"specific-errors\":{\"name\":[\"should be a string, received: nil\"]}}"));

    Throwable e = failure(adapter().createDashboard(DashboardSpec.named("x")));

    assertThat(e).isExactlyInstanceOf(MetricsPipelineException.class).hasMessageContaining("POST /api/dashboard")
        .hasMessageContaining("400").hasMessageContaining("name: value must be a non-blank string.");
  }

  @Test
  void getDashboardsListsTheUnarchivedOnes() {
    adapter();
    Dashboard a = adapter.createDashboard(new DashboardSpec("A", "first", Map.of())).join();
    Dashboard b = adapter.createDashboard(DashboardSpec.named("B")).join();
    fake.dashboards.get(Long.parseLong(b.id())).put("archived", true);

    List<Dashboard> list = adapter.getDashboards().join();

    assertThat(list).containsExactly(new Dashboard(a.id(), new DashboardSpec("A", "first", Map.of())));
    assertThat(fake.calls()).contains("GET /api/dashboard?f=all");
  }

  @Test
  void aRemovedEndpointSaysTheVersionLacksIt() {
    fake.answerNext("GET /api/dashboard?f=all", FakeMetabase.plain(404, "API endpoint does not exist."));

    Throwable e = failure(adapter().getDashboards());

    assertThat(e).isExactlyInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("GET /api/dashboard?f=all").hasMessageContaining("API endpoint does not exist.")
        .hasMessageContaining("does not have the endpoint");
  }

  // --- visualizations ---

  @Test
  void createVisualizationPostsANativeSqlCardAndPlacesIt() throws IOException {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("Hosts")).join();

    Visualization v = adapter.createVisualization(d.id(), cpuLine()).join();

    JsonNode card = body(request("POST /api/card"));
    assertThat(card.path("name").asText()).isEqualTo("CPU by host");
    assertThat(card.path("display").asText()).isEqualTo("line");
    assertThat(card.path("type").asText()).isEqualTo("question");
    assertThat(card.path("description").asText()).isEqualTo("average CPU per host");
    JsonNode query = card.path("dataset_query");
    assertThat(query.path("type").asText()).isEqualTo("native");
    assertThat(query.path("database").asLong()).isEqualTo(adapter.metabaseDatabaseId().orElseThrow());
    assertThat(query.path("native").path("query").asText())
        .isEqualTo(ClickHouseSql.chart(cpuLine().query(), VisualizationType.LINE, "metrics", "metrics").sql());
    assertThat(query.path("native").path("template-tags").isObject()).isTrue();
    assertThat(card.path("visualization_settings").path("graph.dimensions"))
        .containsExactly(JSON.getNodeFactory().textNode("time"), JSON.getNodeFactory().textNode("host"));
    assertThat(card.path("visualization_settings").path("graph.metrics"))
        .containsExactly(JSON.getNodeFactory().textNode("value"));

    JsonNode put = body(request("PUT /api/dashboard/" + d.id()));
    assertThat(put.path("dashcards")).hasSize(1);
    JsonNode dc = put.path("dashcards").get(0);
    assertThat(dc.path("id").asInt()).isNegative();
    assertThat(dc.path("card_id").asText()).isEqualTo(v.id());
    assertThat(List.of(dc.path("row").asInt(), dc.path("col").asInt(), dc.path("size_x").asInt(),
        dc.path("size_y").asInt())).containsExactly(0, 0, 12, 6);
    assertThat(v.dashboardId()).isEqualTo(d.id());
    assertThat(v.spec()).isEqualTo(cpuLine());
    assertThat(fake.calls()).containsSubsequence("GET /api/dashboard/" + d.id(), "POST /api/card",
        "PUT /api/dashboard/" + d.id());
  }

  @Test
  void laterCardsFillTheGridAndTheExistingOnesAreSentBack() throws IOException {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("Grid")).join();
    adapter.createVisualization(d.id(), cpuLine()).join();
    adapter.createVisualization(d.id(), cpuLine()).join();
    adapter.createVisualization(d.id(), VisualizationSpec.of("Total", VisualizationType.SCALAR,
        AggregationQuery.builder("requests", Aggregation.SUM).build())).join();

    JsonNode last = body(request("PUT /api/dashboard/" + d.id())).path("dashcards");
    assertThat(last).hasSize(3);
    assertThat(last.get(0).path("id").asLong()).isPositive();
    assertThat(last.get(1).path("id").asLong()).isPositive();
    assertThat(last.get(0).has("card_id")).isTrue();
    assertThat(List.of(last.get(1).path("row").asInt(), last.get(1).path("col").asInt())).containsExactly(0, 12);
    JsonNode added = last.get(2);
    assertThat(added.path("id").asInt()).isNegative();
    assertThat(List.of(added.path("row").asInt(), added.path("col").asInt(), added.path("size_x").asInt(),
        added.path("size_y").asInt())).containsExactly(6, 0, 6, 4);
    assertThat(fake.dashboards.get(Long.parseLong(d.id())).withArray("dashcards")).hasSize(3);
  }

  @Test
  void onATabbedDashboardTheCardGoesOnTheFirstTabBelowWhatIsThere() throws IOException {
    long id = fake.dashboardWithTabAndText();
    adapter();

    adapter.createVisualization(Long.toString(id), cpuLine()).join();

    JsonNode put = body(request("PUT /api/dashboard/" + id));
    assertThat(put.path("tabs").get(0).path("id").asInt()).isEqualTo(77);
    JsonNode text = put.path("dashcards").get(0);
    assertThat(text.path("card_id").isNull()).isTrue();
    assertThat(text.path("visualization_settings").path("text").asText()).isEqualTo("# Heading");
    JsonNode added = put.path("dashcards").get(1);
    assertThat(added.path("dashboard_tab_id").asInt()).isEqualTo(77);
    assertThat(added.path("row").asInt()).isEqualTo(2);
  }

  @Test
  void aChartOnAnUnknownDashboardIsNotFoundAndCreatesNoCard() {
    adapter();

    assertThat(failure(adapter.createVisualization("999", cpuLine()))).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no dashboard with id '999'").hasMessageContaining("GET /api/dashboard/999")
        .hasMessageContaining("Not found.");
    assertThat(failure(adapter.createVisualization("abc", cpuLine()))).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'abc'");
    assertThat(fake.calls()).doesNotContain("POST /api/card");
    assertThat(fake.cards).isEmpty();
  }

  @Test
  void whenPlacingFailsTheNewCardIsDeletedAgain() {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("Broken")).join();
    fake.answerNext("PUT /api/dashboard/" + d.id(), FakeMetabase.json(500,
        "{\"message\":\"boom\",\"via\":[],\"trace\":[]}"));

    Throwable e = failure(adapter.createVisualization(d.id(), cpuLine()));

    assertThat(e).isInstanceOf(MetricsPipelineException.class).hasMessageContaining("PUT /api/dashboard/" + d.id())
        .hasMessageContaining("500").hasMessageContaining("boom").hasMessageContaining("deleted again");
    assertThat(fake.calls()).anyMatch(c -> c.startsWith("DELETE /api/card/"));
    assertThat(fake.cards).isEmpty();
    assertThat(requests("PUT /api/dashboard/" + d.id())).as("500 is not retried").hasSize(1);
  }

  @Test
  void aMissingPermissionOnCardsIsAConfigurationError() {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("No rights")).join();
    fake.answerNext("POST /api/card", FakeMetabase.plain(403, "You don't have permissions to do that."));

    assertThat(failure(adapter.createVisualization(d.id(), cpuLine()))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("POST /api/card").hasMessageContaining("You don't have permissions to do that.");
  }

  @Test
  void getVisualizationsGivesBackTheSpecsOfTheCardsThisLibraryMade() {
    long id = fake.dashboardWithTabAndText();
    adapter();
    VisualizationSpec pie = VisualizationSpec.of("Share", VisualizationType.PIE,
        AggregationQuery.builder("requests", Aggregation.COUNT).groupBy("route", "status").build());
    Visualization a = adapter.createVisualization(Long.toString(id), cpuLine()).join();
    Visualization b = adapter.createVisualization(Long.toString(id), pie).join();

    List<Visualization> list = adapter.getVisualizations(Long.toString(id)).join();

    assertThat(list).containsExactly(a, b);
    assertThat(failure(adapter.getVisualizations("4242"))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void cardsFromMetabasesUiAreLeftOutOfTheVisualizations() {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("Mixed")).join();
    Visualization ours = adapter.createVisualization(d.id(), cpuLine()).join();
    fake.foreignCardOn(Long.parseLong(d.id()));

    assertThat(adapter.getVisualizations(d.id()).join()).containsExactly(ours);
  }

  @Test
  void theCardGoesIntoTheDashboardsCollection() throws IOException {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("In a collection")).join();
    fake.dashboards.get(Long.parseLong(d.id())).put("collection_id", 5);

    adapter.createVisualization(d.id(), cpuLine()).join();

    assertThat(body(request("POST /api/card")).path("collection_id").asInt()).isEqualTo(5);
  }

  @Test
  void chartsAddedAtTheSameTimeAllLandWithoutOverlapping() {
    adapter = base().threads(4).build();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("Busy")).join();

    List<CompletableFuture<Visualization>> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(adapter.createVisualization(d.id(), cpuLine()));
    }
    all.forEach(CompletableFuture::join);

    JsonNode dashcards = fake.dashboards.get(Long.parseLong(d.id())).withArray("dashcards");
    assertThat(dashcards).hasSize(6);
    List<String> spots = new ArrayList<>();
    dashcards.forEach(dc -> spots.add(dc.path("row").asInt() + "/" + dc.path("col").asInt()));
    assertThat(spots).doesNotHaveDuplicates();
  }

  @Test
  void anOldMetabaseWithOrderedCardsIsNamed() {
    adapter();
    fake.answerNext("GET /api/dashboard/5", FakeMetabase.json(200, "{\"id\":5,\"name\":\"Old\",\"ordered_cards\":[]}"));

    assertThat(failure(adapter.getVisualizations("5"))).isExactlyInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("GET /api/dashboard/5").hasMessageContaining("ordered_cards")
        .hasMessageContaining("0.47");
  }

  // --- export ---

  @Test
  void exportAsJsonHoldsTheDefinitionAndEveryCardsRows() throws IOException {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("Export")).join();
    Visualization v = adapter.createVisualization(d.id(), cpuLine()).join();
    fake.foreignCardOn(Long.parseLong(d.id()));

    JsonNode out = JSON.readTree(adapter.exportDashboard(d.id(), ExportFormat.JSON).join());

    assertThat(out.path("dashboard").path("id").asText()).isEqualTo(d.id());
    assertThat(out.path("dashboard").path("dashcards")).hasSize(2);
    assertThat(out.path("exported_at").asText()).isEqualTo(NOW.toString());
    JsonNode card = out.path("cards").get(0);
    assertThat(out.path("cards")).hasSize(2);
    assertThat(out.path("cards").get(1).path("results").get(0).path("count").asInt()).isEqualTo(7);
    assertThat(card.path("card_id").asText()).isEqualTo(v.id());
    assertThat(card.path("name").asText()).isEqualTo("CPU by host");
    assertThat(card.path("results").get(1).path("value").asDouble()).isEqualTo(2.5);
    JsonNode query = body(request("POST /api/card/" + v.id() + "/query/json"));
    assertThat(query.path("parameters").isArray()).isTrue();
    assertThat(query.path("format_rows").asBoolean(true)).isFalse();
  }

  @Test
  void exportAsCsvPutsEveryCardInOneTable() {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("Export")).join();
    Visualization a = adapter.createVisualization(d.id(), cpuLine()).join();
    Visualization b = adapter.createVisualization(d.id(), VisualizationSpec.of("Total",
        VisualizationType.SCALAR, AggregationQuery.builder("requests", Aggregation.SUM).build())).join();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("value", 42);
    fake.results(Long.parseLong(b.id()), List.of(row));

    String csv = new String(adapter.exportDashboard(d.id(), ExportFormat.CSV).join(), StandardCharsets.UTF_8);

    assertThat(csv.split("\r\n")).containsExactly("card_id,card_name,time,host,value",
        a.id() + ",CPU by host,2026-11-23T10:00:00Z,web-1,1.5",
        a.id() + ",CPU by host,2026-11-23T10:01:00Z,web-1,2.5",
        b.id() + ",Total,,,42");
    assertThat(fake.calls()).contains("POST /api/card/" + a.id() + "/query/csv", "POST /api/card/" + b.id() + "/query/csv");
  }

  @Test
  void exportAsXlsxHasOneSheetPerCard() throws IOException {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("Export")).join();
    adapter.createVisualization(d.id(), cpuLine()).join();
    adapter.createVisualization(d.id(), cpuLine()).join();

    byte[] xlsx = adapter.exportDashboard(d.id(), ExportFormat.XLSX).join();

    Map<String, String> entries = unzip(xlsx);
    assertThat(entries).containsKeys("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml");
    assertThat(entries.get("xl/workbook.xml")).contains("name=\"CPU by host\"", "name=\"CPU by host (2)\"");
    assertThat(entries.get("xl/worksheets/sheet1.xml")).contains(">web-1<", "<v>2.5</v>");
  }

  @Test
  void oneCardExportsExactlyAsMetabaseMakesIt() {
    adapter();
    Dashboard d = adapter.createDashboard(DashboardSpec.named("Card")).join();
    Visualization v = adapter.createVisualization(d.id(), cpuLine()).join();

    byte[] xlsx = adapter.exportCard(v.id(), ExportFormat.XLSX).join();

    assertThat(xlsx).startsWith('P', 'K', 3, 4, 1, 2, 3);
    assertThat(fake.calls()).contains("POST /api/card/" + v.id() + "/query/xlsx");
    assertThat(failure(adapter.exportCard("31337", ExportFormat.CSV))).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("POST /api/card/31337/query/csv");
  }

  @Test
  void imageFormatsAreRefusedNamingTheSupportedOnes() {
    adapter();

    assertThat(adapter.exportFormats()).containsExactlyInAnyOrder(ExportFormat.JSON, ExportFormat.CSV, ExportFormat.XLSX);
    assertThat(failure(adapter.exportDashboard("1", ExportFormat.SVG))).isExactlyInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("svg").hasMessageContaining("supported: csv, json, xlsx");
    assertThat(failure(adapter.exportDashboard("77", ExportFormat.JSON))).isInstanceOf(NotFoundException.class);
  }

  static Map<String, String> unzip(byte[] zip) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  // --- health ---

  @Test
  void healthFollowsApiHealthWithoutAuthentication() {
    adapter();

    HealthCheckResult ok = adapter.healthCheck().join();
    fake.health = "initializing";
    HealthCheckResult starting = adapter.healthCheck().join();
    fake.health = "broken";
    HealthCheckResult broken = adapter.healthCheck().join();

    assertThat(ok.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(ok.details()).containsEntry("status", "ok").containsEntry("url", fake.url());
    assertThat(starting.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(starting.details()).containsEntry("progress", 0.3);
    assertThat(broken.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(broken.details().get("reason").toString()).contains("GET /api/health")
        .contains("Unable to get app-db connection");
    assertThat(fake.calls()).containsOnly("GET /api/health");
    assertThat(fake.requests()).allMatch(r -> r.getHeader("X-Metabase-Session") == null);
  }

  @Test
  void anUnreachableMetabaseIsUnhealthyNotAFailure() throws IOException {
    adapter();
    fake.close();

    HealthCheckResult result = adapter.healthCheck().join();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(result.details().get("reason").toString()).contains("GET /api/health").contains("did not answer");
  }

  // --- retries and timeouts ---

  @Test
  void aGetIsRetriedAfterA503() {
    adapter();
    fake.answerNext("GET /api/dashboard?f=all", FakeMetabase.plain(503, "Service Unavailable"));

    assertThat(adapter.getDashboards().join()).isEmpty();
    assertThat(requests("GET /api/dashboard?f=all")).hasSize(2);
  }

  @Test
  void aGetIsRetriedAfterADroppedConnection() {
    adapter();
    fake.answerNext("GET /api/dashboard?f=all", new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));

    assertThat(adapter.getDashboards().join()).isEmpty();
  }

  @Test
  void aGetGivesUpAfterMaxRetries() {
    adapter = base().maxRetries(1).build();
    fake.answerNext("GET /api/dashboard?f=all", FakeMetabase.plain(503, "Service Unavailable"));
    fake.answerNext("GET /api/dashboard?f=all", FakeMetabase.plain(503, "Service Unavailable"));

    assertThat(failure(adapter.getDashboards())).hasMessageContaining("GET /api/dashboard?f=all")
        .hasMessageContaining("503 Service Unavailable");
    assertThat(requests("GET /api/dashboard?f=all")).hasSize(2);
  }

  @Test
  void aPostIsNeverRetried() {
    adapter().connect().join();
    fake.answerNext("POST /api/dashboard", FakeMetabase.plain(503, "Service Unavailable"));
    fake.answerNext("POST /api/dashboard", new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));

    assertThat(failure(adapter.createDashboard(DashboardSpec.named("once")))).hasMessageContaining("503");
    assertThat(failure(adapter.createDashboard(DashboardSpec.named("twice")))).hasMessageContaining("did not answer");
    assertThat(requests("POST /api/dashboard")).hasSize(2);
  }

  @Test
  void aSlowAnswerTimesOutWithTheCallNamed() {
    adapter = base().readTimeout(Duration.ofMillis(100)).maxRetries(0).build();
    fake.answerNext("GET /api/dashboard?f=all", FakeMetabase.json(200, "[]").setHeadersDelay(2, java.util.concurrent.TimeUnit.SECONDS));

    assertThat(failure(adapter.getDashboards())).isInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("GET /api/dashboard?f=all").hasMessageContaining("did not answer in time")
        .hasMessageContaining("read timeout 100 ms");
  }

  // --- lifecycle, bounds and secrets ---

  @Test
  void closeLogsOutAndLaterCallsFail() {
    adapter().connect().join();
    String session = request("GET /api/database").getHeader("X-Metabase-Session");

    adapter.close();

    assertThat(request("DELETE /api/session").getHeader("X-Metabase-Session")).isEqualTo(session);
    assertThat(failure(adapter.getDashboards())).hasMessageContaining("closed");
    assertThat(adapter.healthCheck().join().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void callsBeyondTheQueueAreRefused() {
    adapter = base().threads(1).maxQueuedCalls(1).build();
    java.util.concurrent.CountDownLatch login = fake.hold("POST /api/session");

    CompletableFuture<Void> running = adapter.connect();      // takes the only thread, waits for the login
    CompletableFuture<List<Dashboard>> queued = adapter.getDashboards();   // waits in the queue
    CompletableFuture<List<Dashboard>> refused = adapter.getDashboards();
    login.countDown();

    assertThat(failure(refused)).isInstanceOf(OverloadedException.class).hasMessageContaining("max-queued-calls");
    running.join();
    assertThat(queued.join()).isEmpty();
  }

  @Test
  void secretsNeverShowInToStringOrMessages() {
    adapter();
    fake.answerNext("POST /api/dashboard", FakeMetabase.plain(500,
        "error for " + FakeMetabase.PASSWORD + " and " + CH_PASSWORD));

    Throwable e = failure(adapter.createDashboard(DashboardSpec.named("leak")));

    assertThat(e.getMessage()).contains("***");
    assertNoSecrets(adapter.toString());
    assertThat(adapter.toString()).contains(fake.url()).contains(FakeMetabase.USER);
    MetabaseVisualizationAdapter keyed = keyed(FakeMetabase.API_KEY).build();
    assertNoSecrets(keyed.toString());
    keyed.close();
  }

  @Test
  void theBuilderNamesTheBadOption() {
    assertThatThrownBy(() -> MetabaseVisualizationAdapter.builder().url("ftp://x")).hasMessageContaining("url");
    assertThatThrownBy(() -> MetabaseVisualizationAdapter.builder().url("http://u:p@host"))
        .hasMessageContaining("must not carry credentials");
    assertThatThrownBy(() -> MetabaseVisualizationAdapter.builder().url("http://h").build())
        .hasMessageContaining("credentials(username, password) or apiKey(key)");
    assertThatThrownBy(() -> MetabaseVisualizationAdapter.builder().credentials("a", "b").build())
        .hasMessageContaining("url is required");
    assertThatThrownBy(() -> MetabaseVisualizationAdapter.builder().url("http://h").credentials("a", "b")
        .apiKey("k").build()).hasMessageContaining("not both");
    assertThatThrownBy(() -> base().clickHousePort(0)).hasMessageContaining("clickHousePort");
    assertThatThrownBy(() -> base().clickHouseTable("metrics; DROP")).hasMessageContaining("clickHouseTable");
    assertThatThrownBy(() -> base().connectTimeout(Duration.ZERO)).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> base().maxRetries(11)).hasMessageContaining("maxRetries");
    assertThatThrownBy(() -> base().threads(0)).hasMessageContaining("threads");
  }
}
