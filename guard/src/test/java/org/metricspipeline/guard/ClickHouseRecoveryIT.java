package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.metricspipeline.guard.TestPipelines.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.clickhouse.ClickHouseStorageAdapter;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;
import org.metricspipeline.testkit.MutableClock;

/**
 * The guard over a pipeline that streams into a real ClickHouse server, which is stopped and
 * started again ({@code scripts/clickhouse.sh stop|start}, as adapters-clickhouse's OutageIT does,
 * on a server of its own under {@code target/clickhouse-guard} so other tests keep theirs): the
 * guard sees storage critical, pauses ingestion, the circuit opens and an alert goes out; once the
 * server is back, storage is healthy, the alert resolved, ingestion resumed, and every item the
 * channel accepted is stored exactly once.
 *
 * <p>Needs {@code CLICKHOUSE_URL} (any running server: it says that ClickHouse is installed and
 * allowed here; {@code scripts/verify.sh} sets it). Without it the test fails when {@code CI=true}
 * and is skipped otherwise, saying how to start one.
 */
class ClickHouseRecoveryIT {

  private static final String HOW = "no ClickHouse server: run `export CLICKHOUSE_URL=$(scripts/clickhouse.sh start)` "
      + "(or set CLICKHOUSE_URL to a running server's HTTP URL), or run scripts/verify.sh which does both";
  private static final Path SCRIPT = Path.of("..", "scripts", "clickhouse.sh").toAbsolutePath().normalize();
  private static final Path DIR = Path.of("target", "clickhouse-guard").toAbsolutePath();
  private static final Instant BASE = Instant.now().minusSeconds(3600);
  private static String url;

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");

  @BeforeAll
  static void startOwnServer() throws Exception {
    String given = System.getenv("CLICKHOUSE_URL");
    if (given == null || given.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(HOW + " (CI=true: a missing server is a failure)");
      }
      Assumptions.abort(HOW + " (skipped because CI is not \"true\")");
    }
    url = script("start").trim();
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (url != null) {
      script("stop");
    }
  }

  private static List<MetricsData> items(int from, int count) {
    List<MetricsData> list = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      list.add(MetricsData.builder().timestamp(BASE.plusMillis(i)).metricType("guard_it").source("it")
          .metric(Metric.of("events", i, Map.of("id", Integer.toString(i)))).build());
    }
    return list;
  }

  private static void send(InMemoryIngestionAdapter channel, int from, int count) {
    MetricsBatchResult r = channel.batchIngest(items(from, count)).join();
    assertThat(r.failures()).as("the channel accepts every item").isEmpty();
  }

  private static double figure(List<Measurement> ms, String name) {
    return ms.stream().filter(m -> m.name().equals(name)).mapToDouble(Measurement::value).sum();
  }

  private ComponentState storageState(SelfHealingPipelineGuard guard) {
    return guard.getSystemStatus().component(SelfHealingPipelineGuard.STORAGE).orElseThrow().state();
  }

  private SystemStatus check(SelfHealingPipelineGuard guard) {
    clock.advance(Duration.ofSeconds(30));
    return guard.runDueChecks();
  }

  @Test
  void theGuardRidesOutAClickHouseRestartAndEveryAcceptedItemIsStoredExactlyOnce() throws Exception {
    String database = ("guard_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8))
        .toLowerCase(Locale.ROOT);
    List<Alert> notified = new CopyOnWriteArrayList<>();
    InMemoryIngestionAdapter channel = InMemoryIngestionAdapter.builder().capacity(20_000).build();
    GuardedStorage storage = GuardedStorage.builder(() -> ClickHouseStorageAdapter.builder(url).database(database)
            .connectTimeout(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(10)).build())
        .failureThreshold(3).openDuration(Duration.ofSeconds(10)).clock(clock).build();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(channel).batchSize(200)
            .processingInterval(Duration.ofMillis(20)).storeTimeout(Duration.ofSeconds(15))
            .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50))
                .maxBackoff(Duration.ofMillis(200)).build())
            .build();
        SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).clock(clock)
            .failureThreshold(2).maxRecoveryAttempts(10).notifier(notified::add).build()) {
      ((ClickHouseStorageAdapter) storage.delegate()).createSchema().get(30, TimeUnit.SECONDS);
      pipeline.startProcessing();

      // streaming while the server is up
      send(channel, 0, 2000);
      await("the first 2000 items stored and acked", () -> pipeline.stats().stored() == 2000
          && channel.depth() == 0 && channel.inFlight() == 0);
      assertThat(check(guard).overall()).isEqualTo(ComponentState.HEALTHY);

      // the server stops; producers keep sending to the channel
      script("stop");
      send(channel, 2000, 2000);
      await("the circuit opened on failed stores", () -> figure(storage.measurements(),
          "metrics_guard_circuit_opened_total") >= 1);
      check(guard);
      check(guard);
      assertThat(storageState(guard)).isIn(ComponentState.RECOVERING, ComponentState.FAILED);
      assertThat(pipeline.isIngestionPaused()).as("ingestion paused while storage is down").isTrue();
      assertThat(guard.activeAlerts()).extracting(Alert::id).contains("storage:critical");
      assertThat(guard.getSystemStatus().recoveryHistory()).extracting(RecoveryAttempt::strategy)
          .contains("pause-ingestion", "shrink-batch-size", "restart-storage");
      assertThat(storage.generation()).as("restart-storage re-created the adapter").isGreaterThan(1);
      assertThat(pipeline.batchSize()).as("shrunk while stores fail").isLessThan(200);
      await("the critical alert reached the notifier",
          () -> notified.stream().anyMatch(a -> a.id().equals("storage:critical") && !a.resolved()));
      send(channel, 4000, 1000); // accepted meanwhile: waits in the channel
      await("all 3000 unstored items wait in the channel (the pipeline nacked what it held)",
          () -> channel.depth() == 3000 && channel.inFlight() == 0);
      assertThat(pipeline.stats().deadLettered()).as("channel items are nacked, never dead-lettered").isZero();

      // the server is back, on the same port with the same data
      assertThat(script("start").trim()).isEqualTo(url);
      for (int i = 0; i < 10 && storageState(guard) != ComponentState.HEALTHY; i++) {
        check(guard);
      }
      assertThat(storageState(guard)).isEqualTo(ComponentState.HEALTHY);
      assertThat(pipeline.isIngestionPaused()).as("ingestion resumed").isFalse();
      assertThat(pipeline.batchSize()).as("batch size restored").isEqualTo(200);
      assertThat(guard.activeAlerts()).isEmpty();
      assertThat(guard.resolvedAlerts()).filteredOn(a -> a.id().equals("storage:critical")).singleElement()
          .satisfies(a -> assertThat(a.resolutionAction().orElseThrow()).contains("pause-ingestion"));
      await("every accepted item stored", () -> pipeline.stats().stored() >= 5000
          && channel.depth() == 0 && channel.inFlight() == 0);
      await("the circuit closed", () -> storage.circuitState() == GuardedStorage.CircuitState.CLOSED);
      await("the resolution reached the notifier",
          () -> notified.stream().anyMatch(a -> a.id().equals("storage:critical") && a.resolved()));

      List<MetricsData> rows = storage.query(MetricsQuery.builder().metricType("guard_it")
          .limit(MetricsQuery.MAX_LIMIT).build()).get(60, TimeUnit.SECONDS);
      Set<String> ids = new HashSet<>();
      rows.forEach(d -> d.metrics().forEach(m -> ids.add(m.tags().get("id"))));
      assertThat(ids).as("every accepted item stored").hasSize(5000);
      assertThat(rows).as("each exactly once").hasSize(5000);
      assertThat(pipeline.stats().stored()).isEqualTo(5000);
    }
  }

  private static String script(String command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), command).redirectErrorStream(false);
    pb.environment().put("CLICKHOUSE_DIR", DIR.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(SCRIPT + " " + command + " failed: " + err);
    }
    return out;
  }
}
