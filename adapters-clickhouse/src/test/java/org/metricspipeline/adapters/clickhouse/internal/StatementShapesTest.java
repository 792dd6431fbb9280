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
