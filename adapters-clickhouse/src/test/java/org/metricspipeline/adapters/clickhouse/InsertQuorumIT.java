package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;

/**
 * An insert with {@code insertQuorum(2)} on the replica pair (cluster {@code metrics_replicas}: shard
 * 01 = s1 + s3, alone): it succeeds, and when it returns both replicas already hold its rows (no
 * waiting for replication), and the shard's zookeeper node records the last part written with a
 * quorum. On {@code metrics_cluster}, whose shard 02 has one replica, the adapter refuses the quorum.
 */
class InsertQuorumIT {

  private static final String PAIR = "metrics_replicas";

  @Test
  void aQuorumInsertSucceedsAndIsOnBothReplicasWhenItReturns() {
    String s1 = ClickHouseTestCluster.server("s1").orElse("");
    String s3 = ClickHouseTestCluster.server("s3").orElse("");
    Assumptions.assumeTrue(ClickHouseTestCluster.replicated() && !s1.isEmpty() && !s3.isEmpty(),
        "needs the replica pair s1 + s3 of scripts/clickhouse-cluster.sh");
    String database = null;
    try (ClickHouseStorageAdapter store = ClickHouseTestCluster.adapter("it_quorum")
        .cluster(PAIR).insertQuorum(2).build()) {
      database = store.table().split("\\.")[0];
      String local = store.table() + "_local";
      var items = MemoryEquivalenceIT.data();
      for (int i = 0; i < 3; i++) {
        // one batch after the other: 18.16 refuses a quorum insert while the previous one lacks its quorum
        assertThat(store.batchStore(items.subList(i * items.size() / 3, (i + 1) * items.size() / 3)).join()
            .allSucceeded()).isTrue();
        long onS1 = count(s1, "SELECT count() FROM " + local);
        long onS3 = count(s3, "SELECT count() FROM " + local);
        assertThat(onS1).as("rows of shard 01 on s1 after batch %d", i).isPositive();
        assertThat(onS3).as("rows of shard 01 on s3 right after batch %d returned", i).isEqualTo(onS1);
      }
      List<String> lastPart = strings(s1, "SELECT value FROM system.zookeeper WHERE path = '/clickhouse/tables/01/"
          + database + "/" + local.split("\\.")[1] + "/quorum' AND name = 'last_part'");
      assertThat(lastPart).as("the part last written with a quorum, in zookeeper").hasSize(1);
      assertThat(lastPart.get(0)).isNotBlank();
      // rollups insert into replicated tables with the quorum too
      assertThat(store.rollup(Resolution.ONE_MINUTE, TimeRange.between(
          Instant.parse("2026-11-20T23:00:00Z"), Instant.parse("2026-11-21T02:00:00Z"))).join()).isPositive();
      assertThat(count(s3, "SELECT count() FROM " + store.table() + "_rollup_1m_local")).isPositive();
    } finally {
      if (database != null) {
        ClickHouseTestCluster.dropDatabase(database);
      }
    }
  }

  @Test
  void concurrentBatchesAllSucceedAlthough1816RefusesConcurrentQuorumInserts() {
    Assumptions.assumeTrue(ClickHouseTestCluster.replicated(), "needs the replica pair s1 + s3");
    String database = null;
    try (ClickHouseStorageAdapter store = ClickHouseTestCluster.adapter("it_quorum_par")
        .cluster(PAIR).insertQuorum(2).threads(4).build()) {
      database = store.table().split("\\.")[0];
      var items = MemoryEquivalenceIT.data();
      List<CompletableFuture<MetricsBatchResult>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(store.batchStore(items.subList(i * items.size() / 8, (i + 1) * items.size() / 8)));
      }
      for (CompletableFuture<MetricsBatchResult> call : calls) {
        assertThat(call.join().allSucceeded()).isTrue();
      }
    } finally {
      if (database != null) {
        ClickHouseTestCluster.dropDatabase(database);
      }
    }
  }

  @Test
  void aQuorumLargerThanAShardsReplicasFailsNamingTheOption() {
    Assumptions.assumeTrue(ClickHouseTestCluster.replicated(), "needs metrics_cluster (shard 02 has one replica)");
    String database = null;
    try (ClickHouseStorageAdapter store = ClickHouseTestCluster.adapter("it_quorum_no").insertQuorum(2).build()) {
      database = store.table().split("\\.")[0];
      assertThat(store.batchStore(MemoryEquivalenceIT.data().subList(0, 10)))
          .failsWithin(Duration.ofSeconds(60)).withThrowableThat()
          .withMessageContaining("insertQuorum 2 needs at least 2 replicas in every shard of cluster 'metrics_cluster'")
          .withMessageContaining("insert-quorum");
    } finally {
      if (database != null) {
        ClickHouseTestCluster.dropDatabase(database);
      }
    }
  }

  private static long count(String url, String sql) {
    return strings(url, "SELECT toString(" + sql.substring("SELECT ".length(), sql.indexOf(" FROM")) + ")"
        + sql.substring(sql.indexOf(" FROM"))).stream().mapToLong(Long::parseLong).sum();
  }

  private static List<String> strings(String url, String sql) {
    Duration t = Duration.ofSeconds(30);
    List<String> out = new ArrayList<>();
    try (Connection c = new Connection(url, "default", "", false, false, t, t, t, 1)) {
      c.query(sql, row -> out.add(row.string()));
    }
    return out;
  }
}
