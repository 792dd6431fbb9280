package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.metricspipeline.guard.TestPipelines.await;
import static org.metricspipeline.guard.TestPipelines.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.MutableClock;

class RecoveryTest {

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  private final FlakyStorage.Server server = new FlakyStorage.Server();
  private final InMemoryIngestionAdapter channel = InMemoryIngestionAdapter.create();
  private MetricsPipeline pipeline;
  private SelfHealingPipelineGuard guard;

  @AfterEach
  void close() {
    if (guard != null) {
      guard.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private ComponentState storageState() {
    return guard.getSystemStatus().component(SelfHealingPipelineGuard.STORAGE).orElseThrow().state();
  }

  private void check() {
    clock.advance(Duration.ofSeconds(30));
    guard.runDueChecks();
  }

  @Test
  void watchingAPipelineRegistersItAndItsAdapters() {
    pipeline = TestPipelines.started(server.connect(), channel, 10);
    guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).clock(clock).build();
    SystemStatus s = guard.checkNow();
    assertThat(s.components()).extracting(ComponentStatus::name).containsExactly("pipeline", "storage", "ingestion");
    assertThat(s.overall()).isEqualTo(ComponentState.HEALTHY);
    assertThat(s.component("pipeline").orElseThrow().lastResult()).containsEntry("state", "running")
        .doesNotContainKey("storage");
  }

  @Test
  void pausesIngestionWhileStorageIsDownAndLosesNoData() {
    pipeline = TestPipelines.started(server.connect(), channel, 10);
    guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).clock(clock).failureThreshold(2).build();
    server.down = true;
    ingest(channel, 0, 50);
    check();
    check();
    assertThat(storageState()).isEqualTo(ComponentState.RECOVERING);
    assertThat(pipeline.isIngestionPaused()).isTrue();
    assertThat(guard.getSystemStatus().recoveryHistory()).extracting(RecoveryAttempt::strategy)
        .contains("pause-ingestion");

    server.down = false;
    check();
    check();
    assertThat(storageState()).isEqualTo(ComponentState.HEALTHY);
    assertThat(pipeline.isIngestionPaused()).isFalse();
    await("all 50 items stored", () -> server.points() == 50);
    await("channel drained", () -> channel.depth() == 0 && channel.inFlight() == 0);
    assertThat(guard.resolvedAlerts()).last().satisfies(a ->
        assertThat(a.resolutionAction().orElseThrow()).contains("pause-ingestion"));
  }

  @Test
  void restartsABrokenStorageConnectionThroughItsFactoryAndLosesNoData() {
    GuardedStorage storage = GuardedStorage.builder(server::connect).failureThreshold(3).clock(clock).build();
    pipeline = TestPipelines.started(storage, channel, 10);
    guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).clock(clock).failureThreshold(2).build();
    ((FlakyStorage) storage.delegate()).broken = true;
    ingest(channel, 0, 30);
    check();
    check();
    assertThat(server.connections).hasValue(2);
    assertThat(storage.generation()).isEqualTo(2);
    assertThat(guard.getSystemStatus().recoveryHistory()).filteredOn(r -> r.strategy().equals("restart-storage"))
        .singleElement().satisfies(r -> assertThat(r.succeeded()).isTrue());
    check();
    check();
    assertThat(storageState()).isEqualTo(ComponentState.HEALTHY);
    await("all 30 items stored", () -> server.points() == 30);
    assertThat(guard.activeAlerts()).isEmpty();
  }

  @Test
  void restartsABrokenIngestionChannelThroughItsFactoryAndLosesNoData() {
    try (FlakyChannel.Server queue = new FlakyChannel.Server()) {
      // each check() moves the clock 30 s: a drain time beyond the test's checks
      GuardedIngestion ingestion = GuardedIngestion.builder(queue::connect).drainTimeout(Duration.ofMinutes(10))
          .clock(clock).build();
      pipeline = TestPipelines.started(server.connect(), ingestion, 10);
      guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).clock(clock).failureThreshold(2).build();
      queue.send(TestPipelines.items(0, 30));
      await("the first 30 stored and acked", () -> pipeline.stats().stored() == 30
          && queue.queue.depth() == 0 && queue.queue.inFlight() == 0);
      FlakyChannel first = (FlakyChannel) ingestion.delegate();
      first.broken = true;
      queue.send(TestPipelines.items(30, 30)); // producers elsewhere keep sending to the queue
      check();
      check();
      assertThat(guard.getSystemStatus().component(SelfHealingPipelineGuard.INGESTION).orElseThrow().state())
          .isEqualTo(ComponentState.RECOVERING);
      assertThat(guard.activeAlerts()).extracting(Alert::id).contains("ingestion:critical");
      assertThat(guard.getSystemStatus().recoveryHistory()).filteredOn(r -> r.component().equals("ingestion"))
          .singleElement().satisfies(r -> {
            assertThat(r.strategy()).isEqualTo("restart-ingestion");
            assertThat(r.succeeded()).isTrue();
          });
      assertThat(queue.connections).hasValue(2);

      check();
      check();
      assertThat(guard.getSystemStatus().component(SelfHealingPipelineGuard.INGESTION).orElseThrow().state())
          .isEqualTo(ComponentState.HEALTHY);
      await("the broken connection closed", () -> first.closed);
      await("the queue settled", () -> queue.queue.depth() == 0 && queue.queue.inFlight() == 0);
      assertThat(TestPipelines.storedItems(server.store)).as("none lost").hasSize(60);
      // a poll that was under way as the connection broke delivers items whose acks cannot reach
      // the queue: those (and only those) are delivered again through the new connection
      assertThat(pipeline.stats().stored()).isEqualTo(60 + queue.lostAcks.get());
      assertThat(queue.lateSettlements).hasValue(0);
      assertThat(guard.activeAlerts()).isEmpty();
      assertThat(guard.resolvedAlerts()).filteredOn(a -> a.id().equals("ingestion:critical")).singleElement()
          .satisfies(a -> assertThat(a.resolutionAction()).contains("restart-ingestion"));
    } finally {
      guard.close();
      pipeline.close();
      guard = null;
      pipeline = null;
    }
  }

  @Test
  void shrinksTheBatchSizeWhileStoresTimeOutAndRestoresItWhenHealthy() {
    FlakyStorage storage = server.connect();
    storage.slowAbove = 16;
    // Everything waits in the channel before processing starts, so every batch is full-sized (a
    // small first batch would store fine and make the store look healthy to the first check).
    ingest(channel, 0, 100);
    pipeline = TestPipelines.built(storage, channel, 64);
    guard = SelfHealingPipelineGuard.builder().pipeline(pipeline).defaultRecoveries(false)
        .recovery("storage", RecoveryStrategies.shrinkBatchSize(pipeline, 8))
        .clock(clock).failureThreshold(1).recoveryBackoff(Duration.ofSeconds(30)).build();
    pipeline.startProcessing();
    await("a batch timed out", () -> storage.lastBatchTimedOut);
    check();
    assertThat(pipeline.batchSize()).isEqualTo(32);
    check();
    check();
    assertThat(pipeline.batchSize()).isEqualTo(16);
    await("all 100 items stored", () -> server.points() == 100);
    check();
    check();
    assertThat(storageState()).isEqualTo(ComponentState.HEALTHY);
    assertThat(pipeline.batchSize()).isEqualTo(64);
  }

  @Test
  void customStrategiesRunWithBackoffAndAnUnrecoverableComponentFails() {
    AtomicInteger runs = new AtomicInteger();
    guard = SelfHealingPipelineGuard.builder().clock(clock)
        .component("db", HealthCheck.of(() -> HealthCheckResult.unhealthy("down")), Duration.ofSeconds(10),
            Duration.ofSeconds(1))
        .recovery("db", RecoveryStrategy.of("reconnect", ctx -> runs.incrementAndGet() < 0))
        .maxRecoveryAttempts(2).recoveryBackoff(Duration.ofSeconds(15)).build();
    List<ComponentState> states = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      clock.advance(Duration.ofSeconds(10));
      states.add(guard.runDueChecks().component("db").orElseThrow().state());
    }
    // degraded at the 2nd check, critical at the 3rd, attempts at checks 3 and 5 (15 s, then 30 s backoff)
    assertThat(states).containsExactly(ComponentState.HEALTHY, ComponentState.DEGRADED,
        ComponentState.RECOVERING, ComponentState.RECOVERING, ComponentState.RECOVERING, ComponentState.RECOVERING);
    clock.advance(Duration.ofSeconds(10));
    guard.runDueChecks();
    clock.advance(Duration.ofSeconds(10));
    SystemStatus s = guard.runDueChecks();
    assertThat(runs).hasValue(2);
    assertThat(s.component("db").orElseThrow().state()).isEqualTo(ComponentState.FAILED);
    assertThat(s.recoveryHistory()).extracting(RecoveryAttempt::attempt, RecoveryAttempt::succeeded)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, false), org.assertj.core.groups.Tuple.tuple(2, false));
    assertThat(s.activeAlerts()).singleElement().satisfies(a -> {
      assertThat(a.id()).isEqualTo("db:failed");
      assertThat(a.severity()).isEqualTo(ComponentState.CRITICAL);
      assertThat(a.message()).contains("could not be recovered after 2 attempt(s)");
    });
  }

  @Test
  void aStrategyThatThrowsIsRecordedAsAFailedAttempt() {
    AtomicBoolean healthy = new AtomicBoolean(false);
    guard = SelfHealingPipelineGuard.builder().clock(clock).failureThreshold(1)
        .component("db", HealthCheck.of(() -> healthy.get() ? HealthCheckResult.healthy(Map.of())
            : HealthCheckResult.unhealthy("down")))
        .recovery("db", RecoveryStrategy.of("explode", ctx -> {
          throw new IllegalStateException("no");
        })).build();
    SystemStatus s = guard.runDueChecks();
    assertThat(s.recoveryHistory()).singleElement().satisfies(r -> {
      assertThat(r.succeeded()).isFalse();
      assertThat(r.message()).contains("IllegalStateException: no");
    });
  }
}
