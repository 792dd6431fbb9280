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
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;

/**
 * The server is frozen (SIGSTOP on the real clickhouse-server process) for longer than the
 * pipeline's store timeout and the adapter's socket timeout while batches are being stored, then
 * resumed (SIGCONT): the pipeline gave up waiting on its first attempts and retried, and still every
 * item is stored exactly once (rows = distinct ids = items), as issue 13 asks. Runs its own server
 * (data dir {@code target/clickhouse-freeze}) so that no other test sees the freeze.
 */
class FreezeIT {

  private static final OwnServer SERVER = new OwnServer("clickhouse-freeze");
  private static String url;

  @BeforeAll
  static void startOwnServer() throws Exception {
    ClickHouseTestServer.url(); // same fail (CI) / skip policy when no ClickHouse is set up
    url = SERVER.start();
  }

  @AfterAll
  static void stopOwnServer() throws Exception {
    if (url != null) {
      SERVER.signal("CONT");
      SERVER.stop();
    }
  }

  @Test
  void batchesStoredWhileTheServerIsFrozenLongerThanTheStoreTimeoutAreStoredExactlyOnce() throws Exception {
    int batches = 5;
    int perBatch = 100;
    try (ClickHouseStorageAdapter storage = ClickHouseStorageAdapter.builder(url)
            .database(ClickHouseTestServer.freshDatabase("it_freeze"))
            .connectTimeout(Duration.ofSeconds(1)).socketTimeout(Duration.ofSeconds(4))
            .requestTimeout(Duration.ofSeconds(6)).build();
        MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).batchSize(perBatch)
            .processingInterval(Duration.ofMillis(20)).storeTimeout(Duration.ofSeconds(2))
            .retryPolicy(RetryPolicy.builder().maxAttempts(1000).initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofMillis(500)).build())
            .build()) {
      storage.createSchema().join();
      pipeline.startProcessing();
      Instant base = Instant.now().minusSeconds(60);

      SERVER.signal("STOP");
      List<CompletableFuture<MetricsBatchResult>> results = new ArrayList<>();
      try {
        for (int b = 0; b < batches; b++) {
          List<MetricsData> batch = new ArrayList<>();
          for (int i = 0; i < perBatch; i++) {
            int id = b * perBatch + i;
            batch.add(MetricsData.builder().timestamp(base.plusMillis(id)).metricType("freeze").source("it")
                .metric(Metric.of("events", id, Map.of("id", Integer.toString(id)))).build());
          }
          results.add(pipeline.processBatch(batch)); // as an HTTP request with ack=stored
        }
        Thread.sleep(10_000); // frozen for 10 s: past the store timeout (2 s, twice) and the socket timeout (4 s)
      } finally {
        SERVER.signal("CONT");
      }

      for (CompletableFuture<MetricsBatchResult> r : results) {
        assertThat(r.get(120, TimeUnit.SECONDS).failures()).isEmpty();
      }
      assertThat(measurement(pipeline, "metrics_pipeline_store_timeouts_total")).isPositive();
      assertThat(pipeline.stats().retries()).isPositive();
      try (Connection c = new Connection(url, "default", "", false, false, Duration.ofSeconds(5),
          Duration.ofSeconds(30), Duration.ofSeconds(30), 1)) {
        String table = storage.table();
        long rows = c.queryLong("SELECT count() FROM " + table);
        long distinct = c.queryLong("SELECT uniqExact(tag_values[1]) FROM " + table);
        System.out.printf("freeze drill: acknowledged=%d stored rows=%d distinct=%d duplicates=%d lost=%d "
            + "insert ids=%d store timeouts=%.0f retries=%d%n", batches * perBatch, rows, distinct,
            rows - distinct, batches * perBatch - distinct, c.queryLong("SELECT uniqExact(insert_id) FROM " + table),
            measurement(pipeline, "metrics_pipeline_store_timeouts_total"), pipeline.stats().retries());
        assertThat(rows).isEqualTo(batches * perBatch);
        assertThat(distinct).isEqualTo(batches * perBatch);
      }
    }
  }

  private static double measurement(MetricsPipeline pipeline, String name) {
    return pipeline.measurements().stream().filter(m -> m.name().equals(name))
        .mapToDouble(Measurement::value).sum();
  }

}
