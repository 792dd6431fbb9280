package org.metricspipeline.adapters.clickhouse;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.metricspipeline.adapters.clickhouse.internal.Connection;

/**
 * The ClickHouse cluster the cluster ITs use: {@code CLICKHOUSE_CLUSTER_URL} and
 * {@code CLICKHOUSE_CLUSTER} (set by {@code scripts/verify.sh}, which starts one with
 * {@code scripts/clickhouse-cluster.sh start}). Without them the test fails when {@code CI=true}
 * and is skipped otherwise, saying how to start one.
 */
final class ClickHouseTestCluster {

  static final String HOW = "no ClickHouse cluster: run `eval \"$(scripts/clickhouse-cluster.sh start >/dev/null"
      + " && scripts/clickhouse-cluster.sh env)\"` (sets CLICKHOUSE_CLUSTER_URL, CLICKHOUSE_CLUSTER and the"
      + " servers' URLs), or run scripts/verify.sh which does it";

  private ClickHouseTestCluster() {}

  /** The entry server's HTTP URL; fails (CI) or skips (elsewhere) when none is set. */
  static String url() {
    return env("CLICKHOUSE_CLUSTER_URL").orElseGet(() -> {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(HOW + " (CI=true: a missing cluster is a failure)");
      }
      Assumptions.abort(HOW + " (skipped because CI is not \"true\")");
      return "";
    });
  }

  /** The cluster name [metrics_cluster]. */
  static String name() {
    url();
    return env("CLICKHOUSE_CLUSTER").orElse("metrics_cluster");
  }

  /** Whether the cluster has a replica pair (the script's metrics_cluster): tables are then replicated. */
  static boolean replicated() {
    return !"metrics_shards".equals(name());
  }

  /** The URL of one server (s1, s2, s3), when the script exported it. */
  static Optional<String> server(String name) {
    url();
    return env("CLICKHOUSE_CLUSTER_" + name.toUpperCase(java.util.Locale.ROOT) + "_URL");
  }

  /** An adapter on a fresh database spread over the cluster. */
  static ClickHouseStorageAdapter.Builder adapter(String prefix) {
    return ClickHouseStorageAdapter.builder(url()).database(ClickHouseTestServer.freshDatabase(prefix))
        .cluster(name()).replicated(replicated());
  }

  /** Drops a database on every server of the cluster. */
  static void dropDatabase(String database) {
    Duration t = Duration.ofSeconds(60);
    try (Connection c = new Connection(url(), "default", "", false, false, t, t, t, 1)) {
      c.execute("DROP DATABASE IF EXISTS `" + database + "` ON CLUSTER `" + name() + "`");
    }
  }

  private static Optional<String> env(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
