package org.metricspipeline.adapters.metabase.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.NotFoundException;
import org.metricspipeline.api.OverloadedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metabase's REST API over OkHttp, as {@code shared/metabase-api.md} describes it: authentication
 * (session login with {@code X-Metabase-Session}, or {@code x-api-key}), one transparent re-login
 * when a session has expired, retries of idempotent calls (GET, PUT) only, and Metabase's error
 * bodies (plain text, or JSON with {@code errors}) turned into exceptions that name the call.
 *
 * <p>Secrets (password, API key, session token, and any extra secret given) never appear in log
 * lines or exception messages: every message is passed through {@link #redact(String)}. Blocking:
 * callers run it on the adapter's own threads.
 */
public final class MetabaseClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MetabaseClient.class);
  /** Shared JSON mapper. */
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
  private static final Pattern WAIT_SECONDS = Pattern.compile("wait (\\d+) seconds");
  private static final int MAX_MESSAGE = 300;

  /** How the client authenticates. */
  public sealed interface Auth permits SessionLogin, ApiKey {}

  /** Session login with a user's e-mail and password. */
  public record SessionLogin(String username, String password) implements Auth {
    /** Validates. */
    public SessionLogin {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "session(user=" + username + ")";
    }
  }

  /** An API key sent as {@code x-api-key}. */
  public record ApiKey(String key) implements Auth {
    /** Validates. */
    public ApiKey {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return "api-key";
    }
  }

  /** A raw answer: status, content type and body. */
  public record Reply(int status, String contentType, byte[] body) {
    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * Settings.
   *
   * @param baseUrl Metabase's address, without a trailing slash
   * @param auth session login or API key
   * @param connectTimeout TCP connect timeout
   * @param readTimeout read (and write) inactivity timeout
   * @param callTimeout whole-call timeout; zero for none
   * @param maxRetries retries of an idempotent call after an I/O error or a 502/503/504
   * @param retryBackoff wait before the first retry, doubled for each further one
   * @param extraSecrets other secrets that must never appear in messages (the ClickHouse password)
   */
  public record Settings(HttpUrl baseUrl, Auth auth, Duration connectTimeout, Duration readTimeout,
      Duration callTimeout, int maxRetries, Duration retryBackoff, List<String> extraSecrets) {
    /** Validates and copies. */
    public Settings {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(auth, "auth");
      extraSecrets = List.copyOf(extraSecrets);
    }

    /** Without secrets. */
    @Override
    public String toString() {
      return "Settings{url=" + baseUrl + ", auth=" + auth + "}";
    }
  }

  private final Settings settings;
  private final OkHttpClient http;
  private final String baseUrl;
  private volatile String session;

  /** A client; no call is made until one is asked for. */
  public MetabaseClient(Settings settings) {
    this.settings = settings;
    String url = settings.baseUrl().toString();
    this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.http = new OkHttpClient.Builder()
        .connectTimeout(settings.connectTimeout())
        .readTimeout(settings.readTimeout())
        .writeTimeout(settings.readTimeout())
        .callTimeout(settings.callTimeout())
        // Our own retry policy decides: OkHttp would otherwise silently retry some failed POSTs.
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .build();
  }

  /** Metabase's address. */
  public String baseUrl() {
    return baseUrl;
  }

  /** Whether a session token is held (session login only). */
  public boolean hasSession() {
    return session != null;
  }

  /**
   * Makes sure later calls are authenticated: logs in when using a session and none is held; checks
   * an API key with {@code GET /api/user/current}.
   */
  public void authenticate() {
    if (settings.auth() instanceof SessionLogin) {
      if (session == null) {
        synchronized (this) {
          if (session == null) {
            login();
          }
        }
      }
    } else {
      getJson("/api/user/current");
    }
  }

  /** {@code POST /api/session}: a new session token; never retried (not idempotent). */
  private void login() {
    SessionLogin login = (SessionLogin) settings.auth();
    ObjectNode body = JSON.createObjectNode().put("username", login.username()).put("password", login.password());
    String call = "POST /api/session";
    Reply reply = send("POST", "/api/session", body, false, false);
    if (reply.status() == 200) {
      JsonNode id = parse(call, reply).path("id");
      if (!id.isTextual() || id.asText().isBlank()) {
        throw new MetricsPipelineException(call + ": Metabase answered without a session id");
      }
      session = id.asText();
      LOG.debug("logged in to Metabase at {} as {}", baseUrl, login.username());
      return;
    }
    JsonNode errors = errorsOf(reply);
    String username = errors.path("username").asText("");
    if ((reply.status() == 400 || reply.status() == 401) && username.startsWith("Too many attempts")) {
      Matcher m = WAIT_SECONDS.matcher(username);
      Duration wait = m.find() ? Duration.ofSeconds(Long.parseLong(m.group(1))) : Duration.ofSeconds(15);
      throw new OverloadedException(redact(call + ": Metabase throttles logins for user '"
          + login.username() + "': " + username), wait);
    }
    if (reply.status() == 400 || reply.status() == 401) {
      throw new ConfigurationException(redact(call + ": Metabase rejected the login of user '"
          + login.username() + "' (" + reply.status() + "): " + describe(reply)));
    }
    throw failure(call, reply);
  }

  /** {@code DELETE /api/session} (logout), when a session is held; failures are only logged. */
  public void logout() {
    if (session == null) {
      return;
    }
    try {
      Reply reply = send("DELETE", "/api/session", null, false, false);
      LOG.debug("DELETE /api/session -> {}", reply.status());
    } catch (RuntimeException e) {
      LOG.debug("logout from Metabase failed: {}", redact(String.valueOf(e.getMessage())));
    } finally {
      session = null;
    }
  }

  /** {@code GET /api/health} without authentication and without retries. */
  public Reply health() {
    return send("GET", "/api/health", null, false, false);
  }

  /** An authenticated GET, retried; fails unless 2xx. */
  public JsonNode getJson(String path) {
    return parse("GET " + path, ok("GET " + path, call("GET", path, null)));
  }

  /** An authenticated POST of a JSON body, not retried; fails unless 2xx. */
  public JsonNode postJson(String path, JsonNode body) {
    return parse("POST " + path, ok("POST " + path, call("POST", path, body)));
  }

  /** An authenticated PUT of a JSON body, retried; fails unless 2xx. */
  public JsonNode putJson(String path, JsonNode body) {
    return parse("PUT " + path, ok("PUT " + path, call("PUT", path, body)));
  }

  /** An authenticated POST answered with raw bytes (an export), not retried; fails unless 2xx. */
  public byte[] postForBytes(String path, JsonNode body) {
    return ok("POST " + path, call("POST", path, body)).body();
  }

  /** An authenticated DELETE, not retried; fails unless 2xx. */
  public void delete(String path) {
    ok("DELETE " + path, call("DELETE", path, null));
  }

  /**
   * An authenticated call: with a session, a 401 makes the client log in again once and repeat the
   * call (Metabase answers 401 before doing anything, so repeating is safe even for POST); a second
   * 401 is an error. GET and PUT are retried after I/O errors and 502/503/504.
   */
  public Reply call(String method, String path, JsonNode body) {
    boolean idempotent = method.equals("GET") || method.equals("PUT");
    if (settings.auth() instanceof SessionLogin) {
      authenticate();
      String used = session;
      Reply reply = send(method, path, body, true, idempotent);
      if (reply.status() != 401) {
        return reply;
      }
      LOG.debug("{} {} -> 401: the Metabase session expired, logging in again", method, path);
      relogin(used);
      reply = send(method, path, body, true, idempotent);
      if (reply.status() == 401) {
        throw new ConfigurationException(redact(method + " " + path
            + ": Metabase answered 401 (" + describe(reply) + ") again right after a fresh login"));
      }
      return reply;
    }
    Reply reply = send(method, path, body, true, idempotent);
    if (reply.status() == 401) {
      throw new ConfigurationException(redact(method + " " + path
          + ": Metabase rejected the API key (401 " + describe(reply) + ")"));
    }
    return reply;
  }

  private synchronized void relogin(String stale) {
    if (Objects.equals(session, stale)) {
      session = null;
      login();
    }
  }

  /** The reply when 2xx, else the exception for it. */
  public Reply ok(String call, Reply reply) {
    if (reply.status() / 100 == 2) {
      return reply;
    }
    throw failure(call, reply);
  }

  /**
   * The exception for a failed call: 401/403 → {@link ConfigurationException} (credentials or
   * permissions), 404 → {@link NotFoundException} (or, for {@code API endpoint does not exist.}, a
   * {@link MetricsPipelineException} saying the Metabase version lacks the endpoint), anything else →
   * {@link MetricsPipelineException}; each message names the call and says what Metabase said.
   */
  public MetricsPipelineException failure(String call, Reply reply) {
    String what = describe(reply);
    int status = reply.status();
    String message = call + ": Metabase answered " + status + " " + what;
    if (status == 401 || status == 403) {
      return new ConfigurationException(redact(message + (status == 403
          ? " (the Metabase user lacks the permission this call needs)" : "")));
    }
    if (status == 404 && what.startsWith("API endpoint does not exist")) {
      return new MetricsPipelineException(redact(message
          + " (this Metabase version does not have the endpoint)"));
    }
    if (status == 404) {
      return new NotFoundException(redact(message));
    }
    return new MetricsPipelineException(redact(message));
  }

  /** Metabase's error text: the {@code errors} map, else {@code message}, else the plain-text body. */
  public static String describe(Reply reply) {
    String text = reply.text().trim();
    if (text.startsWith("{")) {
      try {
        JsonNode node = JSON.readTree(text);
        JsonNode errors = node.path("errors");
        if (errors.isObject() && errors.size() > 0) {
          List<String> parts = new ArrayList<>();
          for (Iterator<Map.Entry<String, JsonNode>> it = errors.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            parts.add(e.getKey() + ": " + (e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
          }
          String message = node.path("message").asText("");
          return truncate((message.isEmpty() ? "" : message + " ") + String.join("; ", parts));
        }
        if (node.path("message").isTextual()) {
          return truncate(node.path("message").asText());
        }
      } catch (IOException e) {
        // not JSON after all: fall through to the text
      }
    }
    return text.isEmpty() ? "(empty body)" : truncate(text);
  }

  private static JsonNode errorsOf(Reply reply) {
    try {
      return JSON.readTree(reply.body()).path("errors");
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  private static String truncate(String s) {
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
  }

  private JsonNode parse(String call, Reply reply) {
    try {
      JsonNode node = JSON.readTree(reply.body());
      if (node == null || node.isMissingNode()) {
        throw new MetricsPipelineException(call + ": Metabase answered " + reply.status() + " without a JSON body");
      }
      return node;
    } catch (IOException e) {
      throw new MetricsPipelineException(redact(call + ": Metabase answered " + reply.status()
          + " with a body that is not JSON: " + truncate(reply.text())), e);
    }
  }

  private Reply send(String method, String path, JsonNode body, boolean authenticated, boolean retried) {
    String call = method + " " + path;
    int attempts = retried ? settings.maxRetries() + 1 : 1;
    long backoff = settings.retryBackoff().toMillis();
    for (int attempt = 1; ; attempt++) {
      Request.Builder request = new Request.Builder().url(baseUrl + path)
          .header("Accept", "application/json");
      if (authenticated) {
        if (settings.auth() instanceof ApiKey key) {
          request.header("x-api-key", key.key());
        } else if (session != null) {
          request.header("X-Metabase-Session", session);
        }
      } else if (method.equals("DELETE") && session != null) {
        request.header("X-Metabase-Session", session); // logout names the session it ends
      }
      RequestBody requestBody = body == null ? null : RequestBody.create(write(body), JSON_TYPE);
      request.method(method, requestBody);
      try (Response response = http.newCall(request.build()).execute()) {
        ResponseBody responseBody = response.body();
        byte[] bytes = responseBody == null ? new byte[0] : responseBody.bytes();
        String contentType = response.header("Content-Type", "");
        LOG.debug("{} -> {} ({} bytes)", call, response.code(), bytes.length);
        int code = response.code();
        if (attempt < attempts && (code == 502 || code == 503 || code == 504)) {
          LOG.debug("{} -> {}: retrying ({} of {})", call, code, attempt, attempts - 1);
          pause(backoff);
          backoff *= 2;
          continue;
        }
        return new Reply(code, contentType, bytes);
      } catch (IOException e) {
        if (attempt < attempts) {
          LOG.debug("{} failed ({}): retrying ({} of {})", call, redact(String.valueOf(e.getMessage())), attempt,
              attempts - 1);
          pause(backoff);
          backoff *= 2;
          continue;
        }
        String why = e instanceof java.io.InterruptedIOException
            ? " in time (connect timeout " + settings.connectTimeout().toMillis() + " ms, read timeout "
                + settings.readTimeout().toMillis() + " ms, call timeout " + settings.callTimeout().toMillis() + " ms)"
            : "";
        throw new MetricsPipelineException(redact(call + ": Metabase at " + baseUrl + " did not answer" + why
            + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": " + e), e);
      }
    }
  }

  private static byte[] write(JsonNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MetricsPipelineException("interrupted while waiting to retry a Metabase call");
    }
  }

  /** {@code text} with every secret (password, API key, session token, extra secrets) replaced by {@code ***}. */
  public String redact(String text) {
    String out = text;
    List<String> secrets = new ArrayList<>(settings.extraSecrets());
    if (settings.auth() instanceof SessionLogin login) {
      secrets.add(login.password());
    } else if (settings.auth() instanceof ApiKey key) {
      secrets.add(key.key());
    }
    String token = session;
    if (token != null) {
      secrets.add(token);
    }
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        out = out.replace(secret, "***");
      }
    }
    return out;
  }

  /** Releases OkHttp's connections and threads. */
  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "MetabaseClient{url=" + baseUrl + ", auth=" + settings.auth() + "}";
  }
}
