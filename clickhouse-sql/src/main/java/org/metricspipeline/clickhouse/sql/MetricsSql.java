package org.metricspipeline.clickhouse.sql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.metricspipeline.api.query.TimeRange;

/**
 * SQL fragments for core's aggregation semantics over the ClickHouse store's raw table
 * ({@code metric_type, name, unit, source, tag_keys, tag_values, timestamp_ms, value, ...}, tag keys
 * stored sorted). The storage adapter and the Metabase chart SQL both build on these, so a filter,
 * a bucket or a {@code rate} means the same in both.
 *
 * <p>Everything here runs on ClickHouse 18.16 (arrays, lambdas, modulo bucketing,
 * {@code groupArray}/{@code arraySort}; no query parameters, so every value goes through
 * {@link Sql#quote}) and on current releases.
 */
public final class MetricsSql {

  /** The columns identifying a series, in the order the raw table sorts them. */
  public static final String SERIES = "metric_type, name, source, unit, tag_keys, tag_values";

  /**
   * Whether the series of an {@link #accumulatorColumns()} row has a rate: two or more points at
   * different instants.
   */
  public static final String HAS_RATE = "count >= 2 AND last_ms > first_ms";

  /**
   * The per-second rate of an {@link #accumulatorColumns()} row (its reset-adjusted increase over the
   * span between its first and last point); 0 where {@link #HAS_RATE} is false.
   */
  public static final String RATE = "if(" + HAS_RATE + ", increase / ((last_ms - first_ms) / 1000.0), 0)";

  private MetricsSql() {}

  /** {@code column} in the half-open range; empty for all of time. */
  public static List<String> rangeConditions(String column, TimeRange range) {
    List<String> out = new ArrayList<>(2);
    if (range.start().isPresent()) {
      out.add(column + " >= " + range.startMillis());
    }
    if (range.end().isPresent()) {
      out.add(column + " < " + range.endMillis());
    }
    return out;
  }

  /** Exact tag match: the key is present and has this value. */
  public static String tagCondition(String key, String value) {
    String k = Sql.quote(key);
    return "has(tag_keys, " + k + ") AND tag_values[indexOf(tag_keys, " + k + ")] = " + Sql.quote(value);
  }

  /** The value of a tag key, {@code ''} when the series lacks it (the group-by rule). */
  public static String tagValue(String key) {
    return "tag_values[indexOf(tag_keys, " + Sql.quote(key) + ")]";
  }

  /** Conditions selecting the series: metric names (any of), metric type, tags (all of). */
  public static List<String> seriesConditions(
      Optional<String> metricType, List<String> names, Map<String, String> tags) {
    List<String> out = new ArrayList<>();
    List<String> distinct = List.copyOf(new LinkedHashSet<>(names));
    if (distinct.size() == 1) {
      out.add("name = " + Sql.quote(distinct.get(0)));
    } else if (!distinct.isEmpty()) {
      out.add("name IN (" + String.join(", ", distinct.stream().map(Sql::quote).toList()) + ")");
    }
    metricType.ifPresent(t -> out.add("metric_type = " + Sql.quote(t)));
    new TreeMap<>(tags).forEach((k, v) -> out.add(tagCondition(k, v)));
    return out;
  }

  /** {@code " WHERE a AND b"}, or {@code ""} without conditions. */
  public static String where(List<String> conditions) {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /**
   * The start of the {@code step}-wide bucket holding {@code column}, aligned to the epoch (floor,
   * also for negative times), as core's {@code Aggregations.bucketStart}. The step is an explicit
   * Int64: ClickHouse types {@code x % 60000} after the divisor's smallest type (Int16 on 18.16) and
   * the remainder would wrap.
   */
  public static String bucket(String column, long step) {
    String s = "toInt64(" + step + ")";
    return "(" + column + " - ((" + column + " % " + s + ") + " + s + ") % " + s + ")";
  }

  /**
   * The accumulator of core's {@code Aggregations} over the points of one GROUP BY group (one series
   * and bucket), as columns {@code count, sum, min, max, first_ms, first_value, last_ms, last_value,
   * increase} (plus helper columns {@code pts, vs}). Points are in core's point order
   * ({@code Aggregations.comparePoints}: time, ties by value), the order {@code rate} and the first
   * and last point depend on; the sum adds them in that order, as the accumulator does.
   */
  public static String accumulatorColumns() {
    return "arraySort(groupArray((timestamp_ms, value))) AS pts, arrayMap(p -> p.2, pts) AS vs, "
        + "toUInt64(length(pts)) AS count, arraySum(vs) AS sum, arrayReduce('min', vs) AS min, "
        + "arrayReduce('max', vs) AS max, pts[1].1 AS first_ms, pts[1].2 AS first_value, "
        + "pts[-1].1 AS last_ms, pts[-1].2 AS last_value, "
        + "arraySum(arrayMap((cur, prev) -> if(cur >= prev, cur - prev, cur), arrayPopFront(vs), arrayPopBack(vs))) AS increase";
  }
}
