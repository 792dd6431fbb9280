package org.metricspipeline.guard.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.metricspipeline.guard.Alert;
import org.metricspipeline.guard.AlertNotifier;
import org.metricspipeline.guard.ComponentState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs alerts as JSON over OkHttp, retried with exponential backoff on network errors, 429 and
 * 5xx. Runs on the guard's notifier thread, so its waits never block a health check. The URL is
 * never logged (webhook URLs carry secrets), only its host.
 *
 * <p>Each notifier owns its OkHttp client (its own connection pool and dispatcher), so
 * {@link #close()}, called by the guard when it closes, releases exactly this notifier's
 * connections and threads.
 */
public final class WebhookNotifier implements AlertNotifier {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final String kind;
  private final HttpUrl url;
  private final int attempts;
  private final Duration backoff;
  private final Function<Alert, Object> payload;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final OkHttpClient client = new OkHttpClient.Builder()
      .connectionPool(new ConnectionPool(1, 1, TimeUnit.MINUTES))
      .connectTimeout(5, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS)
      .writeTimeout(10, TimeUnit.SECONDS).callTimeout(15, TimeUnit.SECONDS).build();
  private volatile boolean closed;

  private WebhookNotifier(String kind, URI url, int attempts, Duration backoff, Function<Alert, Object> payload) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(backoff, "backoff");
    HttpUrl parsed = HttpUrl.get(url.toString());
    if (attempts < 1 || attempts > 10) {
      throw new IllegalArgumentException("attempts must be between 1 and 10, got " + attempts);
    }
    if (backoff.isNegative() || backoff.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("backoff must be between 0 and 1m, got " + backoff);
    }
    this.kind = kind;
    this.url = parsed;
    this.attempts = attempts;
    this.backoff = backoff;
    this.payload = payload;
  }

  /** A generic JSON webhook. */
  public static WebhookNotifier json(URI url, int attempts, Duration backoff) {
    return new WebhookNotifier("webhook", url, attempts, backoff, a -> Map.of("alert", GuardJson.alert(a)));
  }

  /** A Slack incoming webhook. */
  public static WebhookNotifier slack(URI url, int attempts, Duration backoff) {
    return new WebhookNotifier("slack", url, attempts, backoff, WebhookNotifier::slackPayload);
  }

  /** Slack's incoming-webhook format (seed 001). */
  static Map<String, Object> slackPayload(Alert a) {
    String color = a.resolved() ? "good"
        : a.severity().severity() >= ComponentState.CRITICAL.severity() ? "danger" : "warning";
    String text = a.resolved()
        ? "Pipeline Alert resolved: " + a.severity().wireName()
        : "Pipeline Alert: " + a.severity().wireName();
    Map<String, Object> attachment = new LinkedHashMap<>();
    attachment.put("color", color);
    List<Map<String, Object>> fields = new java.util.ArrayList<>();
    fields.add(Map.of("title", "Component", "value", a.component(), "short", true));
    fields.add(Map.of("title", "Message", "value", a.message(), "short", false));
    a.resolutionAction().ifPresent(r -> fields.add(Map.of("title", "Resolution", "value", r, "short", true)));
    attachment.put("fields", fields);
    attachment.put("ts", a.lastSeen().getEpochSecond());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", text);
    body.put("attachments", List.of(attachment));
    return body;
  }

  @Override
  public void notify(Alert alert) {
    byte[] body = GuardJson.write(payload.apply(alert));
    Request request = new Request.Builder().url(url).post(RequestBody.create(body, JSON)).build();
    String last = "";
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try (Response response = client.newCall(request).execute()) {
        int code = response.code();
        if (code < 300) {
          delivered.incrementAndGet();
          return;
        }
        last = "HTTP " + code;
        if (code != 429 && code < 500) {
          break; // the receiver refuses this payload; retrying will not help
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (attempt < attempts) {
        sleep(backoff.multipliedBy(1L << (attempt - 1)));
      }
    }
    failed.incrementAndGet();
    LOG.warn("{} notifier could not deliver alert {} to {}: {}", kind, alert.id(), url.host(), last);
  }

  /**
   * Shuts the client's dispatcher down and closes its pooled connections (their cleanup task goes
   * with them). Idempotent; a notification sent afterwards still works but opens a new connection.
   */
  @Override
  public void close() {
    closed = true;
    client.dispatcher().cancelAll();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Connections the client holds open (idle or in use). */
  public int openConnections() {
    return client.connectionPool().connectionCount();
  }

  /** Alerts delivered. */
  public long delivered() {
    return delivered.get();
  }

  /** Alerts given up on. */
  public long failed() {
    return failed.get();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return kind + "(" + url.host() + ")";
  }
}
