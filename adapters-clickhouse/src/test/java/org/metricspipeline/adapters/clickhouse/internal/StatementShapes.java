package org.metricspipeline.adapters.clickhouse.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.clickhouse.sql.Sql;

/**
 * Every statement shape the adapter generates, for representative inputs (hostile strings
 * included), from the adapter's own generators: DDL, the insert shapes, each query, aggregation,
 * rollup, retention, discovery and health statement. {@code StatementShapesTest} writes them for the
 * chdb check; the ITs run them against 18.16.
 */
public final class StatementShapes {

  /** A string with every character class {@link Sql#quote} treats specially. */
  public static final String HOSTILE = "it's \\ -- ; DROP TABLE x; \0 \n\t\r\b\f \u0001\u007f é 🚀 '); --";

  private StatementShapes() {}

  /** Statement kind (a label) to SQL, in execution order; SELECTs are read as RowBinary. */
  public static Map<String, String> all(Schema schema) {
    return all(new Queries(schema));
  }

  /** As {@link #all(Schema)}, from these statement generators. */
  public static Map<String, String> all(Queries q) {
    Schema schema = q.schema();
    Map<String, String> out = new LinkedHashMap<>();
    List<String> ddl = schema.createStatements();
    for (int i = 0; i < ddl.size(); i++) {
      out.put("ddl-" + i, ddl.get(i));
    }
    out.put("schema-version-read", schema.readVersion());
    out.put("schema-version-record", schema.recordVersion(1_700_000_000_000L));
    out.put("schema-count-tables", schema.countTables());
    out.put("health-probe", schema.healthProbe(1_700_000_000_000L));
    out.put("health-points", q.rawRowCount());
    // the RowBinary insert's column list, as VALUES (chdb runs SQL text; 18.16 gets RowBinary)
    out.put("insert-raw", "INSERT INTO " + schema.raw() + " (" + String.join(", ", Schema.RAW_INSERT_COLUMNS)
        + ") VALUES (" + Sql.quote("system") + ", " + Sql.quote(HOSTILE) + ", '', " + Sql.quote(HOSTILE) + ", ["
        + Sql.quote("host") + ", " + Sql.quote(HOSTILE) + "], [" + Sql.quote(HOSTILE) + ", 'x'], "
        + "1700000000123, 1.5, toDate(19675), '{\"k\":1}', 42), "
        + "('system', 'cpu', '%', 'a', ['host'], ['w1'], 1700000060000, 2, toDate(19675), '', 42)");
    Instant t0 = Instant.ofEpochMilli(1_699_999_200_000L);
    TimeRange range = TimeRange.between(t0, t0.plus(Duration.ofHours(2)));
    out.put("select-page", q.select(MetricsQuery.builder().limit(10).offset(5).build()));
    out.put("select-filtered", q.select(MetricsQuery.builder().metricType(HOSTILE).metricNames(HOSTILE, "cpu")
        .tag(HOSTILE, HOSTILE).tag("host", "w1").range(range).limit(100).build()));
    out.put("select-from", q.select(MetricsQuery.builder().metricNames("cpu").range(TimeRange.from(t0)).build()));
    for (Aggregation f : Aggregation.values()) {
      AggregationQuery plain = AggregationQuery.builder(HOSTILE, f).range(range).build();
      AggregationQuery grouped = AggregationQuery.builder("cpu", f).metricType("system").tag(HOSTILE, "x")
          .groupBy("host", HOSTILE).step(Duration.ofMinutes(1)).range(TimeRange.until(t0.plusSeconds(3600))).build();
      if (f == Aggregation.RATE) {
        out.put("rate-raw", q.rateRaw(plain));
        out.put("rate-raw-grouped", q.rateRaw(grouped));
      } else {
        out.put(f.wireName() + "-raw", q.aggregateRaw(plain));
        out.put(f.wireName() + "-raw-grouped", q.aggregateRaw(grouped));
        out.put(f.wireName() + "-rollup-tail", q.aggregateRollup(grouped, Resolution.ONE_MINUTE,
            TimeRange.until(t0.plusSeconds(1800)), Optional.of(TimeRange.between(t0.plusSeconds(1800), t0.plusSeconds(3600))), false));
        out.put(f.wireName() + "-rollup", q.aggregateRollup(plain, Resolution.FIVE_MINUTES, range, Optional.empty(), false));
        out.put(f.wireName() + "-rollup-newest", q.aggregateRollup(grouped, Resolution.ONE_HOUR, range, Optional.empty(), true));
      }
    }
    for (Resolution r : Resolution.values()) {
      out.put("rollup-insert-" + r.wireName(), q.insertRollups(r, range, 1_700_000_000_000L));
      out.put("rollup-delete-" + r.wireName(), q.deleteRollups(r, range, 1_700_000_000_000L));
      out.put("rollup-list-" + r.wireName(), q.listRollups(r, false));
      out.put("rollup-list-newest-" + r.wireName(), q.listRollups(r, true));
    }
    out.put("rollup-insert-unbounded", q.insertRollups(Resolution.ONE_HOUR, TimeRange.until(t0), 1));
    out.put("rollup-max-version", q.maxRollupVersion(Resolution.ONE_HOUR));
    RollupQuery rq = new RollupQuery(HOSTILE, Resolution.ONE_MINUTE, range, Map.of(HOSTILE, HOSTILE), Optional.of("system"));
    out.put("rollup-read", q.readRollups(rq, false));
    out.put("rollup-read-newest", q.readRollups(rq, true));
    out.put("rollup-compute", q.computeRollups(rq));
    out.put("watermark-write", q.writeWatermark(Resolution.ONE_MINUTE, t0.toEpochMilli(), t0.toEpochMilli()));
    out.put("watermark-read", q.readWatermark(Resolution.ONE_MINUTE));
    out.put("any-point-before", q.anyPointBefore(t0.toEpochMilli()));
    out.put("list-metrics", q.listMetrics(new MetricListQuery(2, 10, HOSTILE)));
    out.put("list-metrics-all", q.listMetrics(MetricListQuery.firstPage()));
    out.put("count-metrics", q.countMetrics(HOSTILE));
    out.put("metric-summary", q.metricSummary(HOSTILE));
    out.put("tag-values", q.tagValues(HOSTILE, 3));
    out.put("insert-id-count", Queries.countWhere(schema.raw(), "insert_id = 42"));
    out.put("insert-id-delete", q.deleteWhere(schema.tableName(), "insert_id = 42"));
    out.put("pending-mutations", q.pendingMutations(schema.tableName()));
    out.put("retention-count", Queries.countWhere(schema.raw(), "timestamp_ms < 1700000000000"));
    out.put("retention-partitions", q.partitionsBefore(schema.tableName(), 19675));
    out.put("retention-drop-partition", q.dropPartition(schema.tableName(), "2023-11-14"));
    out.put("retention-delete", q.deleteWhere(schema.tableName(), "timestamp_ms < 1700000000000"));
    return out;
  }

  /**
   * The statement shapes of a cluster layout that differ from one server's: the {@code ON CLUSTER}
   * DDL (local tables, replicated or not, and the Distributed tables), mutations and partition
   * drops on the local tables {@code ON CLUSTER}, and the system-table reads over every server
   * ({@code remote()}, {@code cluster()}). Reads and inserts use the Distributed tables under the
   * one-server names, so their shapes are those of {@link #all}.
   */
  public static Map<String, String> clusterOnly(Schema.ClusterLayout layout) {
    Schema schema = new Schema("chdb_check", "metrics", Optional.of(layout));
    Queries q = new Queries(schema);
    q.servers(List.of("127.0.0.1:9000", "127.0.0.1:9001"));
    String prefix = "cluster-" + (layout.replicated() ? "replicated-" : "");
    Map<String, String> single = all(new Schema("chdb_check", "metrics"));
    Map<String, String> out = new LinkedHashMap<>();
    List<String> ddl = schema.createStatements();
    for (int i = 0; i < ddl.size(); i++) {
      out.put(prefix + "ddl-" + i, ddl.get(i));
    }
    all(q).forEach((label, sql) -> {
      if (!label.startsWith("ddl-") && !sql.equals(single.get(label))) {
        out.put(prefix + label, sql);
      }
    });
    out.put(prefix + "servers", q.clusterServers());
    return out;
  }

  /** Whether a statement returns rows (read as RowBinary). */
  public static boolean isSelect(String sql) {
    return sql.startsWith("SELECT");
  }

  /** The labels of statements that only 18.16's HTTP path runs (none yet). */
  public static List<String> serverOnly() {
    return new ArrayList<>();
  }
}
