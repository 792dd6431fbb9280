package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.testkit.MutableClock;

class BaselinesTest {

  private final SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder()
      .clock(MutableClock.at("2026-01-01T00:00:00Z")).build();

  @AfterEach
  void close() {
    guard.close();
  }

  /** 500 values around 100 with normal noise (sd 5), seeded. */
  private static double[] noise(long seed) {
    Random r = new Random(seed);
    double[] v = new double[500];
    for (int i = 0; i < v.length; i++) {
      v[i] = 100 + 5 * r.nextGaussian();
    }
    return v;
  }

  private static List<Integer> anomalousAt(Baselines b, String key, double[] series) {
    List<Integer> at = new ArrayList<>();
    boolean was = false;
    for (int i = 0; i < series.length; i++) {
      boolean now = b.observe(key, series[i]).anomalous();
      if (now && !was) {
        at.add(i);
      }
      was = now;
    }
    return at;
  }

  @Test
  void noiseRaisesNoAnomalyWithEitherMethod() {
    for (Baselines.Method m : Baselines.Method.values()) {
      for (long seed = 1; seed <= 5; seed++) {
        Baselines b = Baselines.builder().method(m).alertsTo(guard).build();
        assertThat(anomalousAt(b, "latency_ms", noise(seed))).as(m + " seed " + seed).isEmpty();
      }
    }
    assertThat(guard.activeAlerts()).isEmpty();
  }

  @Test
  void anInjectedSpikeIsDetectedAtItsThirdPointAndResolvedAfterIt() {
    double[] series = noise(7);
    for (int i = 300; i < 306; i++) {
      series[i] = 180 + i % 3;
    }
    for (Baselines.Method m : Baselines.Method.values()) {
      Baselines b = Baselines.builder().method(m).build();
      assertThat(anomalousAt(b, "latency_ms", series)).as(m.name()).containsExactly(302);
    }
  }

  @Test
  void aSingleOutlierDoesNotAlert() {
    double[] series = noise(3);
    series[200] = 1000;
    Baselines b = Baselines.builder().alertsTo(guard).build();
    assertThat(anomalousAt(b, "queue_depth", series)).isEmpty();
  }

  @Test
  void anAnomalyRaisesAGuardAlertThatResolvesWhenValuesReturn() {
    double[] series = noise(11);
    for (int i = 100; i < 104; i++) {
      series[i] = 20;
    }
    Baselines b = Baselines.builder().alertsTo(guard).build();
    for (int i = 0; i < 103; i++) {
      b.observe("throughput", series[i]);
    }
    assertThat(guard.activeAlerts()).singleElement().satisfies(a -> {
      assertThat(a.id()).isEqualTo("throughput:anomaly");
      assertThat(a.severity()).isEqualTo(ComponentState.DEGRADED);
      assertThat(a.metadata()).containsEntry("value", 20.0).containsEntry("method", "median_mad");
    });
    for (int i = 103; i < 110; i++) {
      b.observe("throughput", series[i]);
    }
    assertThat(guard.activeAlerts()).isEmpty();
    assertThat(guard.resolvedAlerts()).last().satisfies(a ->
        assertThat(a.resolutionAction()).contains("back within baseline"));
  }

  @Test
  void baselinesReportMedianMadAndEwma() {
    Baselines b = Baselines.builder().window(5).warmup(3).build();
    for (double v : new double[] {1, 2, 3, 4, 100}) {
      b.observe("x", v);
    }
    Baselines.Baseline x = b.baseline("x").orElseThrow();
    assertThat(x.median()).isEqualTo(3);
    assertThat(x.mad()).isEqualTo(1);
    assertThat(x.points()).isEqualTo(5);
    assertThat(x.ewmaMean()).isBetween(1.0, 100.0);
    assertThat(b.all()).extracting(Baselines.Baseline::key).containsExactly("x");
    assertThat(b.baseline("y")).isEmpty();
  }

  @Test
  void builderNamesTheBadOption() {
    assertThatThrownBy(() -> Baselines.builder().alpha(1)).hasMessage("alpha must be above 0 and below 1, got 1.0");
    assertThatThrownBy(() -> Baselines.builder().window(2)).hasMessage("window must be between 5 and 100000, got 2");
  }
}
