package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;

/**
 * A pipeline streams into the cluster; the server of shard 02 (s2, the shard without a replica) is
 * killed with SIGKILL mid-stream and started again by {@code scripts/clickhouse-cluster.sh}. Inserts
 * through the Distributed table fail while it is down (shard 01 may have committed its part), the
 * pipeline retries them, and once s2 is back every accepted item is stored exactly once (counted by
 * distinct id and by rows on the cluster). Last, an {@code ON CLUSTER} statement must run on every
 * server again: 18.16's DDL worker can die on a restart (see {@code scripts/clickhouse-cluster.sh},
 * {@code max_tasks_in_queue}), which used to fail the cluster ITs that ran after this one.
 */
class ShardKillIT {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static String database;

  @AfterAll
  static void dropDatabase() throws Exception {
    if (System.getenv("CLICKHOUSE_CLUSTER_DIR") != null) {
      script("start-server", "s2"); // whatever happened, leave the cluster whole
    }
    if (database != null) {
      ClickHouseTestCluster.dropDatabase(database);
    }
  }

  @Test
  void everyAcceptedItemIsStoredOnceAfterAShardIsKilledAndRestarted() throws Exception {
    ClickHouseTestCluster.url();
    if (System.getenv("CLICKHOUSE_CLUSTER_DIR") == null) {
      String how = "ShardKillIT kills a server of a cluster started by scripts/clickhouse-cluster.sh: "
          + ClickHouseTestCluster.HOW;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(how);
      }
      Assumptions.abort(how);
    }
    int total = 6000;
    try (ClickHouseStorageAdapter storage = ClickHouseTestCluster.adapter("it_shard_kill")
            .connectTimeout(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(20)).build();
        MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).batchSize(200)
            .processingInterval(Duration.ofMillis(20)).queueCapacity(total)
            .retryPolicy(RetryPolicy.builder().maxAttempts(1000).initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofSeconds(1)).build())
            .build()) {
      database = storage.table().split("\\.")[0];
      storage.createSchema().join();
      pipeline.startProcessing();
      List<CompletableFuture<Void>> futures = new ArrayList<>(total);
      ProcessHandle killed = null;
      Instant base = Instant.now().minusSeconds(60);
      for (int i = 0; i < total; i++) {
        // many series: both shards get rows of almost every batch
        futures.add(pipeline.processMetrics(MetricsData.builder().timestamp(base.plusMillis(i)).metricType("kill")
            .source("it").metric(Metric.of("events", i, Map.of("id", Integer.toString(i),
                "host", "h" + (i % 50)))).build()));
        if (i == total / 3) {
          killed = ProcessHandle.of(Long.parseLong(script("pid", "s2").trim())).orElseThrow();
          new ProcessBuilder("kill", "-9", Long.toString(killed.pid())).inheritIO().start().waitFor();
        }
        if (i == 2 * total / 3) {
          killed.onExit().get(30, TimeUnit.SECONDS); // its ports are free again
          script("start-server", "s2");
        }
        if (i % 10 == 0) {
          Thread.sleep(20); // a stream over about 12 s, not one burst: the kill lands mid-stream
        }
      }
      int accepted = 0;
      for (CompletableFuture<Void> f : futures) {
        f.get(300, TimeUnit.SECONDS);
        accepted++;
      }
      assertThat(accepted).isEqualTo(total);
      assertThat(pipeline.stats().retries()).as("store attempts retried while s2 was down").isPositive();
      try (Connection c = new Connection(ClickHouseTestCluster.url(), "default", "", false, false,
          Duration.ofSeconds(5), Duration.ofSeconds(90), Duration.ofSeconds(90), 1,
          Map.of("distributed_ddl_task_timeout", "60"))) {
        String table = storage.table();
        long distinct = c.queryLong("SELECT uniqExact(tag_values[indexOf(tag_keys, 'id')]) FROM " + table);
        long rows = c.queryLong("SELECT count() FROM " + table);
        System.out.printf("ShardKillIT: %d accepted, %d stored (distinct ids), %d duplicates, %d store retries%n",
            total, distinct, rows - distinct, pipeline.stats().retries());
        assertThat(distinct).as("distinct items stored (lost = %d)", total - distinct).isEqualTo(total);
        assertThat(rows - distinct).as("duplicate rows").isZero();
        // both shards hold rows: the sharding spread the series
        assertThat(c.queryLong("SELECT count() FROM cluster('" + ClickHouseTestCluster.name()
            + "', system, one)")).isEqualTo(2);
        // the restarted server executes ON CLUSTER statements again (its DDL worker is alive)
        c.execute("DROP DATABASE IF EXISTS `" + database + "` ON CLUSTER `" + ClickHouseTestCluster.name() + "`");
        database = null;
      }
    }
  }

  private static String script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("scripts/clickhouse-cluster.sh").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("scripts/clickhouse-cluster.sh " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }
}
