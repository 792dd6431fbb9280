package org.metricspipeline.adapters.clickhouse.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 *
 * <p>On a cluster ({@link ClusterLayout}) every table named above is a {@code Distributed} table in
 * front of a local table {@code <name>_local} on each server, both created {@code ON CLUSTER};
 * local tables are {@code Replicated*MergeTree} when replicated. Reads and inserts use the
 * Distributed names (the same names as on one server, so hand-written SQL works on both); mutations
 * and partition drops go to the local tables {@code ON CLUSTER}. The raw and rollup tables are
 * sharded by the same hash of the series columns, so a series and all versions of its rollup
 * buckets live on one shard (what {@code FINAL} needs to pick the newest version).
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

  /** The default sharding key: a hash of the series columns, so one series lives on one shard. */
  public static final String DEFAULT_SHARDING_KEY =
      "cityHash64(metric_type, name, source, unit, tag_keys, tag_values)";

  private final String database;
  private final String table;
  private final Optional<ClusterLayout> cluster;

  /** Names checked by {@link #checkName}; one server. */
  public Schema(String database, String table) {
    this(database, table, Optional.empty());
  }

  /** Names checked by {@link #checkName}; on a cluster when {@code cluster} is present. */
  public Schema(String database, String table, Optional<ClusterLayout> cluster) {
    checkName("database", database);
    checkName("table", table);
    this.database = database;
    this.table = table;
    this.cluster = cluster;
  }

  /**
   * How the tables are laid out on a cluster.
   *
   * @param name the cluster, a name from the servers' {@code remote_servers}
   * @param shardingKey the expression over the series columns that picks a point's shard
   * @param replicated whether local tables are {@code Replicated*MergeTree} (zookeeper paths
   *     {@code /clickhouse/tables/{shard}/<database>/<table>}, replica {@code {replica}})
   */
  public record ClusterLayout(String name, String shardingKey, boolean replicated) {
    /** Checks the cluster name and the sharding key, naming the option. */
    public ClusterLayout {
      Sql.identifier("cluster", name);
      checkShardingKey(shardingKey);
    }
  }

  /**
   * Checks a sharding key expression: function calls over column names and numbers only (it is
   * written into the DDL as is), naming the option.
   */
  public static void checkShardingKey(String key) {
    if (key == null || key.isBlank() || key.length() > 500 || !key.matches("[A-Za-z0-9_(), %+*-]+")) {
      throw new IllegalArgumentException("shardingKey must be an expression over the series columns such as "
          + DEFAULT_SHARDING_KEY + " (letters, digits, _ ( ) , + - * %), got '" + key + "'");
    }
  }

  /** The cluster layout, when on a cluster. */
  public Optional<ClusterLayout> cluster() {
    return cluster;
  }

  /** {@code " ON CLUSTER `name`"} on a cluster, else empty. */
  public String onCluster() {
    return cluster.map(c -> " ON CLUSTER " + Sql.identifier("cluster", c.name())).orElse("");
  }

  /** The name of the table holding a table's rows on each server: {@code <name>_local} on a cluster. */
  public String localName(String name) {
    return cluster.isPresent() ? name + "_local" : name;
  }

  /**
   * The target of a mutation or partition drop on a table (unquoted name): the quoted local table
   * followed by {@code ON CLUSTER} on a cluster, the table itself on one server.
   */
  public String alterTarget(String name) {
    return quoted(localName(name)) + onCluster();
  }

  private String quoted(String name) {
    return Sql.identifier("database", database) + "." + Sql.identifier("table", name);
  }

  /**
   * Checks a database or table name: {@link Sql#IDENTIFIER}, at most 40 characters (rollup tables
   * add a suffix); fails naming the option.
   */
  public static void checkName(String option, String name) {
    Sql.identifier(option, name);
    if (name.length() > 40) { // the longest suffix, _rollup_watermarks_local, makes 64
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
    String on = onCluster();
    List<String> out = new ArrayList<>();
    out.add("CREATE DATABASE IF NOT EXISTS " + Sql.identifier("database", database) + on);
    // per server: the version record and the health probe table are local on a cluster
    out.add("CREATE TABLE IF NOT EXISTS " + schemaVersion() + on + " (table_name String, version UInt32, "
        + "applied_ms Int64, description String) ENGINE = MergeTree() ORDER BY (table_name, version)");
    out.addAll(sharded(table, "(" + SERIES_COLUMNS
        + "timestamp_ms Int64, value Float64, day Date DEFAULT toDate(intDiv(timestamp_ms, 86400000)), "
        + "context String DEFAULT '', insert_id UInt64 DEFAULT 0)",
        "MergeTree", "", "PARTITION BY day ORDER BY (" + SERIES_ORDER + ", timestamp_ms)", seriesKey()));
    for (Resolution r : List.of(Resolution.ONE_MINUTE, Resolution.FIVE_MINUTES, Resolution.ONE_HOUR)) {
      out.addAll(sharded(rollupName(r), "(" + SERIES_COLUMNS
          + "start_ms Int64, count UInt64, sum Float64, min Float64, max Float64, first_ms Int64, "
          + "first_value Float64, last_ms Int64, last_value Float64, increase Float64, version Int64 DEFAULT 0, "
          + "day Date DEFAULT toDate(intDiv(start_ms, 86400000)))",
          "ReplacingMergeTree", "version", "PARTITION BY day ORDER BY (" + SERIES_ORDER + ", start_ms)", seriesKey()));
    }
    out.addAll(sharded(table + "_rollup_watermarks", "(resolution String, watermark_ms Int64, updated_ms Int64)",
        "MergeTree", "", "ORDER BY (resolution, watermark_ms)", "cityHash64(resolution)"));
    out.add("CREATE TABLE IF NOT EXISTS " + health() + on + " (probe String, at_ms Int64) "
        + "ENGINE = ReplacingMergeTree(at_ms) ORDER BY probe");
    return out;
  }

  private String seriesKey() {
    return cluster.map(ClusterLayout::shardingKey).orElse("");
  }

  /**
   * One table: on one server itself; on a cluster its local table (replicated when asked) and the
   * Distributed table in front, sharded by {@code key}.
   */
  private List<String> sharded(String name, String columns, String engine, String engineArgument, String order,
      String key) {
    if (cluster.isEmpty()) {
      return List.of("CREATE TABLE IF NOT EXISTS " + quoted(name) + " " + columns + " ENGINE = " + engine + "("
          + engineArgument + ") " + order);
    }
    ClusterLayout c = cluster.get();
    String local = localName(name);
    String localEngine = c.replicated()
        ? "Replicated" + engine + "(" + Sql.quote("/clickhouse/tables/{shard}/" + database + "/" + local)
            + ", '{replica}'" + (engineArgument.isEmpty() ? "" : ", " + engineArgument) + ")"
        : engine + "(" + engineArgument + ")";
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + quoted(local) + onCluster() + " " + columns + " ENGINE = " + localEngine
            + " " + order,
        "CREATE TABLE IF NOT EXISTS " + quoted(name) + onCluster() + " AS " + quoted(local)
            + " ENGINE = Distributed(" + Sql.identifier("cluster", c.name()) + ", "
            + Sql.identifier("database", database) + ", " + Sql.identifier("table", local) + ", " + key + ")");
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
    List<String> names = new ArrayList<>();
    for (String n : List.of(table, rollupName(Resolution.ONE_MINUTE), rollupName(Resolution.FIVE_MINUTES),
        rollupName(Resolution.ONE_HOUR), table + "_rollup_watermarks")) {
      names.add(Sql.quote(n));
      if (cluster.isPresent()) {
        names.add(Sql.quote(localName(n)));
      }
    }
    return "SELECT count() FROM system.tables WHERE database = " + Sql.quote(database) + " AND name IN ("
        + String.join(", ", names) + ", " + Sql.quote(table + "_health") + ", 'schema_version')";
  }

  /** The number of tables {@link #countTables()} should find. */
  public int tableCount() {
    return cluster.isPresent() ? 12 : 7;
  }
}
