package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.metricspipeline.guard.TestPipelines.await;
import static org.metricspipeline.guard.TestPipelines.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.MutableClock;

class GuardedStorageTest {

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  private final FlakyStorage.Server server = new FlakyStorage.Server();
  private final List<MetricsData> one = List.of(MetricsData.builder().timestamp(Instant.parse("2026-01-01T00:00:00Z"))
      .metricType("t").metric("v", 1).build());

  private GuardedStorage guarded() {
    return GuardedStorage.builder(server::connect).failureThreshold(2).openDuration(Duration.ofSeconds(10))
        .clock(clock).build();
  }

  private static double measurement(GuardedStorage s, String name) {
    return s.measurements().stream().filter(m -> m.name().equals(name)).mapToDouble(Measurement::value)
        .findFirst().orElseThrow();
  }

  @Test
  void opensAfterTheThresholdAndFailsFastUntilTheOpenDurationPassed() {
    GuardedStorage s = guarded();
    server.down = true;
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> s.batchStore(one).join()).hasCauseInstanceOf(StorageUnavailableException.class);
    }
    assertThat(s.circuitState()).isEqualTo(GuardedStorage.CircuitState.OPEN);
    server.down = false;
    assertThatThrownBy(() -> s.batchStore(one).join()).isInstanceOf(CompletionException.class)
        .hasMessageContaining("circuit is open");
    assertThat(measurement(s, "metrics_guard_circuit_rejected_total")).isEqualTo(1);
    assertThat(server.points()).isZero();

    clock.advance(Duration.ofSeconds(10));
    assertThat(s.circuitState()).isEqualTo(GuardedStorage.CircuitState.HALF_OPEN);
    s.batchStore(one).join();
    assertThat(s.circuitState()).isEqualTo(GuardedStorage.CircuitState.CLOSED);
    assertThat(server.points()).isEqualTo(1);
  }

  @Test
  void aFailedTrialCallOpensTheCircuitAgain() {
    GuardedStorage s = guarded();
    server.down = true;
    s.batchStore(one).exceptionally(t -> null).join();
    s.batchStore(one).exceptionally(t -> null).join();
    clock.advance(Duration.ofSeconds(10));
    s.batchStore(one).exceptionally(t -> null).join();
    assertThat(s.circuitState()).isEqualTo(GuardedStorage.CircuitState.OPEN);
    assertThat(measurement(s, "metrics_guard_circuit_opened_total")).isEqualTo(1);
  }

  @Test
  void healthChecksReachTheStoreEvenWhileTheCircuitIsOpen() {
    GuardedStorage s = guarded();
    server.down = true;
    s.batchStore(one).exceptionally(t -> null).join();
    s.batchStore(one).exceptionally(t -> null).join();
    server.down = false;
    assertThat(s.healthCheck().join().isHealthy()).isTrue();
    assertThat(s.healthCheck().join().details()).containsEntry("circuit", "open");
  }

  @Test
  void restartClosesTheOldAdapterAndClosesTheCircuit() {
    GuardedStorage s = guarded();
    FlakyStorage first = (FlakyStorage) s.delegate();
    first.broken = true;
    s.batchStore(one).exceptionally(t -> null).join();
    s.batchStore(one).exceptionally(t -> null).join();
    assertThat(s.restart()).isTrue();
    assertThat(first.closed).isTrue();
    assertThat(s.circuitState()).isEqualTo(GuardedStorage.CircuitState.CLOSED);
    s.batchStore(one).join();
    assertThat(server.points()).isEqualTo(1);
  }

  @Test
  void aPipelineBehindAnOpenCircuitLosesNoChannelData() {
    GuardedStorage s = guarded();
    InMemoryIngestionAdapter channel = InMemoryIngestionAdapter.create();
    try (MetricsPipeline p = TestPipelines.started(s, channel, 10)) {
      server.down = true;
      ingest(channel, 0, 40);
      await("circuit open", () -> s.circuitState() == GuardedStorage.CircuitState.OPEN);
      server.down = false;
      clock.advance(Duration.ofSeconds(10));
      await("all 40 items stored", () -> server.points() == 40);
    }
  }

  @Test
  void builderNamesTheBadOption() {
    assertThatThrownBy(() -> GuardedStorage.builder(server::connect).failureThreshold(0))
        .hasMessage("failureThreshold must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> GuardedStorage.builder(server::connect).openDuration(Duration.ZERO))
        .hasMessageContaining("openDuration must be between 1ms and 1h");
  }
}
