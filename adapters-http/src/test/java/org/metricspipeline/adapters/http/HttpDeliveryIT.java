package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.RecordingStorage;

/**
 * Issue 13's HTTP side over real HTTP: idempotent retries after a 504, the safe default
 * acknowledgement, 503 at shutdown, liveness and readiness, health without a store call per request.
 */
class HttpDeliveryIT {

  private static final String ITEM = "{\"timestamp\":\"2025-12-03T12:00:00Z\",\"metric_type\":\"system\","
      + "\"metrics\":[{\"name\":\"mem\",\"value\":%d}]}";

  private final InMemoryStorageAdapter memory = InMemoryStorageAdapter.create();
  private final RecordingStorage storage = RecordingStorage.wrapping(memory).holdStores();
  private HttpIngestionAdapter http;
  private MetricsPipeline pipeline;
  private TestHttp client;

  @AfterEach
  void close() {
    storage.releaseStores();
    if (pipeline != null) {
      pipeline.close();
    } else {
      if (http != null) {
        http.close();
      }
      storage.close();
    }
  }

  private void server(Consumer<HttpIngestionAdapter.Builder> options, boolean withPipeline) {
    HttpIngestionAdapter.Builder b = HttpIngestionAdapter.builder().port(0).storage(storage).noRateLimits();
    options.accept(b);
    http = b.build();
    client = new TestHttp(http.uri());
    if (withPipeline) {
      pipeline = MetricsPipeline.builder().storage(storage).ingestion(http)
          .processingInterval(Duration.ofMillis(10)).build();
      pipeline.startProcessing();
    }
  }

  private long storedItems() {
    return storage.storedCount();
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  @Test
  void theDefaultAcknowledgementIsStored() {
    assertThat(HttpIngestionAdapter.DEFAULT_ACK_MODE).isEqualTo(AckMode.STORED);
    server(b -> { }, false);
    assertThat(http.ackMode()).isEqualTo(AckMode.STORED);
  }

  @Test
  void ackModeParsesTheLowerCaseNames() {
    assertThat(AckMode.parse("stored")).isEqualTo(AckMode.STORED);
    assertThat(AckMode.parse(" Accepted ")).isEqualTo(AckMode.ACCEPTED);
    assertThat(AckMode.STORED.wireName()).isEqualTo("stored");
    assertThatThrownBy(() -> AckMode.parse("later")).hasMessageContaining("stored or accepted");
  }

  @Test
  void aRetryAfterA504WithTheSameIdempotencyKeyIsStoredOnce() throws Exception {
    server(b -> b.storedTimeout(Duration.ofMillis(300)), true);

    HttpResponse<String> first = client.post("/api/v1/ingest", ITEM.formatted(1), "Idempotency-Key", "req-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(504);
    assertThat(first.headers().firstValue("Retry-After")).isPresent();

    storage.releaseStores(); // the store recovers; the first request's items are still buffered and get stored
    HttpResponse<String> retry = client.post("/api/v1/ingest", ITEM.formatted(1), "Idempotency-Key", "req-1");

    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(storedItems()).isEqualTo(1);
  }

  @Test
  void withoutAKeyTheSameRetryIsStoredTwice() throws Exception {
    server(b -> b.storedTimeout(Duration.ofMillis(300)), true);
    assertThat(client.post("/api/v1/ingest", ITEM.formatted(1)).statusCode()).isEqualTo(504);
    storage.releaseStores();
    assertThat(client.post("/api/v1/ingest", ITEM.formatted(1)).statusCode()).isEqualTo(200);
    await(() -> storedItems() == 2);
  }

  @Test
  void aRetryWhileTheFirstIsStillBeingStoredWaitsForItInsteadOfSendingACopy() throws Exception {
    server(b -> b.storedTimeout(Duration.ofSeconds(20)), true);
    CompletableFuture<HttpResponse<String>> first = client.postAsync("/metrics/ingest",
        "{\"metric_name\":\"mem\",\"value\":1,\"timestamp\":\"2025-12-03T12:00:00Z\"}", "Idempotency-Key", "k");
    await(() -> http.healthCheck().join().details().get("unsettled").equals(1));
    CompletableFuture<HttpResponse<String>> retry = client.postAsync("/metrics/ingest",
        "{\"metric_name\":\"mem\",\"value\":1,\"timestamp\":\"2025-12-03T12:00:00Z\"}", "Idempotency-Key", "k");
    storage.releaseStores();
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(retry.get().statusCode()).isEqualTo(200);
    assertThat(retry.get().headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(storedItems()).isEqualTo(1);
  }

  @Test
  void acceptedModeRepliesToARepeatedKeyWithoutBufferingAgain() throws Exception {
    server(b -> b.ackMode(AckMode.ACCEPTED), false);
    HttpResponse<String> first = client.post("/api/v1/ingest", ITEM.formatted(1), "Idempotency-Key", "a");
    HttpResponse<String> again = client.post("/api/v1/ingest", ITEM.formatted(1), "Idempotency-Key", "a");
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(http.healthCheck().join().details()).containsEntry("queued", 1);
  }

  @Test
  void theSameKeyWithAnotherBodyIs422AndAnUnusableKeyIs400() throws Exception {
    server(b -> b.ackMode(AckMode.ACCEPTED), false);
    assertThat(client.post("/api/v1/ingest", ITEM.formatted(1), "Idempotency-Key", "b").statusCode()).isEqualTo(202);
    HttpResponse<String> other = client.post("/api/v1/ingest", ITEM.formatted(2), "Idempotency-Key", "b");
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.body()).contains("Idempotency-Key");
    HttpResponse<String> tooLong = client.post("/api/v1/ingest", ITEM.formatted(3), "Idempotency-Key", "x".repeat(300));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(http.healthCheck().join().details()).containsEntry("queued", 1);
  }

  @Test
  void aFirstRequestRefusedWith503IsNotRememberedSoItsRetryGoesThrough() throws Exception {
    server(b -> b.ackMode(AckMode.ACCEPTED).capacity(1), false);
    assertThat(client.post("/api/v1/ingest", ITEM.formatted(1)).statusCode()).isEqualTo(202);
    HttpResponse<String> full = client.post("/api/v1/ingest", ITEM.formatted(2), "Idempotency-Key", "c");
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(full.headers().firstValue("Retry-After")).isPresent();
    assertThat(http.poll(1, Duration.ZERO).join()).singleElement().satisfies(d -> d.ack());
    assertThat(client.post("/api/v1/ingest", ITEM.formatted(2), "Idempotency-Key", "c").statusCode()).isEqualTo(202);
    assertThat(http.healthCheck().join().details()).containsEntry("queued", 1);
  }

  @Test
  void storedRequestsStillWaitingAtShutdownGet503WithRetryAfter() throws Exception {
    server(b -> b.storedTimeout(Duration.ofSeconds(30)).shutdownTimeout(Duration.ofMillis(300)), true);
    CompletableFuture<HttpResponse<String>> waiting = client.postAsync("/api/v1/ingest", ITEM.formatted(1));
    await(() -> http.healthCheck().join().details().get("unsettled").equals(1));

    CompletableFuture<Void> closing = CompletableFuture.runAsync(http::close);
    HttpResponse<String> r = waiting.get(20, TimeUnit.SECONDS);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    closing.get(20, TimeUnit.SECONDS);
  }

  @Test
  void livenessIsUpWhileTheStoreIsDownAndReadinessFollowsTheStore() throws Exception {
    server(b -> { }, false);
    assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
    assertThat(client.get("/health/ready").statusCode()).isEqualTo(200);
    memory.close(); // the in-memory store reports unhealthy once closed
    assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
    await(() -> {
      try {
        return client.get("/health/ready").statusCode() == 503;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void healthRequestsDoNotReachTheStoreEachTime() throws Exception {
    server(b -> { }, true);
    for (int i = 0; i < 30; i++) {
      assertThat(client.get("/health").statusCode()).isEqualTo(200);
      assertThat(client.get("/health/ready").statusCode()).isEqualTo(200);
      assertThat(client.get("/db/status").statusCode()).isEqualTo(200);
    }
    // 90 probes within the 2 s cache period: one check for /health (through the pipeline), one for the store
    assertThat(storage.healthChecks()).isLessThanOrEqualTo(4);
  }

  @Test
  void healthReportsThePipelineBuiltWithTheAdapterWithoutAForwardReference() throws Exception {
    server(b -> { }, true);
    HttpResponse<String> r = client.get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(TestHttp.json(r).at("/details/state").asText()).isEqualTo("running");
    assertThat(TestHttp.json(r).at("/details/ingestion/name").asText()).isEqualTo("http");
  }
}
