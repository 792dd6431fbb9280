package org.metricspipeline.adapters.clickhouse.internal;

import static org.metricspipeline.clickhouse.sql.MetricsSql.HAS_RATE;
import static org.metricspipeline.clickhouse.sql.MetricsSql.RATE;
import static org.metricspipeline.clickhouse.sql.MetricsSql.SERIES;
import static org.metricspipeline.clickhouse.sql.MetricsSql.accumulatorColumns;
import static org.metricspipeline.clickhouse.sql.MetricsSql.bucket;
import static org.metricspipeline.clickhouse.sql.MetricsSql.rangeConditions;
import static org.metricspipeline.clickhouse.sql.MetricsSql.seriesConditions;
import static org.metricspipeline.clickhouse.sql.MetricsSql.tagValue;
import static org.metricspipeline.clickhouse.sql.MetricsSql.where;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.clickhouse.sql.Sql;

/**
 * Every SELECT and ALTER the adapter sends, as text, built on the shared {@code MetricsSql} fragments
 * (filters, buckets, the accumulator behind rollups and {@code rate}) that the Metabase chart SQL
 * uses too. User values go through {@link Sql#quote};
 * numbers are formatted from Java longs. Results are read as {@code FORMAT RowBinary} with the
 * column types each method's Javadoc lists. The SQL uses only what ClickHouse 18.16 has (arrays,
 * lambdas, {@code intDiv}/modulo bucketing, {@code groupArray}/{@code arraySort}) and still runs on
 * current releases (checked by the chdb statement check).
 */
public final class Queries {

  private final Schema schema;
  /** On a cluster, every server as {@code host:port} (its native port), comma-separated. */
  private volatile String servers = "";

  /** Statements against {@code schema}'s tables. */
  public Queries(Schema schema) {
    this.schema = schema;
  }

  /**
   * On a cluster: every server of the cluster, rows of host_address String and port String (its
   * native port), from the entry server's {@code system.clusters}.
   */
  public String clusterServers() {
    return "SELECT host_address, toString(port) FROM system.clusters WHERE cluster = "
        + Sql.quote(schema.cluster().map(Schema.ClusterLayout::name).orElse("")) + " ORDER BY shard_num, replica_num";
  }

  /** On a cluster: the replicas of its smallest shard, one UInt64 from the entry server's {@code system.clusters}. */
  public String fewestReplicasOfAShard() {
    return "SELECT toUInt64(min(c)) FROM (SELECT shard_num, count() AS c FROM system.clusters WHERE cluster = "
        + Sql.quote(schema.cluster().map(Schema.ClusterLayout::name).orElse("")) + " GROUP BY shard_num)";
  }

  /** Sets the servers found by {@link #clusterServers()} ({@code host:port} each). */
  public void servers(List<String> hostPorts) {
    for (String hp : hostPorts) {
      if (!hp.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
        throw new IllegalArgumentException("unexpected server address in system.clusters: " + hp);
      }
    }
    this.servers = String.join(",", hostPorts);
  }

  /**
   * A system table as seen on every server of the cluster (every replica of every shard, through
   * {@code remote()}), or on the one server.
   */
  String everyServer(String systemTable) {
    if (schema.cluster().isEmpty()) {
      return "system." + systemTable;
    }
    String s = servers;
    if (s.isEmpty()) {
      throw new IllegalStateException("the cluster's servers are not known yet");
    }
    return "remote(" + Sql.quote(s) + ", system, " + systemTable + ")";
  }

  /** The schema the statements use. */
  public Schema schema() {
    return schema;
  }

  // ---- raw points

  /**
   * A page of points in the query model's order. Columns: metric_type, name, unit, source String;
   * tag_keys, tag_values Array(String); timestamp_ms Int64; value Float64; context String.
   */
  public String select(MetricsQuery q) {
    List<String> c = seriesConditions(q.metricType(), q.metricNames(), q.tags());
    c.addAll(rangeConditions("timestamp_ms", q.range()));
    return "SELECT metric_type, name, unit, source, tag_keys, tag_values, timestamp_ms, value, context FROM "
        + schema.raw() + where(c)
        + " ORDER BY timestamp_ms, metric_type, source, name, tag_keys, tag_values, value, unit"
        + " LIMIT " + q.offset() + ", " + q.limit();
  }

  // ---- aggregation

  /** {@code tag AS g0, tag AS g1, } for the group-by keys. */
  private static String groupColumns(List<String> groupBy) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < groupBy.size(); i++) {
      sb.append(tagValue(groupBy.get(i))).append(" AS g").append(i).append(", ");
    }
    return sb.toString();
  }

  private static String groupNames(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("g").append(i).append(", ");
    }
    return sb.toString();
  }

  /**
   * Count, sum, min, max per group and bucket, from raw points only. Columns: one String per
   * group-by key, bucket Int64 (0 without step), count UInt64, sum, min, max Float64, first Int64
   * (the earliest point). Ordered by group values then bucket.
   */
  public String aggregateRaw(AggregationQuery q) {
    return aggregatePlain(q, rawPart(q, q.range()));
  }

  /**
   * As {@link #aggregateRaw}, from the stored rollup buckets of {@code r} in {@code stored} and the
   * raw points in {@code tail} (when present): the planner's split, merged in SQL.
   */
  public String aggregateRollup(
      AggregationQuery q, Resolution r, TimeRange stored, Optional<TimeRange> tail, boolean newestOnly) {
    String from = rollupPart(q, r, stored, newestOnly);
    if (tail.isPresent()) {
      from = from + " UNION ALL " + rawPart(q, tail.get());
    }
    return aggregatePlain(q, from);
  }

  private String rawPart(AggregationQuery q, TimeRange range) {
    List<String> c = seriesConditions(q.metricType(), List.of(q.metricName()), q.tags());
    c.addAll(rangeConditions("timestamp_ms", range));
    return "SELECT " + groupColumns(q.groupBy()) + "timestamp_ms AS t, toUInt64(1) AS n, value AS s, "
        + "value AS lo, value AS hi, timestamp_ms AS first FROM " + schema.raw() + where(c);
  }

  private String rollupPart(AggregationQuery q, Resolution r, TimeRange range, boolean newestOnly) {
    List<String> c = seriesConditions(q.metricType(), List.of(q.metricName()), q.tags());
    c.addAll(rangeConditions("start_ms", range));
    return "SELECT " + groupColumns(q.groupBy()) + "start_ms AS t, count AS n, sum AS s, "
        + "min AS lo, max AS hi, first_ms AS first FROM " + storedBuckets(r, c, newestOnly);
  }

  /**
   * The stored buckets matching the conditions; with {@code newestOnly}, the newest version of each
   * ({@code FINAL} on the {@code ReplacingMergeTree(version)}), needed only while a rollup replaces
   * a range (its new rows are written before the old ones are deleted). {@code FINAL} costs a
   * merge on read, so it is used only then.
   */
  String storedBuckets(Resolution r, List<String> conditions, boolean newestOnly) {
    return "(SELECT * FROM " + schema.rollup(r) + (newestOnly ? " FINAL" : "") + where(conditions) + ")";
  }

  private static String aggregatePlain(AggregationQuery q, String from) {
    int g = q.groupBy().size();
    String bucket = q.step().map(Duration::toMillis).map(step -> bucket("t", step)).orElse("toInt64(0)");
    return "SELECT " + groupNames(g) + bucket + " AS bucket, sum(n), sum(s), min(lo), max(hi), min(first) FROM (" + from + ") GROUP BY " + groupNames(g) + "bucket"
        + " ORDER BY " + groupNames(g) + "bucket";
  }

  /**
   * {@code rate} per group and bucket from raw points: per series and bucket the reset-adjusted
   * increase over the time-sorted points (ties by value) divided by the span, summed over the
   * group's series that have a rate. Columns: one String per group-by key, bucket Int64, rate
   * Float64, count UInt64 (points of the series with a rate), first Int64. Groups and buckets where
   * no series has a rate are left out.
   */
  public String rateRaw(AggregationQuery q) {
    int g = q.groupBy().size();
    String bucket = q.step().map(Duration::toMillis).map(step -> bucket("timestamp_ms", step))
        .orElse("toInt64(0)");
    List<String> c = seriesConditions(q.metricType(), List.of(q.metricName()), q.tags());
    c.addAll(rangeConditions("timestamp_ms", q.range()));
    String perSeries = "SELECT " + groupColumns(q.groupBy()) + bucket + " AS bucket, "
        + accumulatorColumns() + " FROM " + schema.raw() + where(c) + " GROUP BY " + SERIES + ", bucket";
    return "SELECT " + groupNames(g) + "bucket, "
        + "sum(" + RATE + "), sum(if(" + HAS_RATE + ", count, 0)), min(first_ms) "
        + "FROM (" + perSeries + ") GROUP BY " + groupNames(g) + "bucket "
        + "HAVING max(" + HAS_RATE + ") = 1 ORDER BY " + groupNames(g) + "bucket";
  }

  // ---- rollups

  /** The rollup columns after the series columns, in table order. */
  public static final String BUCKET_COLUMNS =
      "start_ms, count, sum, min, max, first_ms, first_value, last_ms, last_value, increase";

  /**
   * Buckets computed from raw points. Columns: metric_type, name, source, unit String; tag_keys,
   * tag_values Array(String); start_ms Int64; count UInt64; sum, min, max Float64; first_ms Int64;
   * first_value Float64; last_ms Int64; last_value, increase Float64. Ordered by series then start.
   */
  public String computeRollups(Resolution r, TimeRange range, List<String> seriesConditions) {
    List<String> c = new ArrayList<>(seriesConditions);
    c.addAll(rangeConditions("timestamp_ms", range));
    return "SELECT " + SERIES + ", start_ms, count, sum, min, max, first_ms, first_value, last_ms, "
        + "last_value, increase FROM (SELECT " + SERIES + ", " + bucket("timestamp_ms", r.millis())
        + " AS start_ms, " + accumulatorColumns() + " FROM " + schema.raw() + where(c)
        + " GROUP BY " + SERIES + ", start_ms) ORDER BY " + SERIES + ", start_ms";
  }

  /** {@link #computeRollups} of one query, as RowBinary. */
  public String computeRollups(RollupQuery q) {
    return computeRollups(q.resolution(), q.range(),
        seriesConditions(q.metricType(), List.of(q.metricName()), q.tags()));
  }

  /** Stores the buckets of every series in {@code range} as {@code version}. */
  public String insertRollups(Resolution r, TimeRange range, long version) {
    return "INSERT INTO " + schema.rollup(r) + " (" + SERIES + ", " + BUCKET_COLUMNS + ", version) SELECT "
        + SERIES + ", " + BUCKET_COLUMNS + ", toInt64(" + version + ") FROM (" + computeRollups(r, range, List.of()) + ")";
  }

  /** The newest rollup version stored: one UInt64 row (0 when none). */
  public String maxRollupVersion(Resolution r) {
    return "SELECT toUInt64(max(version)) FROM " + schema.rollup(r);
  }

  /** Deletes the buckets starting in {@code range} older than {@code version} (a mutation). */
  public String deleteRollups(Resolution r, TimeRange range, long version) {
    List<String> c = rangeConditions("start_ms", range);
    c.add("version < " + version);
    return deleteWhere(schema.rollupName(r), String.join(" AND ", c));
  }

  /** Stored buckets, same columns and order as {@link #computeRollups(RollupQuery)}. */
  public String readRollups(RollupQuery q, boolean newestOnly) {
    List<String> c = seriesConditions(q.metricType(), List.of(q.metricName()), q.tags());
    c.addAll(rangeConditions("start_ms", q.range()));
    return "SELECT " + SERIES + ", " + BUCKET_COLUMNS + " FROM " + storedBuckets(q.resolution(), c, newestOnly)
        + " ORDER BY " + SERIES + ", start_ms";
  }

  /** The watermark: one row, max Int64 and rows UInt64 (0 rows: none yet). */
  public String readWatermark(Resolution r) {
    return "SELECT max(watermark_ms), count() FROM " + schema.watermarks() + " WHERE resolution = "
        + Sql.quote(r.wireName());
  }

  /** Records a watermark (only ever moved forward, so the maximum row is the current one). */
  public String writeWatermark(Resolution r, long watermark, long now) {
    return "INSERT INTO " + schema.watermarks() + " (resolution, watermark_ms, updated_ms) VALUES ("
        + Sql.quote(r.wireName()) + ", " + watermark + ", " + now + ")";
  }

  /** Whether any raw point lies before {@code millis}: one UInt64 row, 0 or 1. */
  public String anyPointBefore(long millis) {
    return "SELECT count() FROM (SELECT 1 FROM " + schema.raw() + " WHERE timestamp_ms < " + millis
        + " LIMIT 1)";
  }

  /**
   * Per metric: name String, series UInt64, buckets UInt64, points UInt64, first Int64, last
   * Int64; ordered by name.
   */
  public String listRollups(Resolution r, boolean newestOnly) {
    return "SELECT name, uniqExact(metric_type, source, unit, tag_keys, tag_values), count(), sum(count), "
        + "min(start_ms), max(start_ms) FROM " + storedBuckets(r, List.of(), newestOnly) + " GROUP BY name ORDER BY name";
  }

  // ---- retention

  /** Rows before a cutoff: one UInt64 row. */
  public static String countWhere(String table, String condition) {
    return "SELECT count() FROM " + table + " WHERE " + condition;
  }

  /** The partitions (days) of a table (unquoted name) lying wholly before {@code day}: rows of String. */
  public String partitionsBefore(String tableName, int day) {
    return "SELECT DISTINCT partition FROM " + everyServer("parts") + " WHERE database = "
        + Sql.quote(schema.database()) + " AND table = " + Sql.quote(schema.localName(tableName))
        + " AND active AND max_date < toDate(" + day + ") ORDER BY partition";
  }

  /** Drops one day partition of a table (unquoted name), on every shard of a cluster. */
  public String dropPartition(String tableName, String partition) {
    return "ALTER TABLE " + schema.alterTarget(tableName) + " DROP PARTITION " + Sql.quote(partition);
  }

  /** Deletes rows of a table (unquoted name) matching a condition (a mutation, on every shard). */
  public String deleteWhere(String tableName, String condition) {
    return "ALTER TABLE " + schema.alterTarget(tableName) + " DELETE WHERE " + condition;
  }

  /** Unfinished mutations of a table (unquoted name), on every server: one UInt64 row. */
  public String pendingMutations(String tableName) {
    return "SELECT count() FROM " + everyServer("mutations") + " WHERE database = " + Sql.quote(schema.database())
        + " AND table = " + Sql.quote(schema.localName(tableName)) + " AND is_done = 0";
  }

  // ---- discovery

  private static String searchCondition(String search) {
    return search.isEmpty() ? "" : " WHERE positionCaseInsensitiveUTF8(name, " + Sql.quote(search) + ") > 0";
  }

  /**
   * A page of metric summaries. Columns: name String, metric types Array(String) sorted, units
   * Array(String) sorted, series UInt64, points UInt64, first Int64, last Int64.
   */
  public String listMetrics(MetricListQuery q) {
    long offset = (long) (q.page() - 1) * q.pageSize();
    return summarySelect() + searchCondition(q.search()) + " GROUP BY name ORDER BY name LIMIT " + offset
        + ", " + q.pageSize();
  }

  /** The number of metrics matching a search: one UInt64 row. */
  public String countMetrics(String search) {
    return "SELECT uniqExact(name) FROM " + schema.raw() + searchCondition(search);
  }

  /** The summary of one metric, columns as {@link #listMetrics}; no row when it has no point. */
  public String metricSummary(String name) {
    return summarySelect() + " WHERE name = " + Sql.quote(name) + " GROUP BY name";
  }

  private String summarySelect() {
    return "SELECT name, arraySort(groupUniqArray(metric_type)), arraySort(groupUniqArray(unit)), "
        + "uniqExact(metric_type, source, unit, tag_keys, tag_values), count(), min(timestamp_ms), "
        + "max(timestamp_ms) FROM " + schema.raw();
  }

  /**
   * Per tag key of one metric: key String, distinct values UInt64, the first {@code max} values
   * Array(String) sorted; ordered by key.
   */
  public String tagValues(String name, int max) {
    return "SELECT k, uniqExact(v), arraySlice(arraySort(groupUniqArray(v)), 1, " + max + ") FROM "
        + schema.raw() + " ARRAY JOIN tag_keys AS k, tag_values AS v WHERE name = " + Sql.quote(name)
        + " GROUP BY k ORDER BY k";
  }

  // ---- health

  /**
   * The rows of the raw table (from part metadata, cheap; on a cluster one replica of each shard):
   * one UInt64 row.
   */
  public String rawRowCount() {
    String parts = schema.cluster().map(c -> "cluster(" + Sql.quote(c.name()) + ", system, parts)")
        .orElse("system.parts");
    return "SELECT toUInt64(sum(rows)) FROM " + parts + " WHERE database = " + Sql.quote(schema.database())
        + " AND table = " + Sql.quote(schema.localName(schema.tableName())) + " AND active";
  }
}
