package org.metricspipeline.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
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

/** The PostgreSQL table sink against the real server: DDL, binary COPY batches, read-only queries. */
class PostgresTableSinkIT {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private String schema;
  private TableSink sink;

  @BeforeEach
  void open() {
    schema = PostgresTestServer.freshSchema("it_sink");
    sink = AdapterRegistry.tableSink("postgres", AdapterConfig.of(Map.of("url", PostgresTestServer.url(), "schema", schema)));
  }

  @AfterEach
  void close() {
    if (sink != null) {
      sink.close();
      PostgresTestServer.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
  }

  private static TableSpec eventsPerMinute() {
    return TableSpec.of("events_per_minute", List.of(
        Column.required("window_start", ColumnType.TIMESTAMP), Column.of("window_end", ColumnType.TIMESTAMP),
        Column.required("device_type", ColumnType.STRING), Column.of("event_count", ColumnType.LONG),
        Column.of("ratio", ColumnType.DOUBLE), Column.of("score", ColumnType.FLOAT), Column.of("users", ColumnType.INT),
        Column.of("complete", ColumnType.BOOLEAN), Column.of("day", ColumnType.DATE),
        Column.of("labels", ColumnType.MAP), Column.of("pages", ColumnType.ARRAY)),
        List.of("window_start", "device_type"));
  }

  private static Map<String, Object> result(int minute, String device, long count) {
    Map<String, Object> window = Map.of("start", T0.plusSeconds(60L * minute), "end", T0.plusSeconds(60L * minute + 60));
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("window", window);
    row.put("device_type", device);
    row.put("count", count);
    row.put("ratio", count / 4.0);
    row.put("score", 1.5);
    row.put("users", 3);
    row.put("complete", true);
    row.put("day", "2026-11-23");
    row.put("labels", Map.of("region", "eu"));
    row.put("pages", List.of("/a", "/b"));
    return row;
  }

  private static ColumnMapping mapping() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("window.start", "window_start");
    m.put("window.end", "window_end");
    m.put("device_type", "device_type");
    m.put("count", "event_count");
    m.put("ratio", "ratio");
    m.put("score", "score");
    m.put("users", "users");
    m.put("complete", "complete");
    m.put("day", "day");
    m.put("labels", "labels");
    m.put("pages", "pages");
    return ColumnMapping.of(m);
  }

  @Test
  void writesRowsThroughTheMappingAndReadsThemBackWithBoundParameters() {
    sink.createTable(eventsPerMinute()).join();
    sink.createTable(eventsPerMinute()).join(); // IF NOT EXISTS

    long written = sink.writeBatch("events_per_minute",
        List.of(result(0, "mobile", 4), result(0, "desktop", 2), result(1, "mobile", 7)), mapping()).join();

    assertThat(written).isEqualTo(3);
    List<Map<String, Object>> rows = sink.query("SELECT * FROM \"" + schema + "\".events_per_minute "
        + "WHERE device_type = ? AND window_start >= ? ORDER BY window_start", List.of("mobile", T0)).join();
    assertThat(rows).hasSize(2);
    Map<String, Object> first = rows.get(0);
    assertThat(first.get("window_start")).isEqualTo(T0);
    assertThat(first.get("window_end")).isEqualTo(T0.plusSeconds(60));
    assertThat(first.get("event_count")).isEqualTo(4L);
    assertThat(first.get("ratio")).isEqualTo(1.0);
    assertThat(first.get("score")).isEqualTo(1.5f);
    assertThat(first.get("users")).isEqualTo(3);
    assertThat(first.get("complete")).isEqualTo(true);
    assertThat(first.get("day")).isEqualTo(LocalDate.parse("2026-11-23"));
    assertThat(String.valueOf(first.get("labels"))).isEqualTo("{\"region\": \"eu\"}");
    assertThat(first.get("pages")).isEqualTo(List.of("/a", "/b"));
  }

  @Test
  void hostileStringsAreStoredAndMatchedExactly() {
    sink.createTable(TableSpec.of("t", List.of(Column.of("v", ColumnType.STRING)), List.of())).join();
    List<String> hostile = List.of("'", "'; DROP TABLE t; --", "\\", "' OR '1'='1", "$1", "?", "\uD83D\uDE00", "");
    List<Map<String, Object>> rows = new ArrayList<>();
    hostile.forEach(h -> rows.add(Map.of("v", h)));
    sink.writeBatch("t", rows, ColumnMapping.identity(List.of("v"))).join();

    for (String h : hostile) {
      assertThat(sink.query("SELECT count(*) AS n FROM \"" + schema + "\".t WHERE v = ?", List.of(h)).join())
          .as("rows equal to %s", h).containsExactly(Map.of("n", 1L));
    }
  }

  @Test
  void queriesAreReadOnly() {
    sink.createTable(TableSpec.of("t", List.of(Column.of("v", ColumnType.STRING)), List.of())).join();

    assertThatThrownBy(() -> sink.query("INSERT INTO \"" + schema + "\".t VALUES (?)", List.of("x")).join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void aBatchWithAValueTheColumnCannotHoldFailsWholeNamingRowAndColumn() {
    sink.createTable(eventsPerMinute()).join();
    Map<String, Object> bad = new LinkedHashMap<>(result(1, "tv", 1));
    bad.put("count", "many");

    assertThatThrownBy(() -> sink.writeBatch("events_per_minute", List.of(result(0, "tv", 1), bad), mapping()).join())
        .hasCauseInstanceOf(MetricsPipelineException.class).hasMessageContaining("row 1")
        .hasMessageContaining("event_count");
    assertThat(sink.query("SELECT count(*) AS n FROM \"" + schema + "\".events_per_minute", List.of()).join())
        .containsExactly(Map.of("n", 0L));
  }

  @Test
  void aMappingToAnUnknownColumnFailsNamingIt() {
    sink.createTable(eventsPerMinute()).join();

    assertThatThrownBy(() -> sink.writeBatch("events_per_minute", List.of(result(0, "tv", 1)),
        ColumnMapping.of(Map.of("count", "nope"))).join()).hasMessageContaining("nope");
  }

  @Test
  void reportsHealth() {
    assertThat(sink.healthCheck().join().status()).isEqualTo(HealthStatus.HEALTHY);
    sink.close();
    assertThat(sink.healthCheck().join().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }
}
