package org.metricspipeline.adapters.metabase.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.junit.jupiter.api.Test;

/**
 * Writes every chart SQL shape (each function and chart type, with and without step, range, tag
 * filter and group-by) to {@code target/chdb/statements.jsonl}, after the table they read and a few
 * rows, for {@code scripts/chdb-check.sh}: it runs them on the current ClickHouse engine (npm chdb),
 * the release a Metabase installation is likely to query, while the ITs run them on 18.16.
 */
class ChartSqlShapesTest {

  static final String DATABASE = "chdb_metabase";

  @Test
  void writesEveryChartShapeForTheCurrentEngineCheck() throws IOException {
    List<Map<String, Object>> statements = new ArrayList<>();
    statement(statements, "ddl-database", "CREATE DATABASE IF NOT EXISTS " + DATABASE, false);
    statement(statements, "ddl-table", "CREATE TABLE IF NOT EXISTS " + DATABASE + ".metrics (metric_type String, "
        + "name String, unit String, source String, tag_keys Array(String), tag_values Array(String), "
        + "timestamp_ms Int64, value Float64, day Date DEFAULT toDate(intDiv(timestamp_ms, 86400000))) "
        + "ENGINE = MergeTree() PARTITION BY day ORDER BY (metric_type, name, source, unit, tag_keys, tag_values, timestamp_ms)",
        false);
    statement(statements, "insert", "INSERT INTO " + DATABASE + ".metrics (metric_type, name, unit, source, tag_keys, "
        + "tag_values, timestamp_ms, value) VALUES ('system', 'cpu', '', 'a', ['dc', 'host'], ['eu', 'w1'], 1795428000000, 10), "
        + "('system', 'cpu', '', 'a', ['dc', 'host'], ['eu', 'w1'], 1795428070000, 5), "
        + "('system', 'cpu', '', 'a', ['dc'], ['us'], 1795428080000, 1)", false);
    Instant t0 = Instant.ofEpochMilli(1_795_428_000_000L);
    for (Aggregation f : Aggregation.values()) {
      List<AggregationQuery> queries = List.of(
          AggregationQuery.builder("cpu", f).build(),
          AggregationQuery.builder("cpu", f).groupBy("host").step(Duration.ofMinutes(1)).build(),
          AggregationQuery.builder("cpu", f).metricType("system").tag("dc", "it's \\ \n").groupBy("dc", "host")
              .between(t0, t0.plusSeconds(300)).build(),
          AggregationQuery.builder("cpu", f).between(t0, t0.plusSeconds(300)).step(Duration.ofMillis(250)).build());
      for (int i = 0; i < queries.size(); i++) {
        for (VisualizationType type : VisualizationType.values()) {
          statement(statements, f.wireName() + "-" + type.wireName() + "-" + i,
              ClickHouseSql.chart(queries.get(i), type, DATABASE, "metrics").sql(), true);
        }
      }
    }
    Path out = Path.of("target", "chdb", "statements.jsonl");
    Files.createDirectories(out.getParent());
    ObjectMapper json = new ObjectMapper();
    StringBuilder lines = new StringBuilder();
    for (Map<String, Object> s : statements) {
      lines.append(json.writeValueAsString(s)).append('\n');
    }
    Files.writeString(out, lines, StandardCharsets.UTF_8);

    assertThat(Files.readAllLines(out)).hasSize(3 + 6 * 4 * 6);
  }

  private static void statement(List<Map<String, Object>> out, String label, String sql, boolean select) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("label", "metabase-" + label);
    s.put("sql", sql);
    s.put("select", select);
    out.add(s);
  }
}
