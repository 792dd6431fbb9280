package org.metricspipeline.adapters.clickhouse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Writes every generated statement shape to {@code target/chdb/statements.jsonl} (one JSON object
 * per line: label, sql, select) for {@code scripts/chdb-check.sh}, which runs them on the current
 * ClickHouse engine (npm's chdb).
 */
class StatementShapesTest {

  @Test
  void writesEveryStatementShapeForTheChdbCheck() throws IOException {
    Map<String, String> all = StatementShapes.all(new Schema("chdb_check", "metrics"));
    StringBuilder sb = new StringBuilder();
    all.forEach((label, sql) -> sb.append("{\"label\":").append(json(label)).append(",\"sql\":").append(json(sql))
        .append(",\"select\":").append(StatementShapes.isSelect(sql)).append("}\n"));
    // the default sharding key runs over the raw table's columns
    sb.append("{\"label\":\"cluster-sharding-key\",\"sql\":").append(json("SELECT toUInt64("
        + Schema.DEFAULT_SHARDING_KEY + " % 2) FROM chdb_check.metrics")).append(",\"select\":true}\n");
    // the cluster layout's own shapes: chdb has no cluster, so they are parsed (EXPLAIN AST), not run
    Map<String, String> cluster = new java.util.LinkedHashMap<>();
    cluster.putAll(StatementShapes.clusterOnly(
        new Schema.ClusterLayout("metrics_cluster", Schema.DEFAULT_SHARDING_KEY, true)));
    cluster.putAll(StatementShapes.clusterOnly(
        new Schema.ClusterLayout("metrics_shards", Schema.DEFAULT_SHARDING_KEY, false)));
    cluster.forEach((label, sql) -> sb.append("{\"label\":").append(json(label)).append(",\"sql\":")
        .append(json(sql)).append(",\"select\":").append(StatementShapes.isSelect(sql))
        .append(",\"parse\":true}\n"));
    assertThat(cluster).containsKeys("cluster-replicated-ddl-0", "cluster-ddl-2", "cluster-replicated-pending-mutations",
        "cluster-retention-drop-partition", "cluster-insert-id-delete", "cluster-health-points");
    assertThat(cluster.get("cluster-replicated-ddl-2")).contains("ON CLUSTER `metrics_cluster`")
        .contains("ReplicatedMergeTree('/clickhouse/tables/{shard}/chdb_check/metrics_local', '{replica}')");
    assertThat(cluster.get("cluster-ddl-3")).contains("ENGINE = Distributed(`metrics_shards`, `chdb_check`, "
        + "`metrics_local`, " + Schema.DEFAULT_SHARDING_KEY + ")");
    Path out = Path.of("target", "chdb", "statements.jsonl");
    Files.createDirectories(out.getParent());
    Files.writeString(out, sb, StandardCharsets.UTF_8);
    assertThat(all).containsKeys("ddl-0", "insert-raw", "rate-raw-grouped", "avg-rollup-tail", "rollup-insert-1h",
        "tag-values", "retention-drop-partition");
    assertThat(all.values()).allSatisfy(sql -> assertThat(sql).doesNotContain("\0"));
  }

  private static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
