package org.metricspipeline.guard.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
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
import org.metricspipeline.core.RetryPolicy;
import org.metricspipeline.guard.Alert;
import org.metricspipeline.guard.AlertNotifier;
import org.metricspipeline.guard.ComponentState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs alerts as JSON over OkHttp, retried on network errors, 429 and 5xx with core's
 * {@link RetryPolicy} (exponential backoff, no jitter). A retry is scheduled, not slept: it waits on
 * the guard's clock ({@link ScheduledRetries}) and the guard's tick sends it on the notifier thread,
 * so neither health checks nor other alerts wait for a failing receiver. At most
 * {@link #MAX_PENDING} deliveries wait for a retry (beyond that the oldest is given up, logged);
 * those still waiting at {@link #close()} are given up and logged. The URL is never logged (webhook
 * URLs carry secrets), only its host.
 *
 * <p>Each notifier owns its OkHttp client (its own connection pool and dispatcher), so
 * {@link #close()}, called by the guard when it closes, releases exactly this notifier's
 * connections and threads.
 */
public final class WebhookNotifier implements AlertNotifier, ScheduledRetries {

  /** Most deliveries waiting for a retry at once. */
  public static final int MAX_PENDING = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final String kind;
  private final HttpUrl url;
  private final RetryPolicy retry;
  private final Function<Alert, Object> payload;
  private final PriorityQueue<Pending> pending =
      new PriorityQueue<>(Comparator.comparing(Pending::due).thenComparingLong(Pending::seq));
  private final AtomicLong sequence = new AtomicLong();
  private volatile Clock clock = Clock.systemUTC();
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
    // doubling from the first backoff, without jitter: retry n waits backoff * 2^(n-1)
    this.retry = RetryPolicy.builder().maxAttempts(attempts).initialBackoff(backoff)
        .maxBackoff(Duration.ofHours(1)).multiplier(2.0).jitter(0.0).build();
    this.payload = payload;
  }

  /** One delivery waiting for attempt {@code attempt} at {@code due}. */
  private record Pending(Alert alert, Request request, int attempt, Instant due, long seq) {}

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
    attempt(alert, request, 1);
  }

  @Override
  public void useClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean retryDue() {
    synchronized (pending) {
      Pending next = pending.peek();
      return next != null && !next.due().isAfter(clock.instant());
    }
  }

  @Override
  public void runDueRetries() {
    List<Pending> due = new ArrayList<>();
    synchronized (pending) {
      Instant now = clock.instant();
      while (!pending.isEmpty() && !pending.peek().due().isAfter(now)) {
        due.add(pending.poll());
      }
    }
    for (Pending p : due) {
      attempt(p.alert(), p.request(), p.attempt());
    }
  }

  @Override
  public int pendingRetries() {
    synchronized (pending) {
      return pending.size();
    }
  }

  /** Sends attempt {@code attempt}; on a retryable failure schedules the next one on the clock. */
  private void attempt(Alert alert, Request request, int attempt) {
    String outcome;
    boolean retryable;
    try (Response response = client.newCall(request).execute()) {
      int code = response.code();
      if (code < 300) {
        delivered.incrementAndGet();
        return;
      }
      outcome = "HTTP " + code;
      retryable = code == 429 || code >= 500; // other answers refuse this payload: retrying will not help
    } catch (IOException e) {
      outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
      retryable = true;
    }
    if (!retryable || attempt >= retry.maxAttempts() || closed) {
      giveUp(alert, outcome);
      return;
    }
    Pending dropped = null;
    synchronized (pending) {
      pending.add(new Pending(alert, request, attempt + 1, clock.instant().plus(retry.backoff(attempt)),
          sequence.incrementAndGet()));
      if (pending.size() > MAX_PENDING) {
        dropped = pending.stream().min(Comparator.comparingLong(Pending::seq)).orElseThrow();
        pending.remove(dropped);
      }
    }
    if (dropped != null) {
      giveUp(dropped.alert(), "more than " + MAX_PENDING + " deliveries waiting for a retry");
    }
  }

  private void giveUp(Alert alert, String reason) {
    failed.incrementAndGet();
    LOG.warn("{} notifier could not deliver alert {} to {}: {}", kind, alert.id(), url.host(), reason);
  }

  /**
   * Gives up the deliveries waiting for a retry (logged), shuts the client's dispatcher down and
   * closes its pooled connections (their cleanup task goes with them). Idempotent; a notification
   * sent afterwards is tried once and opens a new connection.
   */
  @Override
  public void close() {
    closed = true;
    List<Pending> abandoned;
    synchronized (pending) {
      abandoned = new ArrayList<>(pending);
      pending.clear();
    }
    abandoned.forEach(p -> giveUp(p.alert(), "the guard closed while a retry was waiting"));
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

  @Override
  public String toString() {
    return kind + "(" + url.host() + ")";
  }
}
