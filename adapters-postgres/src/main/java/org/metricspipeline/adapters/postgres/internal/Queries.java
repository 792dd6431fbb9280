package org.metricspipeline.adapters.postgres.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.RollupQuery;

/**
 * Every SELECT, INSERT and DELETE the adapter sends, with user values bound as parameters. The SQL is
 * PostgreSQL's own (window functions, ordered aggregates, {@code unnest}, {@code array_position});
 * it runs on PostgreSQL 12 and later without an extension. Each aggregation follows core's
 * {@code Aggregations}: points of a series sorted by time then value, {@code rate} as the
 * reset-adjusted increase over the span of each series' points in the bucket (no extrapolation),
 * summed over the group's series.
 */
public final class Queries {

  private static final String S = Schema.SERIES;

  private final Schema schema;

  /** Statements against {@code schema}'s tables. */
  public Queries(Schema schema) {
    this.schema = schema;
  }

  // ---- filters

  /** {@code column} in the half-open range; empty for all of time. */
  static List<Sql> rangeConditions(String column, TimeRange range) {
    List<Sql> out = new ArrayList<>(2);
    if (range.start().isPresent()) {
      out.add(new Sql(column + " >= " + range.startMillis()));
    }
    if (range.end().isPresent()) {
      out.add(new Sql(column + " < " + range.endMillis()));
    }
    return out;
  }

  /** {@code column = value}; a value text cannot hold matches nothing. */
  static Sql textEquals(String column, String value) {
    return Sql.isText(value) ? new Sql(column + " = ").param(value) : new Sql("FALSE");
  }

  /** Exact tag match: the key is present and has this value. */
  static Sql tagCondition(String key, String value) {
    if (!Sql.isText(key)) {
      return new Sql("FALSE");
    }
    return new Sql("tag_values[array_position(tag_keys, ").param(key).add("::text)] = ").param(Sql.bytes(value));
  }

  /** The value of a tag key as bytea, empty when the series lacks it (the group-by rule). */
  static Sql tagValue(String key) {
    if (!Sql.isText(key)) {
      return new Sql("''::bytea");
    }
    return new Sql("coalesce(tag_values[array_position(tag_keys, ").param(key).add("::text)], ''::bytea)");
  }

  static List<Sql> seriesConditions(Optional<String> metricType, List<String> names, Map<String, String> tags) {
    List<Sql> out = new ArrayList<>();
    List<String> distinct = List.copyOf(new LinkedHashSet<>(names));
    if (distinct.size() == 1) {
      out.add(textEquals("name", distinct.get(0)));
    } else if (!distinct.isEmpty()) {
      List<String> texts = distinct.stream().filter(Sql::isText).toList();
      out.add(texts.isEmpty() ? new Sql("FALSE") : new Sql("name = ANY(").textArray(texts).add(")"));
    }
    metricType.ifPresent(t -> out.add(textEquals("metric_type", t)));
    new TreeMap<>(tags).forEach((k, v) -> out.add(tagCondition(k, v)));
    return out;
  }

  static Sql where(List<Sql> conditions) {
    Sql out = new Sql();
    for (int i = 0; i < conditions.size(); i++) {
      out.add(i == 0 ? " WHERE " : " AND ").add(conditions.get(i));
    }
    return out;
  }

  /** The start of the {@code step}-wide bucket holding {@code column}, aligned to the epoch (floor). */
  static String bucket(String column, long step) {
    return "(" + column + " - ((" + column + " % " + step + ") + " + step + ") % " + step + ")";
  }

  // ---- raw points

  /**
   * A page of points in the query model's order. Columns: metric_type, name, unit, source text;
   * tag_keys text[]; tag_values bytea[]; timestamp_ms bigint; value float8; context text.
   */
  public Sql select(MetricsQuery q) {
    List<Sql> c = seriesConditions(q.metricType(), q.metricNames(), q.tags());
    c.addAll(rangeConditions("timestamp_ms", q.range()));
    return new Sql("SELECT metric_type, name, unit, source, tag_keys, tag_values, timestamp_ms, value, context FROM "
        + schema.raw()).add(where(c))
        .add(" ORDER BY timestamp_ms, metric_type, source, name, tag_keys, tag_values, value, unit"
            + " LIMIT " + q.limit() + " OFFSET " + q.offset());
  }

  // ---- aggregation

  private static Sql groupColumns(List<String> groupBy) {
    Sql sb = new Sql();
    for (int i = 0; i < groupBy.size(); i++) {
      sb.add(tagValue(groupBy.get(i))).add(" AS g" + i + ", ");
    }
    return sb;
  }

  private static String groupNames(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("g").append(i).append(", ");
    }
    return sb.toString();
  }

  /**
   * Count, sum, min, max per group and bucket, from raw points only. Columns: one bytea per group-by
   * key, bucket bigint (0 without step), count bigint, sum, min, max float8, first bigint (the
   * earliest point). Ordered by group values then bucket.
   */
  public Sql aggregateRaw(AggregationQuery q) {
    return aggregatePlain(q, rawPart(q, q.range()));
  }

  /** As {@link #aggregateRaw}, from the stored buckets of {@code r} in {@code stored} and raw points in {@code tail}. */
  public Sql aggregateRollup(AggregationQuery q, Resolution r, TimeRange stored, Optional<TimeRange> tail) {
    Sql from = rollupPart(q, r, stored);
    if (tail.isPresent()) {
      from.add(" UNION ALL ").add(rawPart(q, tail.get()));
    }
    return aggregatePlain(q, from);
  }

  private Sql rawPart(AggregationQuery q, TimeRange range) {
    List<Sql> c = seriesConditions(q.metricType(), List.of(q.metricName()), q.tags());
    c.addAll(rangeConditions("timestamp_ms", range));
    return new Sql("SELECT ").add(groupColumns(q.groupBy())).add("timestamp_ms AS t, 1::bigint AS n, value AS s, "
        + "value AS lo, value AS hi, timestamp_ms AS first FROM " + schema.raw()).add(where(c));
  }

  private Sql rollupPart(AggregationQuery q, Resolution r, TimeRange range) {
    List<Sql> c = seriesConditions(q.metricType(), List.of(q.metricName()), q.tags());
    c.addAll(rangeConditions("start_ms", range));
    return new Sql("SELECT ").add(groupColumns(q.groupBy())).add("start_ms AS t, count AS n, sum AS s, "
        + "min AS lo, max AS hi, first_ms AS first FROM " + schema.rollup(r)).add(where(c));
  }

  private static Sql aggregatePlain(AggregationQuery q, Sql from) {
    int g = q.groupBy().size();
    String bucket = q.step().map(Duration::toMillis).map(step -> bucket("t", step)).orElse("0::bigint");
    return new Sql("SELECT " + groupNames(g) + bucket + " AS bucket, sum(n)::bigint, sum(s), min(lo), max(hi), "
        + "min(first) FROM (").add(from).add(") AS p GROUP BY " + groupNames(g) + "bucket ORDER BY "
        + groupNames(g) + "bucket");
  }

  /**
   * {@code rate} per group and bucket from raw points, with window functions: per series and bucket
   * the reset-adjusted increase over the points sorted by time then value, divided by the span;
   * summed over the group's series that have a rate. Columns: one bytea per group-by key, bucket
   * bigint, rate float8, count bigint (points of the series with a rate), first bigint. Groups and
   * buckets where no series has a rate are left out.
   */
  public Sql rateRaw(AggregationQuery q) {
    int g = q.groupBy().size();
    String bucket = q.step().map(Duration::toMillis).map(step -> bucket("timestamp_ms", step)).orElse("0::bigint");
    List<Sql> c = seriesConditions(q.metricType(), List.of(q.metricName()), q.tags());
    c.addAll(rangeConditions("timestamp_ms", q.range()));
    Sql points = new Sql("SELECT ").add(groupColumns(q.groupBy())).add(bucket + " AS bucket, " + S
        + ", timestamp_ms, value, lag(value) OVER (PARTITION BY " + S + ", " + bucket
        + " ORDER BY timestamp_ms, value) AS prev FROM " + schema.raw()).add(where(c));
    String ok = "(cnt >= 2 AND last_ms > first_ms)";
    return new Sql("SELECT " + groupNames(g) + "bucket, sum(CASE WHEN " + ok
        + " THEN inc / ((last_ms - first_ms) / 1000.0::float8) ELSE 0 END), sum(CASE WHEN " + ok
        + " THEN cnt ELSE 0 END)::bigint, min(first_ms) FROM (SELECT " + groupNames(g) + "bucket, count(*) AS cnt, "
        + "min(timestamp_ms) AS first_ms, max(timestamp_ms) AS last_ms, coalesce(sum(CASE WHEN prev IS NULL THEN 0 "
        + "WHEN value >= prev THEN value - prev ELSE value END), 0) AS inc FROM (").add(points)
        .add(") AS pts GROUP BY " + groupNames(g) + "bucket, " + S + ") AS per_series GROUP BY " + groupNames(g)
            + "bucket HAVING bool_or" + ok + " ORDER BY " + groupNames(g) + "bucket");
  }

  // ---- rollups

  /** The rollup columns after the series columns, in table order. */
  public static final String BUCKET_COLUMNS =
      "start_ms, count, sum, min, max, first_ms, first_value, last_ms, last_value, increase";

  /**
   * Buckets computed from raw points. Columns: the series ({@link Schema#SERIES}), then
   * {@link #BUCKET_COLUMNS}. Ordered by series then start.
   */
  Sql computeRollups(Resolution r, TimeRange range, List<Sql> seriesConditions) {
    List<Sql> c = new ArrayList<>(seriesConditions);
    c.addAll(rangeConditions("timestamp_ms", range));
    String order = "ORDER BY timestamp_ms, value";
    return new Sql("SELECT " + S + ", start_ms, count(*)::bigint, sum(value " + order + "), min(value), max(value), "
        + "min(timestamp_ms), (array_agg(value " + order + "))[1], max(timestamp_ms), "
        + "(array_agg(value ORDER BY timestamp_ms DESC, value DESC))[1], coalesce(sum(CASE WHEN prev IS NULL "
        + "THEN 0 WHEN value >= prev THEN value - prev ELSE value END), 0) FROM (SELECT " + S + ", "
        + bucket("timestamp_ms", r.millis()) + " AS start_ms, timestamp_ms, value, lag(value) OVER (PARTITION BY "
        + S + ", " + bucket("timestamp_ms", r.millis()) + " " + order + ") AS prev FROM " + schema.raw())
        .add(where(c)).add(") AS pts GROUP BY " + S + ", start_ms ORDER BY " + S + ", start_ms");
  }

  /** {@link #computeRollups(Resolution, TimeRange, List)} of one query. */
  public Sql computeRollups(RollupQuery q) {
    return computeRollups(q.resolution(), q.range(), seriesConditions(q.metricType(), List.of(q.metricName()), q.tags()));
  }

  /** Stores the buckets of every series in {@code range}. */
  public Sql insertRollups(Resolution r, TimeRange range) {
    return new Sql("INSERT INTO " + schema.rollup(r) + " (" + S + ", " + BUCKET_COLUMNS + ") ")
        .add(computeRollups(r, range, List.of()));
  }

  /** Deletes the buckets starting in {@code range}. */
  public Sql deleteRollups(Resolution r, TimeRange range) {
    List<Sql> c = rangeConditions("start_ms", range);
    return new Sql("DELETE FROM " + schema.rollup(r)).add(where(c));
  }

  /** Stored buckets, same columns and order as {@link #computeRollups(RollupQuery)}. */
  public Sql readRollups(RollupQuery q) {
    List<Sql> c = seriesConditions(q.metricType(), List.of(q.metricName()), q.tags());
    c.addAll(rangeConditions("start_ms", q.range()));
    return new Sql("SELECT " + S + ", " + BUCKET_COLUMNS + " FROM " + schema.rollup(q.resolution())).add(where(c))
        .add(" ORDER BY " + S + ", start_ms");
  }

  /** The watermark: one row, watermark bigint (no row: none yet). */
  public Sql readWatermark(Resolution r) {
    return new Sql("SELECT watermark_ms FROM " + schema.watermarks() + " WHERE resolution = ").param(r.wireName());
  }

  /** Records a watermark. */
  public Sql writeWatermark(Resolution r, long watermark, long now) {
    return new Sql("INSERT INTO " + schema.watermarks() + " (resolution, watermark_ms, updated_ms) VALUES (")
        .param(r.wireName()).add(", " + watermark + ", " + now + ") ON CONFLICT (resolution) DO UPDATE SET "
            + "watermark_ms = greatest(EXCLUDED.watermark_ms, " + schema.watermarks() + ".watermark_ms), "
            + "updated_ms = EXCLUDED.updated_ms");
  }

  /** Whether any raw point lies before {@code millis}: 0 or 1. */
  public Sql anyPointBefore(long millis) {
    return new Sql("SELECT count(*) FROM (SELECT 1 FROM " + schema.raw() + " WHERE timestamp_ms < " + millis
        + " LIMIT 1) AS x");
  }

  /** Per metric: name, series, buckets, points, first, last; ordered by name. */
  public Sql listRollups(Resolution r) {
    return new Sql("SELECT name, count(DISTINCT (metric_type, source, unit, tag_keys, tag_values)), count(*), "
        + "sum(count)::bigint, min(start_ms), max(start_ms) FROM " + schema.rollup(r) + " GROUP BY name ORDER BY name");
  }

  // ---- retention

  /**
   * Deletes at most {@code batch} rows matching {@code condition}: retention deletes in bounded
   * transactions so it never holds locks or WAL for the whole cutoff at once.
   */
  public static Sql deleteBatch(String table, String condition, int batch) {
    return new Sql("DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table + " WHERE "
        + condition + " LIMIT " + batch + "))");
  }

  // ---- discovery

  private static Sql searchCondition(String search) {
    if (search.isEmpty()) {
      return new Sql();
    }
    if (!Sql.isText(search)) {
      return new Sql(" WHERE FALSE");
    }
    return new Sql(" WHERE strpos(lower(name), lower(").param(search).add(")) > 0");
  }

  /** A page of metric summaries: name, metric types text[], units text[], series, points, first, last. */
  public Sql listMetrics(MetricListQuery q) {
    long offset = (long) (q.page() - 1) * q.pageSize();
    return summarySelect().add(searchCondition(q.search()))
        .add(" GROUP BY name ORDER BY name LIMIT " + q.pageSize() + " OFFSET " + offset);
  }

  /** The number of metrics matching a search. */
  public Sql countMetrics(String search) {
    return new Sql("SELECT count(DISTINCT name) FROM " + schema.raw()).add(searchCondition(search));
  }

  /** The summary of one metric, columns as {@link #listMetrics}; no row when it has no point. */
  public Sql metricSummary(String name) {
    return summarySelect().add(" WHERE ").add(textEquals("name", name)).add(" GROUP BY name");
  }

  private Sql summarySelect() {
    return new Sql("SELECT name, array_agg(DISTINCT metric_type ORDER BY metric_type), "
        + "array_agg(DISTINCT unit ORDER BY unit), count(DISTINCT (metric_type, source, unit, tag_keys, tag_values)), "
        + "count(*), min(timestamp_ms), max(timestamp_ms) FROM " + schema.raw());
  }

  /** Per tag key of one metric: key text, distinct values, the first {@code max} values bytea[]; by key. */
  public Sql tagValues(String name, int max) {
    return new Sql("SELECT k COLLATE \"C\", count(DISTINCT v), (array_agg(DISTINCT v ORDER BY v))[1:" + max + "] FROM "
        + schema.raw() + " AS r, unnest(r.tag_keys, r.tag_values) AS u(k, v) WHERE ")
        .add(textEquals("r.name", name)).add(" GROUP BY k COLLATE \"C\" ORDER BY k COLLATE \"C\"");
  }

  // ---- health

  /** The planner's estimate of the raw table's rows (cheap). */
  public Sql rawRowEstimate() {
    return new Sql("SELECT greatest(reltuples, 0)::bigint FROM pg_catalog.pg_class WHERE oid = to_regclass(")
        .param(schema.raw()).add(")");
  }
}
