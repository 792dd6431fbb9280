package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.sink.Column;
import org.metricspipeline.api.sink.ColumnMapping;
import org.metricspipeline.api.sink.ColumnType;
import org.metricspipeline.api.sink.TableSink;
import org.metricspipeline.api.sink.TableSpec;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;

/** The ClickHouse table sink against the real server: DDL, JSONEachRow batches, read-only queries. */
class ClickHouseTableSinkIT {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private String database;
  private TableSink sink;

  @BeforeEach
  void open() {
    database = ClickHouseTestServer.freshDatabase("it_sink");
    sink = AdapterRegistry.tableSink("clickhouse", AdapterConfig.of(Map.of("url", ClickHouseTestServer.url(),
        "database", database)));
  }

  @AfterEach
  void close() {
    if (sink != null) {
      sink.close();
      try (var c = new org.metricspipeline.adapters.clickhouse.internal.Connection(ClickHouseTestServer.url(), "default",
          "", false, false, java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30),
          java.time.Duration.ofSeconds(30), 1)) {
        c.execute("DROP DATABASE IF EXISTS `" + database + "`");
      }
    }
  }

  private static Map<String, Object> result(int minute, String device, long count) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("window", Map.of("start", T0.plusSeconds(60L * minute), "end", T0.plusSeconds(60L * minute + 60)));
    row.put("device_type", device);
    row.put("count", count);
    row.put("ok", true);
    row.put("pages", List.of("/a", "'b"));
    return row;
  }

  @Test
  void writesRowsThroughTheMappingAndReadsThemBackWithBoundParameters() {
    TableSpec spec = TableSpec.fromConfig("events_per_minute", Map.of(
        "columns", List.of(Map.of("name", "window_start", "type", "datetime", "nullable", false),
            Map.of("name", "device_type", "type", "string", "nullable", false),
            Map.of("name", "event_count", "type", "long"), Map.of("name", "ok", "type", "boolean"),
            Map.of("name", "pages", "type", "array")),
        "order_by", List.of("window_start", "device_type")));
    sink.createTable(spec).join();
    sink.createTable(spec).join(); // IF NOT EXISTS
    Map<String, String> m = new LinkedHashMap<>();
    m.put("window.start", "window_start");
    m.put("device_type", "device_type");
    m.put("count", "event_count");
    m.put("ok", "ok");
    m.put("pages", "pages");

    long written = sink.writeBatch("events_per_minute",
        List.of(result(0, "mobile", 4), result(0, "desktop", 2), result(1, "mobile", 7)), ColumnMapping.of(m)).join();

    assertThat(written).isEqualTo(3);
    List<Map<String, Object>> rows = sink.query("SELECT toString(window_start) AS ws, event_count, ok, pages FROM "
        + database + ".events_per_minute WHERE device_type = ? AND window_start >= ? ORDER BY window_start",
        List.of("mobile", T0)).join();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).containsEntry("ws", "2026-11-23 10:00:00").containsEntry("event_count", 4)
        .containsEntry("ok", 1).containsEntry("pages", List.of("/a", "'b"));
  }

  @Test
  void hostileStringsAreStoredAndMatchedExactly() {
    sink.createTable(TableSpec.of("t", List.of(Column.of("v", ColumnType.STRING)), List.of())).join();
    List<String> hostile = List.of("'", "'; DROP TABLE t; --", "\\", "\\'", "' OR '1'='1", "?", "a\u0000b",
        "\uD83D\uDE00", "");
    List<Map<String, Object>> rows = new ArrayList<>();
    hostile.forEach(h -> rows.add(Map.of("v", h)));
    sink.writeBatch("t", rows, ColumnMapping.identity(List.of("v"))).join();

    for (String h : hostile) {
      assertThat(sink.query("SELECT count() AS n FROM " + database + ".t WHERE v = ?", List.of(h)).join())
          .as("rows equal to %s", h).containsExactly(Map.of("n", 1));
    }
  }

  @Test
  void queriesAreReadOnlyAndMapsAreRefused() {
    sink.createTable(TableSpec.of("t", List.of(Column.of("v", ColumnType.STRING)), List.of())).join();

    assertThatThrownBy(() -> sink.query("INSERT INTO " + database + ".t VALUES (?)", List.of("x")).join())
        .hasCauseInstanceOf(MetricsPipelineException.class);
    assertThat(sink.query("SELECT count() AS n FROM " + database + ".t", List.of()).join())
        .containsExactly(Map.of("n", 0));
    assertThatThrownBy(() -> sink.createTable(TableSpec.of("m", List.of(Column.of("labels", ColumnType.MAP)),
        List.of())).join()).hasMessageContaining("labels");
  }

  @Test
  void reportsHealth() {
    assertThat(sink.healthCheck().join().status()).isEqualTo(HealthStatus.HEALTHY);
    sink.close();
    assertThat(sink.healthCheck().join().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }
}
