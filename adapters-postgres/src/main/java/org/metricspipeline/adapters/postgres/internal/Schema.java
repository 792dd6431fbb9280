package org.metricspipeline.adapters.postgres.internal;

import java.util.ArrayList;
import java.util.List;
import org.metricspipeline.api.query.Resolution;

/**
 * The table layout and its DDL, all {@code IF NOT EXISTS}, for PostgreSQL 12 and later (no extension).
 *
 * <p>Raw table {@code <schema>.<table>}: one row per stored point. Names, types, units, sources and
 * tag keys are {@code text COLLATE "C"} (byte order of UTF-8, which is code point order, the query
 * model's order); tags are parallel arrays sorted by key, the values as {@code bytea[]} of their
 * UTF-8 bytes because PostgreSQL text cannot hold NUL, which a tag value may contain. Indexed by
 * {@code (name, timestamp_ms)} and, for retention, a BRIN index on {@code timestamp_ms}. Rollup
 * tables {@code <table>_rollup_1m|5m|1h} hold one row per series and bucket with the accumulator
 * state of core's {@code Aggregations}; a rollup replaces its range in one transaction. The
 * {@code <table>_inserts} table records each committed insert's id (primary key), which is what
 * makes a retried batch land exactly once.
 */
public final class Schema {

  /** The version of the layout below, recorded in {@code schema_version}. */
  public static final int VERSION = 1;

  /** The columns of a COPY into the raw table, in binary tuple order. */
  public static final String RAW_COPY_COLUMNS =
      "metric_type, name, unit, source, tag_keys, tag_values, timestamp_ms, value, context";

  /** The columns identifying a series, in the order the query model sorts them. */
  public static final String SERIES = "metric_type, name, source, unit, tag_keys, tag_values";

  private static final String SERIES_COLUMNS = "metric_type text COLLATE \"C\" NOT NULL, "
      + "name text COLLATE \"C\" NOT NULL, unit text COLLATE \"C\" NOT NULL, "
      + "source text COLLATE \"C\" NOT NULL, tag_keys text[] COLLATE \"C\" NOT NULL, "
      + "tag_values bytea[] NOT NULL, ";

  private final String schema;
  private final String table;

  /** Names checked by {@link Sql#identifier}. */
  public Schema(String schema, String table) {
    Sql.identifier("schema", schema);
    Sql.identifier("table", table);
    this.schema = schema;
    this.table = table;
  }

  /** The schema (namespace) name. */
  public String schemaName() {
    return schema;
  }

  /** The raw table name (unquoted). */
  public String tableName() {
    return table;
  }

  private String qualified(String name) {
    return Sql.identifier("schema", schema) + "." + Sql.identifier("table", name);
  }

  /** The quoted raw table. */
  public String raw() {
    return qualified(table);
  }

  /** The unquoted name of a rollup table. */
  public String rollupName(Resolution r) {
    return table + "_rollup_" + r.wireName();
  }

  /** The quoted rollup table of a resolution. */
  public String rollup(Resolution r) {
    return qualified(rollupName(r));
  }

  /** The quoted watermark table. */
  public String watermarks() {
    return qualified(table + "_rollup_watermarks");
  }

  /** The quoted insert-id table. */
  public String inserts() {
    return qualified(table + "_inserts");
  }

  /** The quoted schema version table. */
  public String schemaVersion() {
    return qualified("schema_version");
  }

  /** Every table, unquoted, for the health check. */
  public List<String> tableNames() {
    List<String> out = new ArrayList<>(List.of(table, table + "_rollup_watermarks", table + "_inserts", "schema_version"));
    for (Resolution r : Resolution.values()) {
      out.add(rollupName(r));
    }
    return out;
  }

  /** The statements that create everything, in order. */
  public List<Sql> createStatements() {
    List<Sql> out = new ArrayList<>();
    out.add(new Sql("CREATE SCHEMA IF NOT EXISTS " + Sql.identifier("schema", schema)));
    out.add(new Sql("CREATE TABLE IF NOT EXISTS " + schemaVersion() + " (table_name text NOT NULL, "
        + "version integer NOT NULL, applied_ms bigint NOT NULL, description text NOT NULL, "
        + "PRIMARY KEY (table_name, version))"));
    out.add(new Sql("CREATE TABLE IF NOT EXISTS " + raw() + " (" + SERIES_COLUMNS
        + "timestamp_ms bigint NOT NULL, value double precision NOT NULL, context text NOT NULL DEFAULT '')"));
    out.add(new Sql("CREATE INDEX IF NOT EXISTS " + Sql.identifier("table", table + "_name_time") + " ON "
        + raw() + " (name, timestamp_ms)"));
    out.add(new Sql("CREATE INDEX IF NOT EXISTS " + Sql.identifier("table", table + "_time_brin") + " ON "
        + raw() + " USING brin (timestamp_ms)"));
    for (Resolution r : Resolution.values()) {
      out.add(new Sql("CREATE TABLE IF NOT EXISTS " + rollup(r) + " (" + SERIES_COLUMNS
          + "start_ms bigint NOT NULL, count bigint NOT NULL, sum double precision NOT NULL, "
          + "min double precision NOT NULL, max double precision NOT NULL, first_ms bigint NOT NULL, "
          + "first_value double precision NOT NULL, last_ms bigint NOT NULL, "
          + "last_value double precision NOT NULL, increase double precision NOT NULL)"));
      out.add(new Sql("CREATE INDEX IF NOT EXISTS " + Sql.identifier("table", rollupName(r) + "_name_start")
          + " ON " + rollup(r) + " (name, start_ms)"));
    }
    out.add(new Sql("CREATE TABLE IF NOT EXISTS " + watermarks() + " (resolution text PRIMARY KEY, "
        + "watermark_ms bigint NOT NULL, updated_ms bigint NOT NULL)"));
    out.add(new Sql("CREATE TABLE IF NOT EXISTS " + inserts() + " (insert_id bigint PRIMARY KEY, "
        + "rows bigint NOT NULL, at_ms bigint NOT NULL)"));
    return out;
  }

  /** Reads the recorded version of this table's layout (0 when none). */
  public Sql readVersion() {
    return new Sql("SELECT coalesce(max(version), 0) FROM " + schemaVersion() + " WHERE table_name = ")
        .param(table);
  }

  /** Records {@link #VERSION}. */
  public Sql recordVersion(long nowMillis) {
    return new Sql("INSERT INTO " + schemaVersion() + " (table_name, version, applied_ms, description) VALUES (")
        .param(table).add(", " + VERSION + ", " + nowMillis + ", ")
        .param("raw table, 1m/5m/1h rollup tables, watermarks, insert ids").add(") ON CONFLICT DO NOTHING");
  }

  /** The number of this layout's tables that exist (want {@link #tableNames()}'s size). */
  public Sql countTables() {
    return new Sql("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = ").param(schema)
        .add(" AND tablename = ANY(").textArray(tableNames()).add(")");
  }
}
