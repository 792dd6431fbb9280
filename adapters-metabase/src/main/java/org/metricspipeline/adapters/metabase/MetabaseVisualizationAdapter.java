package org.metricspipeline.adapters.metabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import org.metricspipeline.adapters.metabase.internal.Cards;
import org.metricspipeline.adapters.metabase.internal.ClickHouseSql;
import org.metricspipeline.adapters.metabase.internal.Exports;
import org.metricspipeline.adapters.metabase.internal.GridLayout;
import org.metricspipeline.adapters.metabase.internal.MetabaseClient;
import org.metricspipeline.adapters.metabase.internal.MetabaseClient.Reply;
import org.metricspipeline.adapters.metabase.internal.Threads;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.ExportFormat;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.NotFoundException;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.VisualizationSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charts in Metabase: dashboards, and cards with native ClickHouse SQL generated from each
 * visualization's query, over the table the ClickHouse storage adapter writes.
 *
 * <pre>{@code
 * try (MetabaseVisualizationAdapter metabase = MetabaseVisualizationAdapter.builder()
 *     .url("http://metabase:3000").credentials("admin@example.com", password)
 *     .clickHouseHost("clickhouse").clickHouseDatabase("metrics").build()) {
 *   Dashboard d = metabase.createDashboard(DashboardSpec.named("Hosts")).join();
 *   metabase.createVisualization(d.id(), VisualizationSpec.of("CPU", VisualizationType.LINE,
 *       AggregationQuery.builder("cpu_usage", Aggregation.AVG).groupBy("host")
 *           .step(Duration.ofMinutes(1)).build())).join();
 * }
 * }</pre>
 *
 * <p>What each method calls (Metabase's REST API, shapes as in the project's Metabase facts):
 * <ul>
 *   <li>{@link #connect()}: {@code POST /api/session} (or, with an API key, {@code GET
 *       /api/user/current}), then finds the ClickHouse database by name in {@code GET /api/database}
 *       or registers it with {@code POST /api/database} (engine {@code clickhouse}; needs a
 *       superuser). Other methods connect on first use.
 *   <li>{@link #createDashboard}: {@code POST /api/dashboard}; {@link #getDashboards()}: {@code GET
 *       /api/dashboard?f=all} (archived ones left out).
 *   <li>{@link #createVisualization}: {@code GET /api/dashboard/:id}, {@code POST /api/card} (native
 *       SQL, {@code display}, {@code graph.dimensions}/{@code graph.metrics}), then {@code PUT
 *       /api/dashboard/:id} with the existing dashcards and the new one (negative id), placed at the
 *       first free spot of the 24-column grid. If placing fails, the new card is deleted again.
 *       Calls for one dashboard are serialized within this adapter; other writers to the same
 *       dashboard at the same moment can still race (Metabase replaces the whole dashcard list).
 *   <li>{@link #getVisualizations}: the dashcards of {@code GET /api/dashboard/:id} whose card this
 *       library created (the spec is kept in the card's {@code visualization_settings}); other cards
 *       are left out. Visualization ids are Metabase card ids.
 *   <li>{@link #exportDashboard}: JSON (the dashboard as Metabase returns it, plus each card's rows
 *       from {@code POST /api/card/:id/query/json}), CSV (every card's {@code /query/csv} in one
 *       table) or XLSX (one sheet per card, from {@code /query/json}). {@link #exportCard} returns
 *       one card's export exactly as Metabase makes it (csv, json or xlsx).
 *   <li>{@link #healthCheck()}: {@code GET /api/health} (no authentication).
 * </ul>
 *
 * <p>Errors complete the future with: {@link ConfigurationException} (bad credentials, missing
 * permission, unusable ClickHouse details), {@link NotFoundException} (unknown dashboard or card),
 * {@link OverloadedException} (login throttled by Metabase, or too many calls queued here), else
 * {@link MetricsPipelineException}; every message names the Metabase call. An expired session is
 * renewed once, transparently. GET and PUT are retried after I/O errors and 502/503/504; POST and
 * DELETE never are. The password, API key, session token and ClickHouse password never appear in
 * logs, {@link #toString()} or exception messages.
 *
 * <p>Calls run on the adapter's own bounded pool ({@code metrics-metabase-call-N}), shut down by
 * {@link #close()}, which also logs the session out.
 */
public final class MetabaseVisualizationAdapter implements VisualizationAdapter {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "metabase";
  /** Default name of the ClickHouse database in Metabase. */
  public static final String DEFAULT_DATABASE_NAME = "Metrics Pipeline";
  /** Default ClickHouse host, as Metabase reaches it. */
  public static final String DEFAULT_CLICKHOUSE_HOST = "localhost";
  /** Default ClickHouse HTTP port. */
  public static final int DEFAULT_CLICKHOUSE_PORT = 8123;
  /** Default ClickHouse user. */
  public static final String DEFAULT_CLICKHOUSE_USER = "default";
  /** Default ClickHouse database (the ClickHouse storage adapter's default). */
  public static final String DEFAULT_CLICKHOUSE_DATABASE = "metrics";
  /** Default ClickHouse table (the ClickHouse storage adapter's). */
  public static final String DEFAULT_CLICKHOUSE_TABLE = "metrics";
  /** Default TCP connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Default read/write inactivity timeout (card exports run queries). */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
  /** Default whole-call timeout. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(2);
  /** Default retries of an idempotent call. */
  public static final int DEFAULT_MAX_RETRIES = 2;
  /** Default wait before the first retry (doubled per retry). */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(500);
  /** Default number of threads making calls. */
  public static final int DEFAULT_THREADS = 2;
  /** Default number of calls that may wait for a thread. */
  public static final int DEFAULT_MAX_QUEUED_CALLS = 256;

  private static final Logger LOG = LoggerFactory.getLogger(MetabaseVisualizationAdapter.class);
  private static final Set<ExportFormat> FORMATS = Set.of(ExportFormat.JSON, ExportFormat.CSV, ExportFormat.XLSX);

  private final MetabaseClient client;
  private final String databaseName;
  private final String clickHouseHost;
  private final int clickHousePort;
  private final String clickHouseUser;
  private final String clickHousePassword;
  private final String clickHouseDatabase;
  private final String clickHouseTable;
  private final Clock clock;
  private final ThreadPoolExecutor executor;
  private final Map<Long, Object> dashboardLocks = new ConcurrentHashMap<>();
  private final Object databaseLock = new Object();
  private volatile Long databaseId;
  private volatile boolean closed;

  private MetabaseVisualizationAdapter(Builder b) {
    this.databaseName = b.databaseName;
    this.clickHouseHost = b.clickHouseHost;
    this.clickHousePort = b.clickHousePort;
    this.clickHouseUser = b.clickHouseUser;
    this.clickHousePassword = b.clickHousePassword;
    this.clickHouseDatabase = b.clickHouseDatabase;
    this.clickHouseTable = b.clickHouseTable;
    this.clock = b.clock;
    this.client = new MetabaseClient(new MetabaseClient.Settings(b.url, b.auth, b.connectTimeout,
        b.readTimeout, b.callTimeout, b.maxRetries, b.retryBackoff, List.of(b.clickHousePassword)));
    this.executor = new ThreadPoolExecutor(b.threads, b.threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(b.maxQueuedCalls), Threads.factory("call"));
    this.executor.allowCoreThreadTimeOut(true);
  }

  /** A builder; {@link Builder#url}, and {@link Builder#credentials} or {@link Builder#apiKey}, are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Logs in (or checks the API key), then finds or registers the ClickHouse database. */
  @Override
  public CompletableFuture<Void> connect() {
    return submit(() -> {
      client.authenticate();
      databaseId();
      return null;
    });
  }

  /** The Metabase id of the ClickHouse database, once {@link #connect()} found or registered it. */
  public Optional<Long> metabaseDatabaseId() {
    return Optional.ofNullable(databaseId);
  }

  @Override
  public CompletableFuture<Dashboard> createDashboard(DashboardSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return submit(() -> {
      ObjectNode body = MetabaseClient.JSON.createObjectNode().put("name", spec.name());
      if (!spec.description().isBlank()) {
        body.put("description", spec.description());
      }
      JsonNode created = client.postJson("/api/dashboard", body);
      return new Dashboard(idOf("POST /api/dashboard", created), spec);
    });
  }

  @Override
  public CompletableFuture<Visualization> createVisualization(String dashboardId, VisualizationSpec spec) {
    Objects.requireNonNull(dashboardId, "dashboardId");
    Objects.requireNonNull(spec, "spec");
    return submit(() -> {
      long id = dashboardNumber(dashboardId);
      synchronized (dashboardLocks.computeIfAbsent(id, k -> new Object())) {
        return place(id, spec);
      }
    });
  }

  private Visualization place(long dashboardId, VisualizationSpec spec) {
    String path = "/api/dashboard/" + dashboardId;
    JsonNode dashboard = dashboard(dashboardId);
    ArrayNode existing = dashcards(path, dashboard);
    long database = databaseId();
    ClickHouseSql.Chart chart = ClickHouseSql.chart(spec.query(), spec.type(), clickHouseDatabase, clickHouseTable);
    JsonNode card = client.postJson("/api/card",
        Cards.cardBody(spec, chart, database, dashboard.get("collection_id")));
    long cardId = Long.parseLong(idOf("POST /api/card", card));
    try {
      JsonNode tabs = dashboard.path("tabs");
      JsonNode firstTab = tabs.isArray() && tabs.size() > 0 ? tabs.get(0).get("id") : null;
      ObjectNode body = MetabaseClient.JSON.createObjectNode();
      ArrayNode cards = body.putArray("dashcards");
      List<GridLayout.Cell> taken = new ArrayList<>();
      for (JsonNode dc : existing) {
        cards.add(resend(dc));
        if (firstTab == null || firstTab.equals(dc.get("dashboard_tab_id"))) {
          taken.add(new GridLayout.Cell(dc.path("row").asInt(), dc.path("col").asInt(),
              Math.max(1, dc.path("size_x").asInt()), Math.max(1, dc.path("size_y").asInt())));
        }
      }
      GridLayout.Cell cell = GridLayout.place(taken, Cards.sizeX(spec.type()), Cards.sizeY(spec.type()));
      ObjectNode added = cards.addObject();
      added.put("id", -1);
      added.put("card_id", cardId);
      added.put("row", cell.row());
      added.put("col", cell.col());
      added.put("size_x", cell.sizeX());
      added.put("size_y", cell.sizeY());
      added.putArray("series");
      added.putArray("parameter_mappings");
      added.putObject("visualization_settings");
      if (firstTab != null) {
        added.set("dashboard_tab_id", firstTab);
        ArrayNode sentTabs = body.putArray("tabs");
        for (JsonNode tab : tabs) {
          ObjectNode sent = sentTabs.addObject();
          sent.set("id", tab.get("id"));
          sent.put("name", tab.path("name").asText());
        }
      }
      JsonNode updated = client.putJson(path, body);
      boolean placed = false;
      for (JsonNode dc : dashcards("PUT " + path, updated)) {
        placed |= dc.path("card_id").asLong(-1) == cardId;
      }
      if (!placed) {
        throw new MetricsPipelineException("PUT " + path + ": Metabase answered without the new card " + cardId);
      }
    } catch (RuntimeException e) {
      try {
        client.delete("/api/card/" + cardId);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
        throw withContext(e, " (card " + cardId + " was created but could not be deleted again)");
      }
      throw withContext(e, " (card " + cardId + " created for it was deleted again)");
    }
    return new Visualization(Long.toString(cardId), Long.toString(dashboardId), spec);
  }

  private static ObjectNode resend(JsonNode dc) {
    ObjectNode out = MetabaseClient.JSON.createObjectNode();
    for (String field : List.of("id", "card_id", "row", "col", "size_x", "size_y", "series",
        "parameter_mappings", "visualization_settings", "dashboard_tab_id")) {
      if (dc.has(field)) {
        out.set(field, dc.get(field));
      }
    }
    return out;
  }

  private static RuntimeException withContext(RuntimeException e, String context) {
    if (e instanceof NotFoundException) {
      NotFoundException wrapped = new NotFoundException(e.getMessage() + context);
      wrapped.initCause(e);
      return wrapped;
    }
    return e instanceof ConfigurationException
        ? new ConfigurationException(e.getMessage() + context, e)
        : new MetricsPipelineException(e.getMessage() + context, e);
  }

  @Override
  public CompletableFuture<List<Dashboard>> getDashboards() {
    return submit(() -> {
      JsonNode list = client.getJson("/api/dashboard?f=all");
      if (!list.isArray()) {
        throw new MetricsPipelineException("GET /api/dashboard?f=all: Metabase answered "
            + list.getNodeType() + ", expected a JSON array of dashboards");
      }
      List<Dashboard> out = new ArrayList<>();
      for (JsonNode d : list) {
        if (d.path("archived").asBoolean(false)) {
          continue;
        }
        out.add(new Dashboard(d.path("id").asText(), new DashboardSpec(d.path("name").asText(),
            d.path("description").isTextual() ? d.path("description").asText() : "", Map.of())));
      }
      return List.copyOf(out);
    });
  }

  @Override
  public CompletableFuture<List<Visualization>> getVisualizations(String dashboardId) {
    Objects.requireNonNull(dashboardId, "dashboardId");
    return submit(() -> {
      long id = dashboardNumber(dashboardId);
      List<Visualization> out = new ArrayList<>();
      for (JsonNode dc : cardsOf(id)) {
        Optional<VisualizationSpec> spec = Cards.specOf(dc.path("card"));
        spec.ifPresent(s -> out.add(new Visualization(dc.path("card_id").asText(), Long.toString(id), s)));
      }
      return List.copyOf(out);
    });
  }

  /** The dashcards of a dashboard that show a card (not text or heading cards), oldest first. */
  private List<JsonNode> cardsOf(long dashboardId) {
    return cardsOf(dashboardId, dashboard(dashboardId));
  }

  /** {@link #cardsOf(long)} of an already fetched dashboard. */
  private static List<JsonNode> cardsOf(long dashboardId, JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode dc : dashcards("GET /api/dashboard/" + dashboardId, dashboard)) {
      if (dc.path("card_id").isIntegralNumber()) {
        out.add(dc);
      }
    }
    out.sort(Comparator.comparingLong(dc -> dc.path("id").asLong()));
    return out;
  }

  @Override
  public CompletableFuture<byte[]> exportDashboard(String dashboardId, ExportFormat format) {
    Objects.requireNonNull(dashboardId, "dashboardId");
    Objects.requireNonNull(format, "format");
    if (!FORMATS.contains(format)) {
      return CompletableFuture.failedFuture(unsupported(format));
    }
    return submit(() -> {
      long id = dashboardNumber(dashboardId);
      JsonNode dashboard = dashboard(id);
      List<JsonNode> cards = cardsOf(id, dashboard);
      return switch (format) {
        case JSON -> exportJson(dashboard, cards);
        case CSV -> Exports.unionCsv(cards.stream().map(dc -> new Exports.CardCsv(dc.path("card_id").asLong(),
            dc.path("card").path("name").asText(), cardExport(dc.path("card_id").asLong(), "csv"))).toList());
        default -> Exports.workbook(cards.stream().map(dc -> new Exports.CardRows(dc.path("card_id").asLong(),
            dc.path("card").path("name").asText(), cardRows(dc.path("card_id").asLong()))).toList());
      };
    });
  }

  private byte[] exportJson(JsonNode dashboard, List<JsonNode> cards) {
    ObjectNode out = MetabaseClient.JSON.createObjectNode();
    out.set("dashboard", dashboard);
    out.put("exported_at", clock.instant().toString());
    ArrayNode results = out.putArray("cards");
    for (JsonNode dc : cards) {
      long cardId = dc.path("card_id").asLong();
      ObjectNode entry = results.addObject();
      entry.put("dashcard_id", dc.path("id").asLong());
      entry.put("card_id", cardId);
      entry.put("name", dc.path("card").path("name").asText());
      entry.put("display", dc.path("card").path("display").asText());
      entry.set("results", cardRows(cardId));
    }
    try {
      return MetabaseClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out);
    } catch (java.io.IOException e) {
      throw new MetricsPipelineException("could not write the dashboard export", e);
    }
  }

  private JsonNode cardRows(long cardId) {
    String path = "/api/card/" + cardId + "/query/json";
    try {
      JsonNode rows = MetabaseClient.JSON.readTree(cardExport(cardId, "json"));
      if (rows == null || !rows.isArray()) {
        throw new MetricsPipelineException("POST " + path + ": Metabase answered with "
            + (rows == null ? "nothing" : rows.getNodeType()) + ", expected a JSON array of rows");
      }
      return rows;
    } catch (java.io.IOException e) {
      throw new MetricsPipelineException("POST " + path + ": Metabase answered with a body that is not JSON", e);
    }
  }

  /**
   * One card's results exactly as Metabase exports them: {@code POST /api/card/:id/query/:format}
   * with {@code {"parameters":[],"format_rows":false,"pivot_results":false}}; {@link ExportFormat#CSV},
   * {@link ExportFormat#JSON} (an array of row objects keyed by column name) or
   * {@link ExportFormat#XLSX}.
   */
  public CompletableFuture<byte[]> exportCard(String cardId, ExportFormat format) {
    Objects.requireNonNull(cardId, "cardId");
    Objects.requireNonNull(format, "format");
    if (!FORMATS.contains(format)) {
      return CompletableFuture.failedFuture(unsupported(format));
    }
    return submit(() -> {
      long id;
      try {
        id = Long.parseLong(cardId);
      } catch (NumberFormatException e) {
        throw new NotFoundException("no card with id '" + cardId + "' in Metabase (card ids are numbers)");
      }
      return cardExport(id, format.wireName());
    });
  }

  private byte[] cardExport(long cardId, String format) {
    ObjectNode body = MetabaseClient.JSON.createObjectNode();
    body.putArray("parameters");
    body.put("format_rows", false);
    body.put("pivot_results", false);
    return client.postForBytes("/api/card/" + cardId + "/query/" + format, body);
  }

  private static MetricsPipelineException unsupported(ExportFormat format) {
    return new MetricsPipelineException("export format " + format.wireName()
        + " is not supported by the metabase visualization adapter (Metabase has no REST export of"
        + " dashboard images); supported: csv, json, xlsx");
  }

  /** {@code json}, {@code csv} and {@code xlsx}. */
  @Override
  public Set<ExportFormat> exportFormats() {
    return FORMATS;
  }

  /**
   * {@code GET /api/health}: healthy on 200 {@code {"status":"ok"}}, degraded while Metabase
   * initializes (503 with {@code progress}), unhealthy when it answers otherwise or not at all.
   * Never fails; details hold {@code url}, Metabase's {@code status} and {@code database_id} once known.
   */
  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (closed) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("metabase visualization adapter is closed"));
    }
    CompletableFuture<HealthCheckResult> f = submit(this::health);
    return f.exceptionally(e -> HealthCheckResult.unhealthy(
        String.valueOf((e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause() : e).getMessage())));
  }

  private HealthCheckResult health() {
    Reply reply = client.health();
    String status;
    JsonNode body;
    try {
      body = MetabaseClient.JSON.readTree(reply.body());
      status = body == null ? "" : body.path("status").asText("");
    } catch (java.io.IOException e) {
      body = null;
      status = "";
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("url", client.baseUrl());
    details.put("status", status.isEmpty() ? MetabaseClient.describe(reply) : status);
    details.put("http_status", reply.status());
    if (databaseId != null) {
      details.put("database_id", databaseId);
    }
    if (reply.status() == 200 && status.equals("ok")) {
      return HealthCheckResult.healthy(details);
    }
    if (reply.status() == 503 && status.equals("initializing")) {
      details.put("progress", body.path("progress").asDouble(0));
      return HealthCheckResult.degraded(details);
    }
    return new HealthCheckResult(org.metricspipeline.api.HealthStatus.UNHEALTHY, Map.of("reason",
        client.redact("GET /api/health: Metabase answered " + reply.status() + " " + details.get("status")),
        "url", client.baseUrl(), "http_status", reply.status()));
  }

  /** Stops the call threads (waiting up to 10 s for running calls), logs out, and releases connections. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    client.logout();
    client.close();
  }

  private JsonNode dashboard(long id) {
    try {
      return client.getJson("/api/dashboard/" + id);
    } catch (NotFoundException e) {
      throw new NotFoundException("no dashboard with id '" + id + "' in Metabase (" + e.getMessage() + ")");
    }
  }

  private static ArrayNode dashcards(String call, JsonNode dashboard) {
    JsonNode cards = dashboard.get("dashcards");
    if (cards == null && dashboard.has("ordered_cards")) {
      throw new MetricsPipelineException(call + ": Metabase answered with ordered_cards instead of"
          + " dashcards: Metabase 0.47 and older is not supported");
    }
    if (cards == null || !cards.isArray()) {
      throw new MetricsPipelineException(call + ": Metabase answered without a dashcards array");
    }
    return (ArrayNode) cards;
  }

  private static long dashboardNumber(String dashboardId) {
    try {
      return Long.parseLong(dashboardId);
    } catch (NumberFormatException e) {
      throw new NotFoundException("no dashboard with id '" + dashboardId + "' in Metabase (dashboard ids are numbers)");
    }
  }

  private static String idOf(String call, JsonNode created) {
    JsonNode id = created.path("id");
    if (!id.isIntegralNumber()) {
      throw new MetricsPipelineException(call + ": Metabase answered without a numeric id");
    }
    return id.asText();
  }

  /** Finds the ClickHouse database by name, or registers it; remembered once known. */
  private long databaseId() {
    Long known = databaseId;
    if (known != null) {
      return known;
    }
    synchronized (databaseLock) {
      if (databaseId == null) {
        databaseId = findOrRegisterDatabase();
      }
      return databaseId;
    }
  }

  private long findOrRegisterDatabase() {
    JsonNode list = client.getJson("/api/database");
    JsonNode data = list.path("data");
    if (!data.isArray()) {
      throw new MetricsPipelineException("GET /api/database: Metabase answered without {\"data\": [...]}");
    }
    for (JsonNode db : data) {
      if (databaseName.equals(db.path("name").asText())) {
        String engine = db.path("engine").asText();
        if (!engine.equals("clickhouse")) {
          throw new ConfigurationException("Metabase database '" + databaseName + "' (id "
              + db.path("id").asText() + ") uses engine '" + engine + "', not clickhouse; set '"
              + MetabaseVisualizationProvider.DATABASE_NAME + "' to another name");
        }
        LOG.debug("using Metabase database {} ({})", db.path("id").asLong(), databaseName);
        return db.path("id").asLong();
      }
    }
    ObjectNode body = MetabaseClient.JSON.createObjectNode();
    body.put("name", databaseName);
    body.put("engine", "clickhouse");
    ObjectNode details = body.putObject("details");
    details.put("host", clickHouseHost);
    details.put("port", clickHousePort);
    details.put("user", clickHouseUser);
    details.put("password", clickHousePassword);
    details.put("dbname", clickHouseDatabase);
    String call = "POST /api/database";
    Reply reply = client.call("POST", "/api/database", body);
    if (reply.status() == 400) {
      throw new ConfigurationException(client.redact(call + ": Metabase could not register ClickHouse at "
          + clickHouseHost + ":" + clickHousePort + " (database " + clickHouseDatabase + ", user "
          + clickHouseUser + "): " + MetabaseClient.describe(reply)));
    }
    if (reply.status() == 403) {
      throw new ConfigurationException(client.redact(call + ": Metabase answered 403 "
          + MetabaseClient.describe(reply) + " (registering a database needs a Metabase superuser;"
          + " or add the ClickHouse database named '" + databaseName + "' in Metabase yourself)"));
    }
    JsonNode created;
    try {
      created = MetabaseClient.JSON.readTree(client.ok(call, reply).body());
    } catch (java.io.IOException e) {
      throw new MetricsPipelineException(call + ": Metabase answered with a body that is not JSON", e);
    }
    long id = Long.parseLong(idOf(call, created));
    LOG.info("registered ClickHouse database '{}' in Metabase as database {}", databaseName, id);
    return id;
  }

  private <T> CompletableFuture<T> submit(Supplier<T> work) {
    if (closed) {
      return CompletableFuture.failedFuture(new MetricsPipelineException("metabase visualization adapter is closed"));
    }
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return work.get();
        } catch (MetricsPipelineException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new MetricsPipelineException(client.redact("metabase visualization adapter: " + e), e);
        }
      }, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(closed
          ? new MetricsPipelineException("metabase visualization adapter is closed")
          : new OverloadedException("metabase visualization adapter: " + executor.getQueue().size()
              + " calls already queued (max-queued-calls)", Duration.ofSeconds(1)));
    }
  }

  /** The address, the authentication kind and the database name; never a secret. */
  @Override
  public String toString() {
    return "MetabaseVisualizationAdapter{url=" + client.baseUrl() + ", " + client
        + ", database=" + databaseName + ", clickhouse=" + clickHouseHost + ":" + clickHousePort + "/"
        + clickHouseDatabase + "." + clickHouseTable + "}";
  }

  /** Builds a {@link MetabaseVisualizationAdapter}; setters validate and name the option on failure. */
  public static final class Builder {
    private HttpUrl url;
    private MetabaseClient.Auth auth;
    private boolean bothAuth;
    private String databaseName = DEFAULT_DATABASE_NAME;
    private String clickHouseHost = DEFAULT_CLICKHOUSE_HOST;
    private int clickHousePort = DEFAULT_CLICKHOUSE_PORT;
    private String clickHouseUser = DEFAULT_CLICKHOUSE_USER;
    private String clickHousePassword = "";
    private String clickHouseDatabase = DEFAULT_CLICKHOUSE_DATABASE;
    private String clickHouseTable = DEFAULT_CLICKHOUSE_TABLE;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private int threads = DEFAULT_THREADS;
    private int maxQueuedCalls = DEFAULT_MAX_QUEUED_CALLS;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Metabase's address, {@code http://} or {@code https://}, without credentials (required). */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null) {
        throw new IllegalArgumentException("url must be an http:// or https:// address, got '" + url + "'");
      }
      if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
        throw new IllegalArgumentException("url must not carry credentials; use credentials(...) or apiKey(...)");
      }
      this.url = parsed;
      return this;
    }

    /** Session login as this Metabase user (e-mail) with this password. */
    public Builder credentials(String username, String password) {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.isBlank() || password.isBlank()) {
        throw new IllegalArgumentException("username and password must not be blank");
      }
      bothAuth |= auth instanceof MetabaseClient.ApiKey;
      this.auth = new MetabaseClient.SessionLogin(username, password);
      return this;
    }

    /** Authenticate with this API key (Metabase 0.49+) instead of a session. */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      bothAuth |= auth instanceof MetabaseClient.SessionLogin;
      this.auth = new MetabaseClient.ApiKey(apiKey);
      return this;
    }

    /** The name of the ClickHouse database in Metabase: found by name, else registered [Metrics Pipeline]. */
    public Builder databaseName(String databaseName) {
      this.databaseName = nonBlank("databaseName", databaseName);
      return this;
    }

    /** The ClickHouse host as Metabase reaches it, for registering the database [localhost]. */
    public Builder clickHouseHost(String host) {
      this.clickHouseHost = nonBlank("clickHouseHost", host);
      return this;
    }

    /** The ClickHouse HTTP port, 1 to 65535 [8123]. */
    public Builder clickHousePort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("clickHousePort must be 1 to 65535, got " + port);
      }
      this.clickHousePort = port;
      return this;
    }

    /** The ClickHouse user Metabase queries as [default]. */
    public Builder clickHouseUser(String user) {
      this.clickHouseUser = nonBlank("clickHouseUser", user);
      return this;
    }

    /** That user's password [empty]. */
    public Builder clickHousePassword(String password) {
      this.clickHousePassword = Objects.requireNonNull(password, "clickHousePassword");
      return this;
    }

    /** The ClickHouse database holding the metrics table, a plain identifier [metrics]. */
    public Builder clickHouseDatabase(String database) {
      this.clickHouseDatabase = identifier("clickHouseDatabase", database);
      return this;
    }

    /** The metrics table the ClickHouse storage adapter writes, a plain identifier [metrics]. */
    public Builder clickHouseTable(String table) {
      this.clickHouseTable = identifier("clickHouseTable", table);
      return this;
    }

    /** TCP connect timeout, positive [10 s]. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** Read and write inactivity timeout, positive [60 s]. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive("readTimeout", timeout);
      return this;
    }

    /** Whole-call timeout, zero for none [2 min]. */
    public Builder callTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "callTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("callTimeout must be zero (none) or positive, got " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /** Retries of a GET or PUT after an I/O error or 502/503/504, 0 to 10 [2]. */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 10) {
        throw new IllegalArgumentException("maxRetries must be 0 to 10, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** Wait before the first retry, doubled per retry, zero or more [500 ms]. */
    public Builder retryBackoff(Duration backoff) {
      Objects.requireNonNull(backoff, "retryBackoff");
      if (backoff.isNegative()) {
        throw new IllegalArgumentException("retryBackoff must not be negative, got " + backoff);
      }
      this.retryBackoff = backoff;
      return this;
    }

    /** Threads making calls, 1 to 64 [2]. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("threads must be 1 to 64, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Calls that may wait for a thread before new ones are refused, 1 to 100,000 [256]. */
    public Builder maxQueuedCalls(int maxQueuedCalls) {
      if (maxQueuedCalls < 1 || maxQueuedCalls > 100_000) {
        throw new IllegalArgumentException("maxQueuedCalls must be 1 to 100000, got " + maxQueuedCalls);
      }
      this.maxQueuedCalls = maxQueuedCalls;
      return this;
    }

    /** The clock stamping exports ({@code exported_at}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The adapter; fails when the url or the authentication is missing, or both kinds were given. */
    public MetabaseVisualizationAdapter build() {
      if (url == null) {
        throw new IllegalStateException("url is required");
      }
      if (auth == null) {
        throw new IllegalStateException("credentials(username, password) or apiKey(key) is required");
      }
      if (bothAuth) {
        throw new IllegalStateException("set either credentials(username, password) or apiKey(key), not both");
      }
      return new MetabaseVisualizationAdapter(this);
    }

    private static String nonBlank(String option, String value) {
      Objects.requireNonNull(value, option);
      if (value.isBlank()) {
        throw new IllegalArgumentException(option + " must not be blank");
      }
      return value;
    }

    private static String identifier(String option, String value) {
      Objects.requireNonNull(value, option);
      if (!ClickHouseSql.isPlainIdentifier(value)) {
        throw new IllegalArgumentException(option + " must be a plain identifier (letters, digits, _), got '"
            + value + "'");
      }
      return value;
    }

    private static Duration positive(String option, Duration value) {
      Objects.requireNonNull(value, option);
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(option + " must be positive, got " + value);
      }
      return value;
    }
  }
}
