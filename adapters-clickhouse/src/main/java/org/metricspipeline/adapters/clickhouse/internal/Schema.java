package org.metricspipeline.adapters.clickhouse.internal;

import java.util.List;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.clickhouse.sql.Sql;

/**
 * The table layout and its DDL. Every statement is idempotent ({@code IF NOT EXISTS}) and runs on
 * ClickHouse 18.16 and current releases (no LowCardinality, Map, DateTime64, TTL or codecs).
 *
 * <p>Raw table {@code <database>.<table>}: one row per stored point, ordered by
 * {@code (metric_type, name, source, unit, tag_keys, tag_values, timestamp_ms)} so one series is
 * contiguous and time-ordered; partitioned by {@code day} so retention drops whole days. Tags are
 * parallel arrays sorted by key. Rollup tables {@code <table>_rollup_1m|5m|1h} hold one row per
 * series and bucket with the full accumulator state of core's {@code Aggregations} and the
 * {@code version} (rollup run) that wrote it; readers see the newest version of each bucket.
 */
public final class Schema {

  /** The version of the layout below, recorded in {@code schema_version}. */
  public static final int VERSION = 1;

  /** The columns of an insert into the raw table, in RowBinary order. */
  public static final List<String> RAW_INSERT_COLUMNS = List.of(
      "metric_type", "name", "unit", "source", "tag_keys", "tag_values", "timestamp_ms", "value",
      "day", "context", "insert_id");

  private static final String SERIES_COLUMNS = "metric_type String, name String, unit String, "
      + "source String, tag_keys Array(String), tag_values Array(String), ";
  private static final String SERIES_ORDER = "metric_type, name, source, unit, tag_keys, tag_values";

  private final String database;
  private final String table;

  /** Names checked by {@link #checkName}. */
  public Schema(String database, String table) {
    checkName("database", database);
    checkName("table", table);
    this.database = database;
    this.table = table;
  }

  /**
   * Checks a database or table name: {@link Sql#IDENTIFIER}, at most 40 characters (rollup tables
   * add a suffix); fails naming the option.
   */
  public static void checkName(String option, String name) {
    Sql.identifier(option, name);
    if (name.length() > 40) {
      throw new IllegalArgumentException(option + " must be at most 40 characters, got '" + name + "'");
    }
  }

  /** The database name. */
  public String database() {
    return database;
  }

  /** The raw table name (unquoted). */
  public String tableName() {
    return table;
  }

  /** The quoted raw table. */
  public String raw() {
    return Sql.identifier("database", database) + "." + Sql.identifier("table", table);
  }

  /** The unquoted name of a rollup table. */
  public String rollupName(Resolution r) {
    return table + "_rollup_" + r.wireName();
  }

  /** The quoted rollup table of a resolution. */
  public String rollup(Resolution r) {
    return Sql.identifier("database", database) + "." + Sql.identifier("table", rollupName(r));
  }

  /** The quoted watermark table. */
  public String watermarks() {
    return Sql.identifier("database", database) + "." + Sql.identifier("table", table + "_rollup_watermarks");
  }

  /** The quoted health probe table (one row per probe, collapsed by merges). */
  public String health() {
    return Sql.identifier("database", database) + "." + Sql.identifier("table", table + "_health");
  }

  /** The health check's insert: one row into the probe table. */
  public String healthProbe(long nowMillis) {
    return "INSERT INTO " + health() + " (probe, at_ms) VALUES ('probe', " + nowMillis + ")";
  }

  /** The quoted schema version table. */
  public String schemaVersion() {
    return Sql.identifier("database", database) + ".`schema_version`";
  }

  /** The statements that create everything, in order. */
  public List<String> createStatements() {
    return List.of(
        "CREATE DATABASE IF NOT EXISTS " + Sql.identifier("database", database),
        "CREATE TABLE IF NOT EXISTS " + schemaVersion() + " (table_name String, version UInt32, "
            + "applied_ms Int64, description String) ENGINE = MergeTree() ORDER BY (table_name, version)",
        "CREATE TABLE IF NOT EXISTS " + raw() + " (" + SERIES_COLUMNS
            + "timestamp_ms Int64, value Float64, day Date DEFAULT toDate(intDiv(timestamp_ms, 86400000)), "
            + "context String DEFAULT '', insert_id UInt64 DEFAULT 0) ENGINE = MergeTree() "
            + "PARTITION BY day ORDER BY (" + SERIES_ORDER + ", timestamp_ms)",
        rollupDdl(Resolution.ONE_MINUTE),
        rollupDdl(Resolution.FIVE_MINUTES),
        rollupDdl(Resolution.ONE_HOUR),
        "CREATE TABLE IF NOT EXISTS " + watermarks() + " (resolution String, watermark_ms Int64, "
            + "updated_ms Int64) ENGINE = MergeTree() ORDER BY (resolution, watermark_ms)",
        "CREATE TABLE IF NOT EXISTS " + health() + " (probe String, at_ms Int64) "
            + "ENGINE = ReplacingMergeTree(at_ms) ORDER BY probe");
  }

  private String rollupDdl(Resolution r) {
    return "CREATE TABLE IF NOT EXISTS " + rollup(r) + " (" + SERIES_COLUMNS
        + "start_ms Int64, count UInt64, sum Float64, min Float64, max Float64, first_ms Int64, "
        + "first_value Float64, last_ms Int64, last_value Float64, increase Float64, version Int64 DEFAULT 0, "
        + "day Date DEFAULT toDate(intDiv(start_ms, 86400000))) ENGINE = ReplacingMergeTree(version) "
        + "PARTITION BY day ORDER BY (" + SERIES_ORDER + ", start_ms)";
  }

  /** Reads the recorded version of this table's layout (one UInt64 row, 0 when none). */
  public String readVersion() {
    return "SELECT toUInt64(max(version)) FROM " + schemaVersion() + " WHERE table_name = " + Sql.quote(table);
  }

  /** Records {@link #VERSION}. */
  public String recordVersion(long nowMillis) {
    return "INSERT INTO " + schemaVersion() + " (table_name, version, applied_ms, description) VALUES ("
        + Sql.quote(table) + ", " + VERSION + ", " + nowMillis + ", "
        + Sql.quote("raw table, 1m/5m/1h rollup tables, watermarks") + ")";
  }

  /** Whether every table exists: one UInt64 row, the number found (want {@link #tableCount()}). */
  public String countTables() {
    return "SELECT count() FROM system.tables WHERE database = " + Sql.quote(database) + " AND name IN ("
        + Sql.quote(table) + ", " + Sql.quote(rollupName(Resolution.ONE_MINUTE)) + ", "
        + Sql.quote(rollupName(Resolution.FIVE_MINUTES)) + ", " + Sql.quote(rollupName(Resolution.ONE_HOUR))
        + ", " + Sql.quote(table + "_rollup_watermarks") + ", " + Sql.quote(table + "_health") + ", 'schema_version')";
  }

  /** The number of tables {@link #countTables()} should find. */
  public int tableCount() {
    return 7;
  }
}
