package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.metricspipeline.api.HealthCheckResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.testkit.MutableClock;

class GuardStatesTest {

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  private final AtomicReference<HealthCheckResult> answer = new AtomicReference<>(HealthCheckResult.healthy(Map.of()));
  private final List<Alert> notified = new CopyOnWriteArrayList<>();
  private SelfHealingPipelineGuard guard;

  private SelfHealingPipelineGuard guard(SelfHealingPipelineGuard.Builder b) {
    guard = b.clock(clock).notifier(notified::add).build();
    return guard;
  }

  private SelfHealingPipelineGuard simple() {
    return guard(SelfHealingPipelineGuard.builder()
        .component("db", HealthCheck.of(answer::get), Duration.ofSeconds(10), Duration.ofSeconds(1)));
  }

  private ComponentState check(SelfHealingPipelineGuard g) {
    clock.advance(Duration.ofSeconds(10));
    return g.runDueChecks().component("db").orElseThrow().state();
  }

  @AfterEach
  void close() {
    if (guard != null) {
      guard.close();
    }
  }

  @Test
  void oneBadCheckDoesNotChangeTheState() {
    SelfHealingPipelineGuard g = simple();
    answer.set(HealthCheckResult.unhealthy("blip"));
    assertThat(check(g)).isEqualTo(ComponentState.HEALTHY);
    answer.set(HealthCheckResult.healthy(Map.of()));
    assertThat(check(g)).isEqualTo(ComponentState.HEALTHY);
    assertThat(g.activeAlerts()).isEmpty();
  }

  @Test
  void twoBadChecksMakeItDegradedWithAWarningAlert() {
    SelfHealingPipelineGuard g = simple();
    answer.set(HealthCheckResult.degraded(Map.of("reason", "slow")));
    check(g);
    assertThat(check(g)).isEqualTo(ComponentState.DEGRADED);
    assertThat(g.activeAlerts()).singleElement().satisfies(a -> {
      assertThat(a.severity()).isEqualTo(ComponentState.DEGRADED);
      assertThat(a.component()).isEqualTo("db");
      assertThat(a.message()).contains("slow");
    });
  }

  @Test
  void threeFailuresInARowMakeItCriticalAndEscalateTheAlert() {
    SelfHealingPipelineGuard g = simple();
    answer.set(HealthCheckResult.unhealthy("connection refused"));
    check(g);
    check(g);
    assertThat(check(g)).isEqualTo(ComponentState.CRITICAL);
    assertThat(g.activeAlerts()).singleElement().satisfies(a -> {
      assertThat(a.severity()).isEqualTo(ComponentState.CRITICAL);
      assertThat(a.metadata()).containsEntry("reason", "connection refused");
    });
    assertThat(g.resolvedAlerts()).singleElement().satisfies(a ->
        assertThat(a.resolutionAction()).contains("escalated to critical"));
  }

  @Test
  void repeatedFailuresDeduplicateIntoOneAlertWithOccurrences() {
    SelfHealingPipelineGuard g = simple();
    answer.set(HealthCheckResult.unhealthy("down"));
    for (int i = 0; i < 6; i++) {
      check(g);
    }
    assertThat(g.activeAlerts()).singleElement().satisfies(a -> assertThat(a.occurrences()).isEqualTo(1));
    g.raiseAlert("db", "critical", ComponentState.CRITICAL, "again", Map.of());
    assertThat(g.activeAlerts()).singleElement().satisfies(a -> assertThat(a.occurrences()).isEqualTo(2));
  }

  @Test
  void healthyAgainAfterTwoGoodChecksResolvingItsAlerts() {
    SelfHealingPipelineGuard g = simple();
    answer.set(HealthCheckResult.unhealthy("down"));
    check(g);
    check(g);
    check(g);
    answer.set(HealthCheckResult.healthy(Map.of()));
    assertThat(check(g)).isEqualTo(ComponentState.CRITICAL);
    assertThat(check(g)).isEqualTo(ComponentState.HEALTHY);
    assertThat(g.activeAlerts()).isEmpty();
    assertThat(g.resolvedAlerts()).last().satisfies(a -> {
      assertThat(a.resolved()).isTrue();
      assertThat(a.resolutionAction()).contains("recovered without action");
    });
  }

  @Test
  void notifiersHearRaisedAndResolvedAlertsOnce() {
    SelfHealingPipelineGuard g = simple();
    answer.set(HealthCheckResult.unhealthy("down"));
    for (int i = 0; i < 5; i++) {
      check(g);
    }
    answer.set(HealthCheckResult.healthy(Map.of()));
    check(g);
    check(g);
    g.close(); // waits for the notifier threads
    assertThat(notified).extracting(a -> a.id() + "/" + a.resolved()).containsExactly(
        "db:degraded/false", "db:degraded/true", "db:critical/false", "db:critical/true");
  }

  @Test
  void aComponentIsCheckedOnlyWhenItsIntervalHasPassed() {
    AtomicInteger calls = new AtomicInteger();
    SelfHealingPipelineGuard g = guard(SelfHealingPipelineGuard.builder().component("db", HealthCheck.of(() -> {
      calls.incrementAndGet();
      return HealthCheckResult.healthy(Map.of());
    }), Duration.ofSeconds(30), Duration.ofSeconds(1)));
    g.runDueChecks();
    clock.advance(Duration.ofSeconds(29));
    g.runDueChecks();
    assertThat(calls).hasValue(1);
    clock.advance(Duration.ofSeconds(1));
    g.runDueChecks();
    assertThat(calls).hasValue(2);
    assertThat(g.getSystemStatus().component("db").orElseThrow().lastCheckedAt())
        .contains(clock.instant());
  }

  @Test
  void aCheckThatDoesNotAnswerInTimeCountsAsUnhealthy() {
    SelfHealingPipelineGuard g = guard(SelfHealingPipelineGuard.builder().failureThreshold(1)
        .component("db", CompletableFuture::new, Duration.ofSeconds(10), Duration.ofMillis(5)));
    ComponentStatus s = g.runDueChecks().component("db").orElseThrow();
    assertThat(s.state()).isEqualTo(ComponentState.CRITICAL);
    assertThat(s.lastResult()).containsEntry("reason", "no answer within PT0.005S");
  }

  @Test
  void aCheckThatThrowsCountsAsUnhealthy() {
    SelfHealingPipelineGuard g = guard(SelfHealingPipelineGuard.builder().failureThreshold(1)
        .component("db", () -> {
          throw new IllegalStateException("boom");
        }));
    assertThat(g.runDueChecks().component("db").orElseThrow().state()).isEqualTo(ComponentState.CRITICAL);
  }

  @Test
  void overallIsTheWorstComponentState() {
    SelfHealingPipelineGuard g = guard(SelfHealingPipelineGuard.builder().failureThreshold(1)
        .component("db", HealthCheck.of(answer::get))
        .component("cache", HealthCheck.of(() -> HealthCheckResult.healthy(Map.of()))));
    answer.set(HealthCheckResult.unhealthy("down"));
    SystemStatus s = g.runDueChecks();
    assertThat(s.overall()).isEqualTo(ComponentState.CRITICAL);
    assertThat(s.components()).extracting(ComponentStatus::name).containsExactly("db", "cache");
  }

  @Test
  void monitoringRunsChecksOnTheNamedSchedulerThread() throws Exception {
    CompletableFuture<String> thread = new CompletableFuture<>();
    SelfHealingPipelineGuard g = guard(SelfHealingPipelineGuard.builder().tickInterval(Duration.ofMillis(10))
        .component("db", HealthCheck.of(() -> {
          thread.complete(Thread.currentThread().getName());
          return HealthCheckResult.healthy(Map.of());
        })));
    g.startMonitoring();
    assertThat(thread.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("metrics-guard-scheduler-1");
    assertThat(g.getSystemStatus().monitoring()).isTrue();
    g.stopMonitoring();
    assertThat(g.isMonitoring()).isFalse();
  }

  @Test
  void builderNamesTheBadOption() {
    assertThatThrownBy(() -> SelfHealingPipelineGuard.builder().failureThreshold(0))
        .hasMessage("failureThreshold must be between 1 and 100, got 0");
    assertThatThrownBy(() -> SelfHealingPipelineGuard.builder().component("bad name!", HealthCheck.of(answer::get)))
        .hasMessageContaining("component name");
    assertThatThrownBy(() -> SelfHealingPipelineGuard.builder()
        .recovery("nope", RecoveryStrategy.of("x", c -> true)).build())
        .hasMessageContaining("recovery for unknown component 'nope'");
  }
}
