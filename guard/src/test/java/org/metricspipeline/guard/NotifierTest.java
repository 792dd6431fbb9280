package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.metricspipeline.guard.TestPipelines.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.guard.internal.WebhookNotifier;
import org.metricspipeline.testkit.MutableClock;

class NotifierTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final Alert alert = new Alert("storage:critical", "storage", ComponentState.CRITICAL,
      "storage is critical: 3 failed checks in a row", Instant.parse("2026-01-01T00:00:00Z"),
      Map.of("reason", "connection refused"), false, Optional.empty(), 1, Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeEach
  void start() throws IOException {
    server.start(0);
  }

  @AfterEach
  void stop() throws IOException {
    server.shutdown();
  }

  private URI url() {
    return server.url("/hook").uri();
  }

  private JsonNode received() throws Exception {
    RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(r).as("a request reached the webhook").isNotNull();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    return JSON.readTree(r.getBody().readUtf8());
  }

  @Test
  void webhookPostsTheAlertWithSeed001Fields() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(200));
    AlertNotifier.webhook(url()).notify(alert);
    JsonNode a = received().get("alert");
    assertThat(a.get("component").asText()).isEqualTo("storage");
    assertThat(a.get("severity").asText()).isEqualTo("critical");
    assertThat(a.get("message").asText()).contains("3 failed checks");
    assertThat(a.get("timestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(a.get("metadata").get("reason").asText()).isEqualTo("connection refused");
    assertThat(a.get("resolved").asBoolean()).isFalse();
    assertThat(a.get("resolution_action").isNull()).isTrue();
  }

  @Test
  void slackGetsItsIncomingWebhookFormat() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(200));
    AlertNotifier.slack(url()).notify(alert);
    JsonNode body = received();
    assertThat(body.get("text").asText()).isEqualTo("Pipeline Alert: critical");
    JsonNode attachment = body.get("attachments").get(0);
    assertThat(attachment.get("color").asText()).isEqualTo("danger");
    assertThat(attachment.get("fields").get(0).get("title").asText()).isEqualTo("Component");
    assertThat(attachment.get("fields").get(0).get("value").asText()).isEqualTo("storage");
    assertThat(attachment.get("fields").get(0).get("short").asBoolean()).isTrue();
    assertThat(attachment.get("fields").get(1).get("title").asText()).isEqualTo("Message");
  }

  @Test
  void aResolvedAlertIsGreenInSlack() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(200));
    AlertNotifier.slack(url()).notify(alert.resolve("restart-storage", Instant.parse("2026-01-01T00:05:00Z")));
    JsonNode body = received();
    assertThat(body.get("text").asText()).isEqualTo("Pipeline Alert resolved: critical");
    assertThat(body.get("attachments").get(0).get("color").asText()).isEqualTo("good");
    assertThat(body.get("attachments").get(0).get("fields").get(2).get("value").asText()).isEqualTo("restart-storage");
  }

  @Test
  void retriesOnServerErrorsWhenTheirBackoffHasPassedOnTheClock() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(503));
    server.enqueue(new MockResponse().setResponseCode(500));
    server.enqueue(new MockResponse().setResponseCode(204));
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    WebhookNotifier webhook = WebhookNotifier.json(url(), 3, Duration.ofSeconds(10));
    webhook.useClock(clock);

    webhook.notify(alert);
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(webhook.pendingRetries()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(9));
    assertThat(webhook.retryDue()).isFalse();
    webhook.runDueRetries();
    assertThat(server.getRequestCount()).as("not before the first backoff").isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(webhook.retryDue()).isTrue();
    webhook.runDueRetries();
    assertThat(server.getRequestCount()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(19));
    webhook.runDueRetries();
    assertThat(server.getRequestCount()).as("the second backoff is doubled").isEqualTo(2);
    clock.advance(Duration.ofSeconds(1));
    webhook.runDueRetries();
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(webhook.delivered()).isEqualTo(1);
    assertThat(webhook.pendingRetries()).isZero();
    webhook.close();
  }

  @Test
  void givesUpAfterItsAttempts() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse().setResponseCode(500));
    }
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    WebhookNotifier webhook = WebhookNotifier.json(url(), 2, Duration.ofSeconds(1));
    webhook.useClock(clock);

    webhook.notify(alert);
    clock.advance(Duration.ofHours(1));
    webhook.runDueRetries();
    webhook.runDueRetries();

    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(webhook.failed()).isEqualTo(1);
    assertThat(webhook.pendingRetries()).isZero();
    webhook.close();
  }

  @Test
  void doesNotRetryWhatTheReceiverRefuses() {
    server.enqueue(new MockResponse().setResponseCode(400));
    server.enqueue(new MockResponse().setResponseCode(200));
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    WebhookNotifier webhook = WebhookNotifier.json(url(), 3, Duration.ofSeconds(1));
    webhook.useClock(clock);

    webhook.notify(alert);
    clock.advance(Duration.ofHours(1));
    webhook.runDueRetries();

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(webhook.pendingRetries()).isZero();
    assertThat(webhook.failed()).isEqualTo(1);
    webhook.close();
  }

  @Test
  void theGuardSendsADueRetryWhenItsClockHasMoved() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(503));
    server.enqueue(new MockResponse().setResponseCode(200));
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    WebhookNotifier webhook = WebhookNotifier.json(url(), 3, Duration.ofSeconds(30));
    try (SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder().clock(clock).failureThreshold(1)
        .component("db", HealthCheck.of(() -> HealthCheckResult.unhealthy("down")))
        .notifier(webhook).build()) {
      guard.runDueChecks();
      assertThat(received().get("alert").get("id").asText()).isEqualTo("db:critical");
      await("the failed delivery waits for a retry", () -> webhook.pendingRetries() == 1);

      clock.advance(Duration.ofSeconds(29));
      guard.runDueChecks();
      assertThat(server.takeRequest(200, TimeUnit.MILLISECONDS)).as("no retry before its backoff").isNull();

      clock.advance(Duration.ofSeconds(1));
      guard.runDueChecks();
      assertThat(received().get("alert").get("id").asText()).isEqualTo("db:critical");
      await("the retry was delivered", () -> webhook.delivered() == 1);
    }
  }

  @Test
  void closingTheGuardGivesUpWaitingRetries() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(503));
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    WebhookNotifier webhook = WebhookNotifier.json(url(), 3, Duration.ofSeconds(30));
    SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder().clock(clock).failureThreshold(1)
        .component("db", HealthCheck.of(() -> HealthCheckResult.unhealthy("down"))).notifier(webhook).build();
    guard.runDueChecks();
    received();
    await("the failed delivery waits for a retry", () -> webhook.pendingRetries() == 1);

    guard.close();

    assertThat(webhook.pendingRetries()).isZero();
    assertThat(webhook.failed()).isEqualTo(1);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aGuardAlertReachesTheWebhookWithoutWaitingForIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.enqueue(new MockResponse().setResponseCode(200));
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    try (SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder().clock(clock).failureThreshold(1)
        .component("db", HealthCheck.of(() -> HealthCheckResult.unhealthy("down")))
        .notifier(a -> {
          try {
            release.await(); // a stuck notifier must not hold up checks
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .notifier(AlertNotifier.webhook(url()))
        .build()) {
      SystemStatus s = guard.runDueChecks();
      assertThat(s.activeAlerts()).hasSize(1);
      assertThat(server.getRequestCount()).isZero();
      release.countDown();
      JsonNode a = received().get("alert");
      assertThat(a.get("id").asText()).isEqualTo("db:critical");
    }
  }

  @Test
  void aFailedDeliveryIsLoggedWithoutTheWebhookUrlsSecretParts() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(500));
    URI secretUrl = server.url("/services/T0/B0/s3cr3t-token-value").uri();
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      AlertNotifier.slack(secretUrl, 1, Duration.ZERO).notify(alert);
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(log).contains("could not deliver alert storage:critical").contains("HTTP 500")
        .doesNotContain("s3cr3t-token-value").doesNotContain("/services/");
  }

  @Test
  void closingTheGuardReleasesTheWebhookClientsConnections() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(200));
    WebhookNotifier webhook = WebhookNotifier.json(url(), 1, Duration.ZERO);
    SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder().clock(MutableClock.at("2026-01-01T00:00:00Z"))
        .failureThreshold(1).component("db", HealthCheck.of(() -> HealthCheckResult.unhealthy("down")))
        .notifier(webhook).build();
    guard.runDueChecks();
    received();
    await("the answered request's connection is back in the pool", () -> webhook.openConnections() == 1);

    guard.close(); // waits for queued notifications, then closes the notifiers

    assertThat(webhook.isClosed()).isTrue();
    assertThat(webhook.openConnections()).isZero();
    assertThat(webhook.delivered()).isEqualTo(1);
  }
}
