package org.metricspipeline.adapters.metabase.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.clickhouse.sql.MetricsSql;
import org.metricspipeline.clickhouse.sql.Sql;

/**
 * Native ClickHouse SQL for a chart, generated from an {@link AggregationQuery} over the ClickHouse
 * storage adapter's table ({@code metric_type, name, unit, source, tag_keys, tag_values,
 * timestamp_ms, value, day}).
 *
 * <p>The SQL runs on ClickHouse 18.16 and newer: buckets are modulo arithmetic (there is no
 * {@code toStartOfInterval} there), and every literal is escaped (there are no query parameters
 * there). Filters, buckets and {@code rate} come from the shared {@link MetricsSql}, the same SQL the
 * ClickHouse storage adapter runs, so a chart shows what the store answers: half-open range, tag
 * filter, groups by tag value ({@code ""} for a point without the tag), epoch-aligned buckets, and
 * {@code rate} per series with counter resets (points in core's order: time, ties by value), summed
 * over the series of a group.
 *
 * <p>Result columns, by chart type:
 * <ul>
 *   <li>line, bar, area, table: {@code time} (bucket start, {@code DateTime('UTC')}),
 *       {@code bucket_ms} (bucket start in epoch milliseconds), one column per group-by tag (named
 *       after the tag; {@code tag_<key>} when that name is taken), {@code series} (with two or more
 *       group-by tags: {@code k=v, k=v}), {@code value}; ordered by group, then time;
 *   <li>pie: {@code series} (the group's label, or the metric name without group-by tags) and
 *       {@code value};
 *   <li>scalar: {@code value}, latest bucket first.
 * </ul>
 */
public final class ClickHouseSql {

  /** The output column holding the bucket start as a date-time. */
  public static final String TIME = "time";
  /** The output column holding the bucket start in epoch milliseconds. */
  public static final String BUCKET_MS = "bucket_ms";
  /** The output column holding the aggregated value. */
  public static final String VALUE = "value";
  /** The output column holding a group's label. */
  public static final String SERIES = "series";

  private static final Set<String> RESERVED = Set.of(TIME, BUCKET_MS, VALUE, SERIES);
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private ClickHouseSql() {}

  /**
   * A chart's SQL and the columns Metabase should draw.
   *
   * @param sql the native query
   * @param columns every output column, in order
   * @param dimensions the columns for {@code graph.dimensions} (x axis, then the series breakout)
   * @param metrics the columns for {@code graph.metrics}
   */
  public record Chart(String sql, List<String> columns, List<String> dimensions, List<String> metrics) {
    /** Copies. */
    public Chart {
      Objects.requireNonNull(sql, "sql");
      columns = List.copyOf(columns);
      dimensions = List.copyOf(dimensions);
      metrics = List.copyOf(metrics);
    }
  }

  /** Whether {@code name} is a plain ClickHouse identifier (letters, digits, underscore). */
  public static boolean isPlainIdentifier(String name) {
    return IDENTIFIER.matcher(name).matches();
  }

  /**
   * The chart SQL for {@code query} drawn as {@code type} from {@code database.table}; the database
   * and table names must be plain identifiers.
   */
  public static Chart chart(AggregationQuery query, VisualizationType type, String database, String table) {
    if (!isPlainIdentifier(database) || !isPlainIdentifier(table)) {
      throw new IllegalArgumentException("database and table must be plain identifiers, got "
          + database + "." + table);
    }
    List<String> groupBy = query.groupBy();
    List<String> tagColumns = tagColumnNames(groupBy);
    String from = identifier(database) + "." + identifier(table);
    String inner = query.function() == Aggregation.RATE ? rateInner(query, from) : plainInner(query, from);

    List<String> select = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    List<String> dimensions = new ArrayList<>();
    String orderBy;
    String seriesExpr = seriesLabel(query);
    switch (type) {
      case PIE -> {
        select.add(seriesExpr + " AS " + SERIES);
        columns.add(SERIES);
        dimensions.add(SERIES);
        orderBy = groupOrder(groupBy.size(), "mp_bucket");
      }
      case SCALAR -> {
        orderBy = "mp_bucket DESC" + (groupBy.isEmpty() ? "" : ", " + groupColumns(groupBy.size()));
      }
      default -> {
        select.add("toDateTime(intDiv(mp_bucket, 1000), 'UTC') AS " + identifier(TIME));
        select.add("mp_bucket AS " + BUCKET_MS);
        columns.add(TIME);
        columns.add(BUCKET_MS);
        dimensions.add(TIME);
        for (int i = 0; i < groupBy.size(); i++) {
          select.add("mp_g" + i + " AS " + identifier(tagColumns.get(i)));
          columns.add(tagColumns.get(i));
        }
        if (groupBy.size() > 1) {
          select.add(seriesExpr + " AS " + SERIES);
          columns.add(SERIES);
          dimensions.add(SERIES);
        } else if (groupBy.size() == 1) {
          dimensions.add(tagColumns.get(0));
        }
        orderBy = groupOrder(groupBy.size(), "mp_bucket");
      }
    }
    select.add("mp_v AS " + VALUE);
    columns.add(VALUE);
    String sql = "SELECT " + String.join(", ", select) + "\nFROM (\n" + inner + "\n)\nORDER BY " + orderBy;
    return new Chart(sql, columns, dimensions, List.of(VALUE));
  }

  private static String groupOrder(int groups, String then) {
    return groups == 0 ? then : groupColumns(groups) + ", " + then;
  }

  private static String groupColumns(int groups) {
    List<String> cols = new ArrayList<>();
    for (int i = 0; i < groups; i++) {
      cols.add("mp_g" + i);
    }
    return String.join(", ", cols);
  }

  /** The output column names of the group-by tags: the key, or {@code tag_<key>} when taken. */
  static List<String> tagColumnNames(List<String> groupBy) {
    Set<String> used = new HashSet<>(RESERVED);
    List<String> names = new ArrayList<>();
    for (String key : groupBy) {
      String name = key;
      if (key.isEmpty() || used.contains(name) || name.startsWith("mp_")) {
        name = "tag_" + key;
      }
      String candidate = name;
      for (int n = 2; used.contains(candidate); n++) {
        candidate = name + "_" + n;
      }
      used.add(candidate);
      names.add(candidate);
    }
    return names;
  }

  private static String seriesLabel(AggregationQuery query) {
    List<String> groupBy = query.groupBy();
    if (groupBy.isEmpty()) {
      return literal(query.metricName());
    }
    if (groupBy.size() == 1) {
      return "mp_g0";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < groupBy.size(); i++) {
      parts.add(literal((i == 0 ? "" : ", ") + groupBy.get(i) + "="));
      parts.add("mp_g" + i);
    }
    return "concat(" + String.join(", ", parts) + ")";
  }

  private static String plainInner(AggregationQuery query, String from) {
    boolean stepped = query.step().isPresent();
    List<String> select = new ArrayList<>();
    select.add(bucket(query, "min(timestamp_ms)") + " AS mp_bucket");
    select.addAll(groupSelects(query.groupBy()));
    select.add(aggregate(query.function()) + " AS mp_v");
    List<String> groups = new ArrayList<>();
    if (stepped) {
      groups.add("mp_bucket");
    }
    groups.addAll(groupAliases(query.groupBy().size()));
    return "SELECT " + String.join(", ", select) + "\nFROM " + from + "\nWHERE " + where(query)
        + (groups.isEmpty() ? "\nHAVING count() > 0" : "\nGROUP BY " + String.join(", ", groups));
  }

  /**
   * Rate: per series and bucket the accumulator of core's {@code Aggregations} (points in core's
   * point order: time, ties by value), the same SQL the ClickHouse storage adapter runs
   * ({@link MetricsSql#accumulatorColumns()}); then the rates summed per group and bucket over the
   * series that have one (two or more points at different instants).
   */
  private static String rateInner(AggregationQuery query, String from) {
    boolean stepped = query.step().isPresent();
    List<String> series = new ArrayList<>();
    if (stepped) {
      series.add(bucket(query, "") + " AS mp_bucket");
    }
    series.addAll(groupSelects(query.groupBy()));
    series.add(MetricsSql.accumulatorColumns());
    List<String> seriesGroups = new ArrayList<>();
    if (stepped) {
      seriesGroups.add("mp_bucket");
    }
    seriesGroups.addAll(groupAliases(query.groupBy().size()));
    seriesGroups.add(MetricsSql.SERIES);
    String perSeries = "SELECT " + String.join(", ", series) + "\nFROM " + from + "\nWHERE " + where(query)
        + "\nGROUP BY " + String.join(", ", seriesGroups);

    List<String> select = new ArrayList<>();
    select.add(stepped ? "mp_bucket" : bucket(query, "min(first_ms)") + " AS mp_bucket");
    List<String> aliases = groupAliases(query.groupBy().size());
    select.addAll(aliases);
    select.add("sum(" + MetricsSql.RATE + ") AS mp_v");
    List<String> groups = new ArrayList<>();
    if (stepped) {
      groups.add("mp_bucket");
    }
    groups.addAll(aliases);
    return "SELECT " + String.join(", ", select) + "\nFROM (\n" + perSeries + "\n)"
        + (groups.isEmpty() ? "" : "\nGROUP BY " + String.join(", ", groups))
        + "\nHAVING max(" + MetricsSql.HAS_RATE + ") = 1";
  }

  /**
   * The bucket start: the step's epoch-aligned bucket ({@link MetricsSql#bucket}, as the storage
   * adapter), else the range start, else {@code unbounded}.
   */
  private static String bucket(AggregationQuery query, String unbounded) {
    if (query.step().isPresent()) {
      return MetricsSql.bucket("timestamp_ms", query.step().get().toMillis());
    }
    if (query.range().start().isPresent()) {
      return "toInt64(" + query.range().startMillis() + ")";
    }
    return unbounded;
  }

  private static List<String> groupSelects(List<String> groupBy) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < groupBy.size(); i++) {
      out.add(tagValue(groupBy.get(i)) + " AS mp_g" + i);
    }
    return out;
  }

  private static List<String> groupAliases(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("mp_g" + i);
    }
    return out;
  }

  private static String aggregate(Aggregation function) {
    return switch (function) {
      case SUM -> "sum(value)";
      case AVG -> "avg(value)";
      case MIN -> "min(value)";
      case MAX -> "max(value)";
      case COUNT -> "toFloat64(count())";
      case RATE -> throw new IllegalArgumentException("rate is computed per series");
    };
  }

  private static String where(AggregationQuery query) {
    List<String> conditions = MetricsSql.seriesConditions(query.metricType(), List.of(query.metricName()),
        query.tags());
    conditions.addAll(MetricsSql.rangeConditions("timestamp_ms", query.range()));
    return String.join("\n  AND ", conditions);
  }

  /** The value of tag {@code key} of a row; {@code ''} when the row has no such tag. */
  static String tagValue(String key) {
    return MetricsSql.tagValue(key);
  }

  /** A ClickHouse string literal ({@link Sql#quote}). */
  public static String literal(String value) {
    return Sql.quote(value);
  }

  /** A back-quoted ClickHouse identifier holding exactly {@code name} ({@link Sql#backQuote}). */
  public static String identifier(String name) {
    return Sql.backQuote(name);
  }

}
