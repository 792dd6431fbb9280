package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.adapters.clickhouse.internal.Schema;
import org.metricspipeline.adapters.clickhouse.internal.StatementShapes;
import org.metricspipeline.clickhouse.sql.Sql;

/**
 * Every statement shape the adapter generates (the same list the chdb check runs on the current
 * engine) runs on the 18.16 server, and quoted hostile strings read back unchanged.
 */
class StatementShapesIT {

  @Test
  void everyGeneratedStatementRunsOn1816() {
    Schema schema = new Schema(ClickHouseTestServer.freshDatabase("it_shapes"), "metrics");
    try (Connection c = connection()) {
      for (Map.Entry<String, String> e : StatementShapes.all(schema).entrySet()) {
        if (StatementShapes.isSelect(e.getValue())) {
          c.query(e.getValue(), row -> {
            while (row.hasMore()) {
              row.uint8(); // the shape is what is checked, not the values
            }
          });
        } else {
          c.execute(e.getValue());
        }
      }
      assertThat(c.queryLong("SELECT count() FROM " + schema.raw())).isEqualTo(0); // the delete ran last
    }
  }

  @Test
  void quotedHostileStringsReadBackUnchanged() {
    try (Connection c = connection()) {
      for (String s : HostileStringsIT.ALL) {
        String[] back = {null};
        c.query("SELECT " + Sql.quote(s), row -> back[0] = row.string());
        assertThat(back[0]).isEqualTo(s);
      }
    }
  }

  static Connection connection() {
    java.time.Duration t = java.time.Duration.ofSeconds(30);
    return new Connection(ClickHouseTestServer.url(), "default", "", false, false, t, t, t, 2);
  }
}
