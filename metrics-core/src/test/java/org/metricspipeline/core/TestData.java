package org.metricspipeline.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/** Items and waiting helpers shared by the core tests. */
final class TestData {

  static final Instant T0 = Instant.parse("2025-12-03T12:00:00Z");

  private TestData() {}

  /** A valid item with {@code points} metrics, identified by its source. */
  static MetricsData item(String source, int points) {
    List<Metric> metrics = new ArrayList<>(points);
    for (int i = 0; i < points; i++) {
      metrics.add(new Metric("cpu_" + i, i * 0.5, "%", Map.of("host", "web-1")));
    }
    return new MetricsData(T0, "system", metrics, source, Map.of());
  }

  /** An item the default validator rejects ({@code metrics[0].value} is NaN). */
  static MetricsData invalidItem(String source) {
    return new MetricsData(T0, "system", List.of(Metric.of("cpu", Double.NaN)), source, Map.of());
  }

  /** Waits up to 10 s for a condition. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
