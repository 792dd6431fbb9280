package org.metricspipeline.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;

/**
 * A pipeline streams into PostgreSQL; the server is stopped mid-stream ({@code scripts/postgres.sh
 * stop}, a fast shutdown that aborts open transactions) and started again: every item the pipeline
 * accepted is stored exactly once (counted by distinct id and by rows), and the health check is
 * unhealthy with the reason while the server is down. Runs its own cluster
 * ({@code target/postgres-outage}) so other tests keep theirs.
 */
class OutageIT {

  private static final Path DIR = Path.of("target", "postgres-outage").toAbsolutePath();
  private static String url;

  @BeforeAll
  static void startOwnServer() throws Exception {
    PostgresTestServer.url(); // same fail (CI) / skip policy when no PostgreSQL is set up
    url = script("start").trim();
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (url != null) {
      script("stop");
    }
  }

  @Test
  void everyAcceptedItemIsStoredExactlyOnceAcrossAServerRestart() throws Exception {
    int total = 6000;
    try (PostgresStorageAdapter storage = PostgresStorageAdapter.builder(url)
            .schema(PostgresTestServer.freshSchema("it_outage")).connectTimeout(Duration.ofSeconds(1))
            .socketTimeout(Duration.ofSeconds(10)).build();
        MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).batchSize(200)
            .processingInterval(Duration.ofMillis(20)).queueCapacity(total)
            .retryPolicy(RetryPolicy.builder().maxAttempts(1000).initialBackoff(Duration.ofMillis(50))
                .maxBackoff(Duration.ofMillis(300)).build())
            .build()) {
      storage.createSchema().join();
      pipeline.startProcessing();
      List<CompletableFuture<Void>> futures = new ArrayList<>(total);
      Instant base = Instant.now().minusSeconds(60);
      HealthCheckResult whileDown = null;
      for (int i = 0; i < total; i++) {
        futures.add(pipeline.processMetrics(MetricsData.builder().timestamp(base.plusMillis(i)).metricType("outage")
            .source("it").metric(Metric.of("events", i, Map.of("id", Integer.toString(i)))).build()));
        if (i == total / 3) {
          script("stop"); // mid-stream: batches are in flight and more keep coming
        }
        if (i == total / 2) {
          whileDown = storage.healthCheck().get(30, TimeUnit.SECONDS);
        }
        if (i == 2 * total / 3) {
          assertThat(script("start").trim()).isEqualTo(url); // same port, same data
        }
      }
      int accepted = 0;
      for (CompletableFuture<Void> f : futures) {
        try {
          f.get(120, TimeUnit.SECONDS);
          accepted++;
        } catch (java.util.concurrent.ExecutionException e) {
          // refused items (none expected: the queue holds all) are not counted as accepted
        }
      }
      assertThat(whileDown.status()).isEqualTo(HealthStatus.UNHEALTHY);
      assertThat(String.valueOf(whileDown.details().get("reason"))).contains("PostgreSQL");
      assertThat(accepted).isEqualTo(total);
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
        assertThat(scalar(s, "SELECT count(DISTINCT tag_values[1]) FROM " + storage.table())).isEqualTo(accepted);
        assertThat(scalar(s, "SELECT count(*) FROM " + storage.table())).isEqualTo(accepted);
      }
      assertThat(storage.healthCheck().get(30, TimeUnit.SECONDS).isHealthy()).isTrue();
    }
  }

  private static long scalar(Statement s, String sql) throws Exception {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String script(String command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(PostgresTestServer.script().toString(), command).redirectErrorStream(false);
    pb.environment().put("POSTGRES_DIR", DIR.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(PostgresTestServer.script() + " " + command + " failed: " + err);
    }
    return out;
  }
}
