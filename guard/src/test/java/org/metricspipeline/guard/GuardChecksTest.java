package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.guard.internal.GuardJson;
import org.metricspipeline.testkit.MutableClock;

/** Named checks per component (seed 001's check_name), component names and the guard's exception types. */
class GuardChecksTest {

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  private final AtomicReference<ComponentState> cache = new AtomicReference<>(ComponentState.HEALTHY);
  private final AtomicReference<ComponentState> disk = new AtomicReference<>(ComponentState.HEALTHY);
  private final List<Alert> notified = new CopyOnWriteArrayList<>();
  private SelfHealingPipelineGuard guard;

  @AfterEach
  void close() {
    if (guard != null) {
      guard.close();
    }
  }

  private SelfHealingPipelineGuard twoChecks() {
    guard = SelfHealingPipelineGuard.builder().clock(clock).notifier(notified::add)
        .checkInterval(Duration.ofSeconds(10))
        .check(PipelineComponent.COMPUTE, "cache", ComponentCheck.of(cache::get))
        .check(PipelineComponent.COMPUTE, "disk", ComponentCheck.of(disk::get))
        .build();
    return guard;
  }

  private ComponentStatus round() {
    clock.advance(Duration.ofSeconds(10));
    return guard.runDueChecks().component(PipelineComponent.COMPUTE).orElseThrow();
  }

  @Test
  void theComponentFollowsTheWorstOfItsChecksAndListsEach() {
    twoChecks();
    disk.set(ComponentState.DEGRADED);
    round();
    ComponentStatus s = round();
    assertThat(s.state()).isEqualTo(ComponentState.DEGRADED);
    assertThat(s.checks()).extracting(CheckStatus::name).containsExactly("cache", "disk");
    assertThat(s.checks()).extracting(CheckStatus::state)
        .containsExactly(ComponentState.HEALTHY, ComponentState.DEGRADED);
    assertThat(s.lastResult()).containsEntry("check_name", "disk");
    disk.set(ComponentState.HEALTHY);
    round();
    assertThat(round().state()).isEqualTo(ComponentState.HEALTHY);
    guard.close(); // notifiers run on their own thread: close() waits for what was queued
    assertThat(notified).first().satisfies(a -> {
      assertThat(a.resolved()).isFalse();
      assertThat(a.metadata()).containsEntry("check_name", "disk");
    });
  }

  @Test
  void statusJsonListsEachCheckWithItsName() {
    twoChecks();
    cache.set(ComponentState.CRITICAL);
    round();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> checks = (List<Map<String, Object>>) GuardJson.component(
        guard.getSystemStatus().component(PipelineComponent.COMPUTE).orElseThrow()).get("checks");
    assertThat(checks).hasSize(2);
    assertThat(checks.get(0)).containsEntry("check_name", "cache").containsEntry("state", "critical")
        .containsEntry("last_check", "2026-01-01T00:00:10Z");
    assertThat(checks.get(1)).containsEntry("check_name", "disk").containsEntry("state", "healthy");
  }

  @Test
  void healthyDegradedAndCriticalAnswersGoThroughTheThresholds() {
    twoChecks();
    cache.set(ComponentState.CRITICAL);
    assertThat(round().state()).isEqualTo(ComponentState.HEALTHY);
    assertThat(round().state()).isEqualTo(ComponentState.DEGRADED);
    assertThat(round().state()).isEqualTo(ComponentState.CRITICAL);
    assertThat(guard.activeAlerts()).extracting(Alert::id).containsExactly("compute:critical");
  }

  @Test
  void aCheckAnsweringRecoveringMovesTheComponentAtOnceAndHealthyChecksEndIt() {
    twoChecks();
    disk.set(ComponentState.RECOVERING);
    assertThat(round().state()).isEqualTo(ComponentState.RECOVERING);
    disk.set(ComponentState.HEALTHY);
    round();
    assertThat(round().state()).isEqualTo(ComponentState.HEALTHY);
  }

  @Test
  void aCheckAnsweringFailedMovesTheComponentAtOnceWithAnAlert() {
    twoChecks();
    disk.set(ComponentState.FAILED);
    ComponentStatus s = round();
    assertThat(s.state()).isEqualTo(ComponentState.FAILED);
    assertThat(guard.getSystemStatus().overall()).isEqualTo(ComponentState.FAILED);
    assertThat(guard.activeAlerts()).singleElement().satisfies(a -> {
      assertThat(a.id()).isEqualTo("compute:failed");
      assertThat(a.severity()).isEqualTo(ComponentState.CRITICAL);
    });
  }

  @Test
  void checksAreAddedAndRemovedOnARunningGuard() {
    guard = SelfHealingPipelineGuard.builder().clock(clock).checkInterval(Duration.ofSeconds(10))
        .component("db", HealthCheck.of(() -> HealthCheckResult.healthy(Map.of()))).build();
    guard.startMonitoring();
    guard.addCheck("db", "replication", ComponentCheck.of(() -> ComponentState.DEGRADED));
    guard.addCheck(PipelineComponent.DEPLOYMENT, "rollout", () -> CompletableFuture.completedFuture(
        ComponentCheck.Result.of(ComponentState.HEALTHY, "all pods ready")));
    clock.advance(Duration.ofSeconds(10));
    SystemStatus s = guard.checkNow();
    assertThat(s.component("db").orElseThrow().checks()).extracting(CheckStatus::name)
        .containsExactly(SelfHealingPipelineGuard.DEFAULT_CHECK_NAME, "replication");
    assertThat(s.component(PipelineComponent.DEPLOYMENT).orElseThrow().checks()).singleElement()
        .satisfies(c -> assertThat(c.details()).containsEntry("reason", "all pods ready"));

    assertThat(guard.removeCheck("db", "replication")).isTrue();
    assertThat(guard.removeCheck("db", "replication")).isFalse();
    assertThat(guard.checkNow().component("db").orElseThrow().checks()).hasSize(1);
    assertThat(guard.removeCheck(PipelineComponent.DEPLOYMENT, "rollout")).isTrue();
    assertThat(guard.componentNames()).containsExactly("db");
    assertThatThrownBy(() -> guard.addCheck("db", "bad name", ComponentCheck.of(() -> ComponentState.HEALTHY)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("check name");
  }

  @Test
  void addingAndRemovingWhileTheSchedulerChecksIsSafe() throws Exception {
    guard = SelfHealingPipelineGuard.builder().checkInterval(Duration.ofMillis(1))
        .tickInterval(Duration.ofMillis(10)).component("base", HealthCheck.of(() -> HealthCheckResult.healthy(Map.of())))
        .build();
    guard.startMonitoring();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      String component = "c" + w;
      done.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < 200; i++) {
          guard.addCheck(component, "k" + i, ComponentCheck.of(() -> ComponentState.HEALTHY));
          guard.getSystemStatus();
          guard.checkNow();
          assertThat(guard.removeCheck(component, "k" + i)).isTrue();
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(guard.componentNames()).containsExactly("base");
  }

  @Test
  void pipelineComponentNamesAreSeed001sAndTheGuardsOwn() {
    assertThat(PipelineComponent.SEED_NAMES).containsExactly("model_training", "quantization", "mobile_export",
        "testing", "deployment", "monitoring", "storage", "compute");
    assertThat(SelfHealingPipelineGuard.PIPELINE).isEqualTo(PipelineComponent.PIPELINE).isEqualTo("pipeline");
    assertThat(SelfHealingPipelineGuard.STORAGE).isEqualTo(PipelineComponent.STORAGE);
    assertThat(SelfHealingPipelineGuard.INGESTION).isEqualTo(PipelineComponent.INGESTION).isEqualTo("ingestion");
    SelfHealingPipelineGuard.Builder b = SelfHealingPipelineGuard.builder().clock(clock);
    PipelineComponent.SEED_NAMES.forEach(n -> b.component(n, HealthCheck.of(() -> HealthCheckResult.healthy(Map.of()))));
    guard = b.build();
    assertThat(guard.componentNames()).containsExactlyElementsOf(PipelineComponent.SEED_NAMES);
  }

  @Test
  void monitoringAClosedGuardThrowsAMonitoringException() {
    twoChecks();
    guard.close();
    assertThatThrownBy(guard::startMonitoring).isInstanceOf(MonitoringException.class)
        .isInstanceOf(GuardException.class).isInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> guard.addCheck("x", "y", ComponentCheck.of(() -> ComponentState.HEALTHY)))
        .isInstanceOf(MonitoringException.class);
  }

  @Test
  void aRecoveryExceptionFailsTheAttemptWithItsMessage() {
    guard = SelfHealingPipelineGuard.builder().clock(clock).checkInterval(Duration.ofSeconds(10)).failureThreshold(1)
        .component("db", HealthCheck.of(() -> HealthCheckResult.unhealthy("down")))
        .recovery("db", RecoveryStrategy.of("failover", ctx -> {
          throw new RecoveryException("no replica is in sync");
        })).build();
    clock.advance(Duration.ofSeconds(10));
    guard.runDueChecks();
    assertThat(guard.getSystemStatus().recoveryHistory()).singleElement().satisfies(r -> {
      assertThat(r.succeeded()).isFalse();
      assertThat(r.message()).isEqualTo("no replica is in sync");
    });
  }

  @Test
  void configurationProblemsAreConfigurationExceptions() {
    assertThatThrownBy(() -> ConfigManager.builder().build().parse("check_interval_seconds: -1", java.nio.file.Path.of(".")))
        .isInstanceOf(GuardConfigException.class).isInstanceOf(ConfigurationException.class)
        .isInstanceOf(MetricsPipelineException.class);
  }
}
