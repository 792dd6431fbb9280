package org.metricspipeline.adapters.metabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;

/**
 * A stand-in Metabase server following {@code shared/metabase-api.md}: it checks every request's
 * method, path, headers and body against the facts and answers with the documented shapes (and
 * errors). Anything a real Metabase would reject, or that the facts do not describe, is answered as
 * Metabase would and also recorded in {@link #violations()}, which tests expect to stay empty.
 */
final class FakeMetabase implements AutoCloseable {

  static final String USER = "admin@example.com";
  static final String PASSWORD = "pw-Secret-4711";
  static final String API_KEY = "mb_KeySecret0815";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DASHBOARD = Pattern.compile("/api/dashboard/(\\d+)");
  private static final Pattern CARD = Pattern.compile("/api/card/(\\d+)");
  private static final Pattern CARD_QUERY = Pattern.compile("/api/card/(\\d+)/query/([a-z]+)");

  final MockWebServer server = new MockWebServer();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<RecordedRequest> recorded = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Deque<MockResponse>> scripted = new HashMap<>();
  private final Set<String> sessions = new HashSet<>();
  private final Map<String, CountDownLatch> held = new java.util.concurrent.ConcurrentHashMap<>();
  final Map<Long, ObjectNode> databases = new LinkedHashMap<>();
  final Map<Long, ObjectNode> dashboards = new LinkedHashMap<>();
  final Map<Long, ObjectNode> cards = new LinkedHashMap<>();
  private long nextId = 1;
  private long nextDashcardId = 100;

  volatile boolean superuser = true;
  volatile boolean throttleLogins;
  volatile boolean sessionsExpireAtOnce;
  volatile boolean refuseClickHouseConnection;
  volatile String health = "ok";
  volatile int logins;

  FakeMetabase() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        CountDownLatch latch = held.get(request.getMethod() + " " + request.getPath());
        if (latch != null && !latch.await(30, TimeUnit.SECONDS)) {
          violations.add("held call " + request.getMethod() + " " + request.getPath() + " never released");
        }
        synchronized (FakeMetabase.this) {
          return handle(request);
        }
      }
    });
    server.start();
  }

  String url() {
    String u = server.url("/").toString();
    return u.substring(0, u.length() - 1);
  }

  /** Every violation of the facts seen so far. */
  List<String> violations() {
    return List.copyOf(violations);
  }

  /** {@code METHOD path} of every request, in order. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  /** Every request as received. */
  List<RecordedRequest> requests() {
    return List.copyOf(recorded);
  }

  /** Answers the next {@code METHOD path} call with {@code response} instead of the normal answer. */
  synchronized void answerNext(String call, MockResponse response) {
    scripted.computeIfAbsent(call, k -> new ArrayDeque<>()).add(response);
  }

  /** Makes every {@code METHOD path} call wait until the returned latch is counted down. */
  CountDownLatch hold(String call) {
    CountDownLatch latch = new CountDownLatch(1);
    held.put(call, latch);
    return latch;
  }

  /** Forgets every session, as if they had expired. */
  synchronized void expireSessions() {
    sessions.clear();
  }

  /** Sets the rows every card's query returns. */
  synchronized void results(long cardId, List<Map<String, Object>> rows) {
    cards.get(cardId).set("mp_results", JSON.valueToTree(rows));
  }

  /** Adds a dashboard with a tab and a text card (as the UI would), returns its id. */
  synchronized long dashboardWithTabAndText() {
    ObjectNode d = newDashboard("Tabbed", null);
    ObjectNode tab = d.withArray("tabs").addObject();
    tab.put("id", 77).put("name", "Overview").put("dashboard_id", d.path("id").asLong());
    ObjectNode text = d.withArray("dashcards").addObject();
    text.put("id", nextDashcardId++).putNull("card_id").put("row", 0).put("col", 0).put("size_x", 24)
        .put("size_y", 2).put("dashboard_tab_id", 77);
    text.putObject("visualization_settings").put("text", "# Heading");
    text.putArray("series");
    text.putArray("parameter_mappings");
    text.putNull("card");
    return d.path("id").asLong();
  }

  /** Adds a card as if made in Metabase's UI (no library spec) and places it on a dashboard. */
  synchronized long foreignCardOn(long dashboardId) {
    ObjectNode card = JSON.createObjectNode();
    long id = nextId++;
    card.put("id", id).put("name", "Made by hand").put("display", "table");
    card.putObject("visualization_settings");
    card.putArray("mp_results").addObject().put("count", 7);
    cards.put(id, card);
    ObjectNode dc = dashboards.get(dashboardId).withArray("dashcards").addObject();
    dc.put("id", nextDashcardId++).put("card_id", id).put("row", 20).put("col", 0).put("size_x", 4).put("size_y", 4);
    dc.putArray("series");
    dc.putArray("parameter_mappings");
    dc.putObject("visualization_settings");
    return id;
  }

  static MockResponse plain(int status, String text) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "text/plain")
        .setBody(text);
  }

  static MockResponse json(int status, JsonNode body) {
    return new MockResponse().setResponseCode(status)
        .setHeader("Content-Type", "application/json; charset=utf-8").setBody(body.toString());
  }

  static MockResponse json(int status, String body) {
    return new MockResponse().setResponseCode(status)
        .setHeader("Content-Type", "application/json; charset=utf-8").setBody(body);
  }

  private MockResponse handle(RecordedRequest request) {
    String method = request.getMethod();
    String target = request.getPath();
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : "";
    calls.add(method + " " + target);
    recorded.add(request);
    Deque<MockResponse> next = scripted.get(method + " " + target);
    if (next != null && !next.isEmpty()) {
      return next.poll();
    }
    String bodyText = request.getBody().clone().readString(StandardCharsets.UTF_8);
    JsonNode body = null;
    if (!bodyText.isEmpty()) {
      String type = request.getHeader("Content-Type");
      if (type == null || !type.startsWith("application/json")) {
        violations.add(method + " " + target + ": body without Content-Type application/json: " + type);
      }
      try {
        body = JSON.readTree(bodyText);
      } catch (IOException e) {
        violations.add(method + " " + target + ": body is not JSON");
        return plain(400, "Invalid JSON");
      }
    }
    if (path.equals("/api/session") && method.equals("POST")) {
      return login(body);
    }
    if (path.equals("/api/session") && method.equals("DELETE")) {
      String s = request.getHeader("X-Metabase-Session");
      return s != null && sessions.remove(s) ? new MockResponse().setResponseCode(204) : plain(404, "Not found.");
    }
    if (path.equals("/api/health") && method.equals("GET")) {
      return switch (health) {
        case "ok" -> json(200, "{\"status\":\"ok\"}");
        case "initializing" -> json(503, "{\"status\":\"initializing\",\"progress\":0.3}");
        default -> json(503, "{\"status\":\"Unable to get app-db connection\"}");
      };
    }
    String session = request.getHeader("X-Metabase-Session");
    String key = request.getHeader("x-api-key");
    if (session != null && key != null) {
      violations.add(method + " " + target + ": both X-Metabase-Session and x-api-key sent");
    }
    boolean authenticated = (session != null && sessions.contains(session)) || API_KEY.equals(key);
    if (!authenticated) {
      return plain(401, "Unauthenticated");
    }
    if (!query.isEmpty() && !(path.equals("/api/dashboard") && query.matches("f=(all|mine|archived)"))) {
      violations.add(method + " " + target + ": query string not described by the facts");
    }
    if (path.equals("/api/user/current") && method.equals("GET")) {
      return json(200, JSON.createObjectNode().put("id", 1).put("email", USER).put("first_name", "Ada")
          .put("is_superuser", superuser));
    }
    if (path.equals("/api/database") && method.equals("GET")) {
      ObjectNode out = JSON.createObjectNode();
      out.putArray("data").addAll(new ArrayList<JsonNode>(databases.values()));
      out.put("total", databases.size());
      return json(200, out);
    }
    if (path.equals("/api/database") && method.equals("POST")) {
      return createDatabase(body);
    }
    if (path.equals("/api/dashboard") && method.equals("POST")) {
      return createDashboard(body);
    }
    if (path.equals("/api/dashboard") && method.equals("GET")) {
      ArrayNode out = JSON.createArrayNode();
      for (ObjectNode d : dashboards.values()) {
        ObjectNode copy = d.deepCopy();
        copy.remove(List.of("dashcards", "tabs"));
        out.add(copy);
      }
      return json(200, out);
    }
    Matcher m = DASHBOARD.matcher(path);
    if (m.matches()) {
      ObjectNode d = dashboards.get(Long.parseLong(m.group(1)));
      if (d == null) {
        return plain(404, "Not found.");
      }
      if (method.equals("GET")) {
        return json(200, withCards(d));
      }
      if (method.equals("PUT")) {
        return updateDashcards(d, body);
      }
    }
    if (path.equals("/api/card") && method.equals("POST")) {
      return createCard(body);
    }
    m = CARD.matcher(path);
    if (m.matches() && method.equals("DELETE")) {
      return cards.remove(Long.parseLong(m.group(1))) != null
          ? new MockResponse().setResponseCode(204) : plain(404, "Not found.");
    }
    m = CARD_QUERY.matcher(path);
    if (m.matches() && method.equals("POST")) {
      return cardQuery(Long.parseLong(m.group(1)), m.group(2), body);
    }
    violations.add(method + " " + target + ": no such endpoint in the facts");
    return plain(404, "API endpoint does not exist.");
  }

  private MockResponse login(JsonNode body) {
    if (body == null || !nonBlank(body, "username") || !nonBlank(body, "password")) {
      violations.add("POST /api/session: username and password must be non-blank strings: " + body);
      return json(400, "{\"errors\":{\"username\":\"value must be a non-blank string.\"}}");
    }
    logins++;
    if (throttleLogins) {
      return json(401, "{\"errors\":{\"username\":\"Too many attempts! You must wait 42 seconds before trying again.\"}}");
    }
    if (!USER.equals(body.path("username").asText()) || !PASSWORD.equals(body.path("password").asText())) {
      return json(401, "{\"errors\":{\"password\":\"did not match stored password\"}}");
    }
    String id = UUID.randomUUID().toString();
    if (!sessionsExpireAtOnce) {
      sessions.add(id);
    }
    return json(200, JSON.createObjectNode().put("id", id));
  }

  private MockResponse createDatabase(JsonNode body) {
    if (!superuser) {
      return plain(403, "You don't have permissions to do that.");
    }
    if (body == null || !nonBlank(body, "name") || !body.path("details").isObject()) {
      violations.add("POST /api/database: name and details are required: " + body);
      return json(400, "{\"errors\":{\"name\":\"value must be a non-blank string.\"}}");
    }
    if (!"clickhouse".equals(body.path("engine").asText())) {
      violations.add("POST /api/database: engine must be clickhouse: " + body.path("engine"));
      return json(400, "{\"errors\":{\"engine\":\"value must be a valid database engine.\"}}");
    }
    JsonNode details = body.path("details");
    for (String k : List.of("host", "port", "user", "password", "dbname")) {
      if (!details.has(k)) {
        violations.add("POST /api/database: details lack " + k);
      }
    }
    if (!details.path("port").isInt()) {
      violations.add("POST /api/database: details.port must be a number");
    }
    if (refuseClickHouseConnection) {
      return json(400, "{\"message\":\"Connection refused: " + details.path("host").asText()
          + "\",\"errors\":{\"host\":\"check your host settings\",\"port\":\"check your port settings\"}}");
    }
    ObjectNode db = JSON.createObjectNode();
    db.put("id", nextId++).put("name", body.path("name").asText()).put("engine", "clickhouse");
    ObjectNode shown = db.putObject("details");
    details.fields().forEachRemaining(e -> shown.set(e.getKey(), e.getValue()));
    shown.put("password", "**MetabasePass**");
    databases.put(db.path("id").asLong(), db);
    return json(200, db);
  }

  /** Adds a database as if created in Metabase's UI. */
  synchronized long addDatabase(String name, String engine) {
    ObjectNode db = JSON.createObjectNode();
    db.put("id", nextId++).put("name", name).put("engine", engine);
    databases.put(db.path("id").asLong(), db);
    return db.path("id").asLong();
  }

  private MockResponse createDashboard(JsonNode body) {
    if (body == null || !nonBlank(body, "name")) {
      violations.add("POST /api/dashboard: name must be a non-blank string: " + body);
      return json(400, "{\"errors\":{\"name\":\"value must be a non-blank string.\"}}");
    }
    Set<String> allowed = Set.of("name", "description", "parameters", "cache_ttl", "collection_id",
        "collection_position");
    body.fieldNames().forEachRemaining(f -> {
      if (!allowed.contains(f)) {
        violations.add("POST /api/dashboard: unknown field " + f);
      }
    });
    ObjectNode d = newDashboard(body.path("name").asText(),
        body.path("description").isTextual() ? body.path("description").asText() : null);
    return json(200, withCards(d));
  }

  private ObjectNode newDashboard(String name, String description) {
    ObjectNode d = JSON.createObjectNode();
    long id = nextId++;
    d.put("id", id).put("name", name);
    if (description == null) {
      d.putNull("description");
    } else {
      d.put("description", description);
    }
    d.putNull("collection_id");
    d.putArray("parameters");
    d.putArray("dashcards");
    d.putArray("tabs");
    d.put("creator_id", 1).put("can_write", true).put("archived", false);
    d.putObject("collection").put("name", "Our analytics").put("id", "root");
    d.putObject("last-edit-info").put("email", USER);
    dashboards.put(id, d);
    return d;
  }

  private ObjectNode withCards(ObjectNode d) {
    ObjectNode copy = d.deepCopy();
    for (JsonNode dc : copy.withArray("dashcards")) {
      if (dc.path("card_id").isIntegralNumber()) {
        ObjectNode card = cards.get(dc.path("card_id").asLong());
        ((ObjectNode) dc).set("card", card == null ? null : publicCard(card));
      }
    }
    return copy;
  }

  private static ObjectNode publicCard(ObjectNode card) {
    ObjectNode copy = card.deepCopy();
    copy.remove("mp_results");
    return copy;
  }

  private MockResponse updateDashcards(ObjectNode d, JsonNode body) {
    String call = "PUT /api/dashboard/" + d.path("id").asLong();
    if (body == null || !body.path("dashcards").isArray()) {
      violations.add(call + ": body must have dashcards: " + body);
      return json(400, "{\"errors\":{\"dashcards\":\"value must be an array.\"}}");
    }
    boolean tabbed = d.withArray("tabs").size() > 0;
    Set<Long> ids = new HashSet<>();
    ArrayNode kept = JSON.createArrayNode();
    Set<Long> existing = new HashSet<>();
    d.withArray("dashcards").forEach(dc -> existing.add(dc.path("id").asLong()));
    for (JsonNode dc : body.path("dashcards")) {
      if (!dc.path("id").isIntegralNumber() || !ids.add(dc.path("id").asLong())) {
        violations.add(call + ": each dashcard needs a unique int id: " + dc);
        continue;
      }
      if (dc.path("size_x").asInt() < 1 || dc.path("size_y").asInt() < 1 || !dc.path("row").isInt()
          || !dc.path("col").isInt() || dc.path("row").asInt() < 0 || dc.path("col").asInt() < 0) {
        violations.add(call + ": size_x/size_y must be > 0 and row/col >= 0: " + dc);
      }
      if (dc.path("col").asInt() + dc.path("size_x").asInt() > 24) {
        violations.add(call + ": dashcard wider than the 24-column grid: " + dc);
      }
      if (tabbed && !dc.has("dashboard_tab_id")) {
        return json(400, "{\"errors\":{\"dashcards\":\"This dashboard has tab, makes sure every card has a tab\"}}");
      }
      long id = dc.path("id").asLong();
      if (id > 0 && !existing.contains(id)) {
        violations.add(call + ": positive id " + id + " is not an existing dashcard");
      }
      if (dc.path("card_id").isIntegralNumber() && !cards.containsKey(dc.path("card_id").asLong())) {
        violations.add(call + ": card " + dc.path("card_id") + " does not exist");
      }
      ObjectNode stored = ((ObjectNode) dc).deepCopy();
      stored.remove("card");
      if (id < 0) {
        stored.put("id", nextDashcardId++);
      }
      kept.add(stored);
    }
    d.set("dashcards", kept); // dashcards missing from the array are deleted
    if (body.has("tabs")) {
      ArrayNode tabs = JSON.createArrayNode();
      body.path("tabs").forEach(t -> tabs.add(t.deepCopy()));
      d.set("tabs", tabs);
    }
    return json(200, withCards(d));
  }

  private MockResponse createCard(JsonNode body) {
    if (body == null || !nonBlank(body, "name") || !body.path("dataset_query").isObject()
        || !nonBlank(body, "display") || !body.path("visualization_settings").isObject()) {
      violations.add("POST /api/card: name, dataset_query, display, visualization_settings required: " + body);
      return json(400, "{\"errors\":{\"name\":\"value must be a non-blank string.\"}}");
    }
    if (body.has("description") && !nonBlank(body, "description")) {
      violations.add("POST /api/card: description present but blank");
      return json(400, "{\"errors\":{\"description\":\"nullable value must be a non-blank string.\"}}");
    }
    if (body.has("type") && !Set.of("question", "model", "metric").contains(body.path("type").asText())) {
      violations.add("POST /api/card: bad type " + body.path("type"));
    }
    if (body.has("dashboard_id")) {
      violations.add("POST /api/card: dashboard_id makes a dashboard question (auto-placed), not wanted");
    }
    JsonNode q = body.path("dataset_query");
    if (!"native".equals(q.path("type").asText()) || !q.path("native").path("query").isTextual()
        || !q.path("native").path("template-tags").isObject() || !q.path("database").isIntegralNumber()) {
      violations.add("POST /api/card: dataset_query must be the legacy native shape: " + q);
    }
    if (!databases.containsKey(q.path("database").asLong())) {
      violations.add("POST /api/card: database " + q.path("database") + " does not exist");
    }
    ObjectNode card = JSON.createObjectNode();
    long id = nextId++;
    card.put("id", id);
    body.fields().forEachRemaining(e -> card.set(e.getKey(), e.getValue()));
    if (!card.has("description")) {
      card.putNull("description");
    }
    if (!card.has("collection_id")) {
      card.putNull("collection_id");
    }
    card.put("database_id", q.path("database").asLong()).put("query_type", "native")
        .put("can_write", true).put("dashboard_count", 0);
    // v0.57+ returns MBQL 5: the client must treat dataset_query as opaque.
    ObjectNode mbql5 = JSON.createObjectNode();
    mbql5.put("lib/type", "mbql/query").put("database", q.path("database").asLong());
    mbql5.putArray("stages").addObject().put("lib/type", "mbql.stage/native")
        .put("native", q.path("native").path("query").asText());
    card.set("dataset_query", mbql5);
    card.putObject("creator").put("email", USER);
    ArrayNode rows = card.putArray("mp_results");
    rows.addObject().put("time", "2026-11-23T10:00:00Z").put("host", "web-1").put("value", 1.5);
    rows.addObject().put("time", "2026-11-23T10:01:00Z").put("host", "web-1").put("value", 2.5);
    cards.put(id, card);
    return json(200, publicCard(card));
  }

  private MockResponse cardQuery(long cardId, String format, JsonNode body) {
    String call = "POST /api/card/" + cardId + "/query/" + format;
    if (!Set.of("csv", "json", "xlsx", "api").contains(format)) {
      violations.add(call + ": unknown export format");
      return plain(404, "API endpoint does not exist.");
    }
    if (body == null || !(body.path("parameters").isArray() || body.path("parameters").isTextual())) {
      violations.add(call + ": body must carry parameters: " + body);
    } else {
      body.fieldNames().forEachRemaining(f -> {
        if (!Set.of("parameters", "format_rows", "pivot_results").contains(f)) {
          violations.add(call + ": unknown body field " + f);
        }
      });
      if (body.has("format_rows") && !body.path("format_rows").isBoolean()) {
        violations.add(call + ": format_rows must be a boolean");
      }
    }
    ObjectNode card = cards.get(cardId);
    if (card == null) {
      return plain(404, "Not found.");
    }
    JsonNode rows = card.path("mp_results");
    String disposition = "attachment; filename=\"" + card.path("name").asText().replace(' ', '_')
        + "_2026-11-23T10_00_00." + format + "\"";
    switch (format) {
      case "json" -> {
        return json(200, rows).setHeader("Content-Disposition", disposition);
      }
      case "csv" -> {
        StringBuilder sb = new StringBuilder();
        List<String> cols = new ArrayList<>();
        rows.forEach(r -> r.fieldNames().forEachRemaining(f -> {
          if (!cols.contains(f)) {
            cols.add(f);
          }
        }));
        sb.append(String.join(",", cols)).append("\r\n");
        for (JsonNode r : rows) {
          List<String> vals = new ArrayList<>();
          cols.forEach(c -> {
            String v = r.path(c).asText("");
            vals.add(v.contains(",") || v.contains("\"") ? '"' + v.replace("\"", "\"\"") + '"' : v);
          });
          sb.append(String.join(",", vals)).append("\r\n");
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/csv")
            .setHeader("Content-Disposition", disposition).setBody(sb.toString());
      }
      default -> {
        Buffer xlsx = new Buffer().write(new byte[] {'P', 'K', 3, 4, 1, 2, 3});
        return new MockResponse().setResponseCode(200)
            .setHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .setHeader("Content-Disposition", disposition).setBody(xlsx);
      }
    }
  }

  private static boolean nonBlank(JsonNode body, String field) {
    return body.path(field).isTextual() && !body.path(field).asText().isBlank();
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
  }
}
