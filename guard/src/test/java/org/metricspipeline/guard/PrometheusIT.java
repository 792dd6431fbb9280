package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;

/**
 * Parses the guard's {@code GET /metrics} text with the real {@code promtool check metrics}
 * (Debian's {@code prometheus} package; {@code scripts/promtool.sh} installs it and
 * {@code scripts/verify.sh} exports its path as {@code PROMTOOL}).
 */
class PrometheusIT {

  private static Path promtool() {
    String env = System.getenv("PROMTOOL");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
      return Path.of(env);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String how = "promtool is missing: run scripts/promtool.sh (installs Debian's prometheus package) "
        + "or scripts/verify.sh, which exports PROMTOOL";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(how);
    }
    Assumptions.abort(how + " (skipped because CI is not \"true\")");
    return null;
  }

  @Test
  void promtoolFindsNoErrorOrLintProblemAndTheValuesMatchThePipeline() throws Exception {
    Path promtool = promtool();
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

      Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(text.getBytes(StandardCharsets.UTF_8));
      }
      CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
      assertThat(output.get()).as("promtool output for:\n" + text).isEmpty();
      assertThat(p.exitValue()).isZero();

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

  private static String read(InputStream in) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "reading promtool output failed: " + e;
    }
  }
}
