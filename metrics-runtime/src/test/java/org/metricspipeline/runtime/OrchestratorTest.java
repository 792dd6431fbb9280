package org.metricspipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.MutableClock;
import org.junit.jupiter.api.Test;

class OrchestratorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> events = new CopyOnWriteArrayList<>();

  private Part recording(String name, PartKind kind, String... deps) {
    return Part.of(name, kind, List.of(deps), () -> events.add("start " + name), () -> events.add("stop " + name));
  }

  @Test
  void startsInDependencyOrderThenByKindAndStopsInReverse() {
    Orchestrator o = Orchestrator.builder()
        .part(recording("jobs", PartKind.JOB, "pipeline"))
        .part(recording("guard", PartKind.GUARD, "pipeline"))
        .part(recording("http", PartKind.HTTP_SERVER, "pipeline"))
        .part(recording("sqs", PartKind.CHANNEL, "pipeline"))
        .part(recording("pipeline", PartKind.PIPELINE, "storage"))
        .part(recording("collector", PartKind.COLLECTOR, "guard"))
        .part(recording("storage", PartKind.STORAGE))
        .build();
    assertThat(o.startOrder()).containsExactly("storage", "pipeline", "sqs", "http", "guard", "collector", "jobs");
    o.start();
    o.close();
    assertThat(events).containsExactly("start storage", "start pipeline", "start sqs", "start http", "start guard",
        "start collector", "start jobs", "stop jobs", "stop collector", "stop guard", "stop http", "stop sqs",
        "stop pipeline", "stop storage");
    assertThat(o.status().state()).isEqualTo("stopped");
    assertThat(o.status().parts()).allMatch(p -> p.state() == PartState.STOPPED);
  }

  @Test
  void aDependencyWinsOverTheKindOrder() {
    // a store that needs a channel first (contrived, but the dependency must decide)
    Orchestrator o = Orchestrator.builder()
        .part(recording("store", PartKind.STORAGE, "tunnel"))
        .part(recording("tunnel", PartKind.CHANNEL))
        .build();
    assertThat(o.startOrder()).containsExactly("tunnel", "store");
  }

  @Test
  void buildRejectsDuplicateNamesUnknownDependenciesAndCycles() {
    assertThatThrownBy(() -> Orchestrator.builder().part(recording("a", PartKind.JOB))
        .part(recording("a", PartKind.JOB)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("two parts are named 'a'");
    assertThatThrownBy(() -> Orchestrator.builder().part(recording("pipeline", PartKind.PIPELINE, "storage")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("part 'pipeline' depends on 'storage', which is not a part; parts: [pipeline]");
    assertThatThrownBy(() -> Orchestrator.builder().part(recording("a", PartKind.JOB, "b"))
        .part(recording("b", PartKind.JOB, "a")).part(recording("c", PartKind.STORAGE)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dependency cycle among parts [a -> [b], b -> [a]]");
    assertThatThrownBy(() -> Orchestrator.builder().startTimeout(Duration.ZERO))
        .hasMessage("startTimeout must be between 1 ms and 1 h, got PT0S");
  }

  @Test
  void aPortAlreadyBoundFailsTheStartNamingTheHttpPartAndStopsTheRealPartsStartedBeforeIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicReference<InMemoryStorageAdapter> storage = new AtomicReference<>();
      AtomicReference<MetricsPipeline> pipeline = new AtomicReference<>();
      Orchestrator o = Orchestrator.builder()
          .part(Part.of("storage", PartKind.STORAGE, List.of(),
              () -> storage.set(InMemoryStorageAdapter.create()), () -> storage.get().close()))
          .part(Part.of("pipeline", PartKind.PIPELINE, List.of("storage"), () -> {
            pipeline.set(MetricsPipeline.builder().storage(storage.get()).build());
            pipeline.get().startProcessing();
          }, () -> pipeline.get().stop().join()))
          .part(Part.of("http", PartKind.HTTP_SERVER, List.of("pipeline"),
              () -> HttpIngestionAdapter.builder().port(taken.getLocalPort()).build(), () -> events.add("stop http")))
          .part(recording("guard", PartKind.GUARD, "http"))
          .build();
      assertThatThrownBy(o::start)
          .isInstanceOf(OrchestratorException.class)
          .hasCauseInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("part 'http' (http_server) failed to start: ConfigurationException: ")
          .hasMessageContaining(String.valueOf(taken.getLocalPort()))
          .hasMessageEndingWith("; stopped 2 started part(s) [pipeline, storage]")
          .satisfies(e -> assertThat(((OrchestratorException) e).partName()).isEqualTo("http"));
      // the parts started before it were really stopped; the http part was never stopped, the guard never started
      assertThat(pipeline.get().healthCheck().get(5, TimeUnit.SECONDS).status()).isEqualTo(HealthStatus.UNHEALTHY);
      assertThatThrownBy(() -> pipeline.get().startProcessing()).hasMessageContaining("stopped");
      assertThat(events).isEmpty();
      OrchestratorStatus status = o.status();
      assertThat(status.state()).isEqualTo("failed");
      assertThat(status.lastError()).hasValueSatisfying(m -> assertThat(m).startsWith("part 'http'"));
      assertThat(status.part("storage").orElseThrow().state()).isEqualTo(PartState.STOPPED);
      assertThat(status.part("http").orElseThrow().state()).isEqualTo(PartState.FAILED);
      assertThat(status.part("http").orElseThrow().lastError()).hasValueSatisfying(m -> assertThat(m)
          .startsWith("ConfigurationException: "));
      assertThat(status.part("guard").orElseThrow().state()).isEqualTo(PartState.STOPPED);
      assertThat(o.awaitStopped(Duration.ZERO)).isTrue();
      assertThatThrownBy(o::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("starts once");
    }
  }

  @Test
  void aStartThatHangsTimesOutIsAskedToStopAndRollsBack() {
    CountDownLatch never = new CountDownLatch(1);
    Orchestrator o = Orchestrator.builder()
        .startTimeout(Duration.ofMillis(200))
        .part(recording("storage", PartKind.STORAGE))
        .part(Part.of("clickhouse-check", PartKind.JOB, List.of("storage"), never::await, never::countDown))
        .build();
    assertThatThrownBy(o::start).isInstanceOf(OrchestratorException.class)
        .hasMessage("part 'clickhouse-check' (job) failed to start: did not start within 200 ms; "
            + "stopped 1 started part(s) [storage]");
    assertThat(never.getCount()).as("the hanging part was asked to stop").isZero();
    assertThat(events).containsExactly("start storage", "stop storage");
  }

  @Test
  void aStopThatHangsOrThrowsIsBoundedAndTheNextPartsStillStop() {
    CountDownLatch never = new CountDownLatch(1);
    Orchestrator o = Orchestrator.builder()
        .stopTimeout(Duration.ofMillis(200))
        .part(recording("storage", PartKind.STORAGE))
        .part(Part.of("stuck", PartKind.PIPELINE, List.of(), () -> { }, never::await))
        .part(Part.of("broken", PartKind.CHANNEL, List.of(), () -> { }, () -> {
          throw new IllegalStateException("socket gone");
        }))
        .build();
    o.start();
    long t0 = System.nanoTime();
    o.stop();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    assertThat(events).containsExactly("start storage", "stop storage");
    OrchestratorStatus s = o.status();
    assertThat(s.state()).isEqualTo("stopped");
    assertThat(s.part("stuck").orElseThrow().state()).isEqualTo(PartState.FAILED);
    assertThat(s.part("stuck").orElseThrow().lastError()).contains("stop failed: did not stop within 200 ms");
    assertThat(s.part("broken").orElseThrow().lastError()).contains("stop failed: IllegalStateException: socket gone");
    never.countDown();
  }

  @Test
  void stopWhileStartingStopsAfterThePartBeingStartedAndRollsBack() throws Exception {
    CountDownLatch inStart = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Orchestrator o = Orchestrator.builder()
        .part(recording("storage", PartKind.STORAGE))
        .part(Part.of("slow", PartKind.PIPELINE, List.of("storage"), () -> {
          inStart.countDown();
          release.await();
        }, () -> events.add("stop slow")))
        .part(recording("jobs", PartKind.JOB, "slow"))
        .build();
    CompletableFuture<Void> start = CompletableFuture.runAsync(o::start);
    assertThat(inStart.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> stop = CompletableFuture.runAsync(o::stop);
    while (!o.toString().contains("stop requested")) { // stop() has registered while the start runs
      Thread.onSpinWait();
    }
    release.countDown();
    stop.get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> start.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(OrchestratorException.class)
        .hasMessageContaining("part 'jobs' (job) was not started: IllegalStateException: stop requested while starting");
    assertThat(events).containsExactly("start storage", "stop slow", "stop storage");
  }

  @Test
  void statusReportsUptimeOnTheInjectedClockAndDetailsOfRunningParts() {
    MutableClock clock = MutableClock.at("2026-12-04T19:00:00Z");
    Orchestrator o = Orchestrator.builder().clock(clock)
        .part(Part.of("storage", PartKind.STORAGE, List.of(), () -> { }, () -> { }, () -> Map.of("provider", "memory")))
        .build();
    assertThat(o.status().state()).isEqualTo("new");
    assertThat(o.status().part("storage").orElseThrow().state()).isEqualTo(PartState.PENDING);
    o.start();
    clock.advance(Duration.ofSeconds(90));
    OrchestratorStatus s = o.status();
    assertThat(s.uptime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.startedAt()).contains(Instant.parse("2026-12-04T19:00:00Z"));
    PartStatus storage = s.part("storage").orElseThrow();
    assertThat(storage.uptime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(storage.details()).containsEntry("provider", "memory");
    assertThat(s.allRunning()).isTrue();
    o.stop();
    assertThat(o.status().uptime()).isZero();
    assertThat(o.status().part("storage").orElseThrow().details()).isEmpty();
  }

  @Test
  void theHttpServerServesTheStatusOfEveryRealPart() throws Exception {
    AtomicReference<InMemoryStorageAdapter> storage = new AtomicReference<>();
    AtomicReference<HttpIngestionAdapter> http = new AtomicReference<>();
    AtomicReference<MetricsPipeline> pipeline = new AtomicReference<>();
    AtomicReference<Orchestrator> self = new AtomicReference<>();
    Orchestrator o = Orchestrator.builder()
        .part(Part.of("storage", PartKind.STORAGE, List.of(),
            () -> storage.set(InMemoryStorageAdapter.create()), () -> storage.get().close()))
        .part(Part.of("http", PartKind.HTTP_SERVER, List.of("storage"),
            () -> http.set(HttpIngestionAdapter.builder().port(0).storage(storage.get()).noRateLimits()
                .endpoints(List.of(Orchestrator.statusEndpoint(() -> java.util.Optional.ofNullable(self.get())
                    .map(Orchestrator::status), java.time.Clock.systemUTC()))).build()),
            () -> http.get().close(), () -> Map.of("url", http.get().uri().toString())))
        .part(Part.of("pipeline", PartKind.PIPELINE, List.of("http"), () -> {
          pipeline.set(MetricsPipeline.builder().storage(storage.get()).ingestion(http.get()).build());
          pipeline.get().startProcessing();
        }, () -> pipeline.get().stop().join()))
        .build();
    self.set(o);
    o.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(
          URI.create(http.get().uri() + Orchestrator.STATUS_PATH)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.path("state").asText()).isEqualTo("running");
      assertThat(body.path("parts")).hasSize(3);
      for (JsonNode part : body.path("parts")) {
        assertThat(part.path("state").asText()).as(part.toString()).isEqualTo("running");
        assertThat(part.path("uptime_seconds").isNumber()).isTrue();
        assertThat(part.path("last_error").isNull()).isTrue();
      }
      assertThat(body.path("parts").get(1).path("name").asText()).isEqualTo("http");
      assertThat(body.path("parts").get(1).path("details").path("url").asText()).isEqualTo(http.get().uri().toString());
      assertThat(body.path("parts").get(2).path("depends_on").get(0).asText()).isEqualTo("http");
    } finally {
      o.close();
    }
    assertThat(o.status().parts()).allMatch(p -> p.state() == PartState.STOPPED);
  }
}
