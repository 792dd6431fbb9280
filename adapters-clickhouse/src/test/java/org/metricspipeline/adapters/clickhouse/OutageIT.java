package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;

/**
 * A pipeline streams into ClickHouse; the server is stopped mid-stream (scripts/clickhouse.sh stop)
 * and started again: every item the pipeline accepted is stored exactly once (counted by distinct
 * id and by rows), and the health check is unhealthy with the reason while the server is down. Runs
 * its own server (data dir {@code target/clickhouse-outage}) so other tests keep theirs.
 */
class OutageIT {

  private static final OwnServer SERVER = new OwnServer("clickhouse-outage");
  private static String url;

  @BeforeAll
  static void startOwnServer() throws Exception {
    ClickHouseTestServer.url(); // same fail (CI) / skip policy when no ClickHouse is set up
    url = SERVER.start();
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (url != null) {
      SERVER.stop();
    }
  }

  @Test
  void everyAcceptedItemIsStoredExactlyOnceAcrossAServerRestart() throws Exception {
    int total = 6000;
    try (ClickHouseStorageAdapter storage = ClickHouseStorageAdapter.builder(url)
            .database(ClickHouseTestServer.freshDatabase("it_outage")).connectTimeout(Duration.ofMillis(500))
            .requestTimeout(Duration.ofSeconds(10)).build();
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
          SERVER.stop(); // mid-stream: batches are in flight and more keep coming
        }
        if (i == total / 2) {
          whileDown = storage.healthCheck().get(30, TimeUnit.SECONDS);
        }
        if (i == 2 * total / 3) {
          assertThat(SERVER.start()).isEqualTo(url); // same ports, same data
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
      assertThat(String.valueOf(whileDown.details().get("reason"))).contains("unreachable");
      assertThat(accepted).isEqualTo(total);
      try (Connection c = new Connection(url, "default", "", false, false, Duration.ofSeconds(5),
          Duration.ofSeconds(30), Duration.ofSeconds(30), 1)) {
        String table = storage.table();
        assertThat(c.queryLong("SELECT uniqExact(tag_values[1]) FROM " + table)).isEqualTo(accepted);
        assertThat(c.queryLong("SELECT count() FROM " + table)).isEqualTo(accepted);
      }
      assertThat(storage.healthCheck().get(30, TimeUnit.SECONDS).isHealthy()).isTrue();
    }
  }

}
