package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.Promtool;

/**
 * Parses the guard's {@code GET /metrics} text with the real {@code promtool check metrics}
 * ({@link Promtool}: {@code scripts/promtool.sh} installs it, {@code scripts/verify.sh} exports its
 * path as {@code PROMTOOL}).
 */
class PrometheusIT {

  @Test
  void promtoolFindsNoErrorOrLintProblemAndTheValuesMatchThePipeline() throws Exception {
    FlakyStorage.Server server = new FlakyStorage.Server();
    InMemoryIngestionAdapter channel = InMemoryIngestionAdapter.create();
    try (MetricsPipeline pipeline = TestPipelines.started(server.connect(), channel, 10);
        SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder().pipeline(pipeline)
            .component("odd-name.x", HealthCheck.of(() -> HealthCheckResult.unhealthy("down\nhard")))
            .build()) {
      for (int i = 0; i < 25; i++) {
        pipeline.processMetrics(MetricsData.builder().timestamp(Instant.now()).metricType("t")
            .metric(Metric.of("v", i, Map.of("i", Integer.toString(i)))).build()).join();
      }
      guard.checkNow();
      String text = GuardEndpoints.builder(guard).build().prometheusText();

      Promtool.assertValid(text);

      Map<String, Double> samples = PrometheusScrape.parse(text);
      assertThat(samples.get("metrics_pipeline_items_stored_total")).isEqualTo(25.0);
      assertThat(samples.get("metrics_pipeline_points_stored_total")).isEqualTo(25.0);
      assertThat(samples.get("metrics_pipeline_items_received_total")).isEqualTo((double) pipeline.stats().received());
      assertThat(samples).containsEntry("metrics_guard_checks_total{component=\"odd-name.x\"}", 1.0)
          .containsEntry("metrics_guard_component_healthy{component=\"odd-name.x\"}", 1.0)
          // seed 001's Grafana panel reads this name
          .containsEntry("pipeline_guard_component_health{component=\"odd-name.x\"}", 1.0)
          .containsEntry("metrics_flaky_points{path=\"C:\\\\data \\\"x\\\"\\nnext\"}", 25.0);
    }
  }
}
