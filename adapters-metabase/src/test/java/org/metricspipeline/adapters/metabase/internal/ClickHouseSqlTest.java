package org.metricspipeline.adapters.metabase.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.clickhouse.sql.MetricsSql;
import org.junit.jupiter.api.Test;

class ClickHouseSqlTest {

  static ClickHouseSql.Chart chart(AggregationQuery q, VisualizationType type) {
    return ClickHouseSql.chart(q, type, "metrics", "metrics");
  }

  @Test
  void aLineChartBucketsOnTheEpochAndFiltersEverything() {
    AggregationQuery q = AggregationQuery.builder("cpu_usage", Aggregation.AVG).metricType("system")
        .between(Instant.ofEpochMilli(1_000), Instant.ofEpochMilli(61_000)).tag("dc", "eu-1")
        .groupBy("host").step(Duration.ofSeconds(30)).build();

    ClickHouseSql.Chart c = chart(q, VisualizationType.LINE);

    assertThat(c.sql()).isEqualTo("""
        SELECT toDateTime(intDiv(mp_bucket, 1000), 'UTC') AS `time`, mp_bucket AS bucket_ms, mp_g0 AS `host`, mp_v AS value
        FROM (
        SELECT (timestamp_ms - ((timestamp_ms % toInt64(30000)) + toInt64(30000)) % toInt64(30000)) AS mp_bucket, tag_values[indexOf(tag_keys, 'host')] AS mp_g0, avg(value) AS mp_v
        FROM `metrics`.`metrics`
        WHERE name = 'cpu_usage'
          AND metric_type = 'system'
          AND has(tag_keys, 'dc') AND tag_values[indexOf(tag_keys, 'dc')] = 'eu-1'
          AND timestamp_ms >= 1000
          AND timestamp_ms < 61000
        GROUP BY mp_bucket, mp_g0
        )
        ORDER BY mp_g0, mp_bucket""");
    assertThat(c.columns()).containsExactly("time", "bucket_ms", "host", "value");
    assertThat(c.dimensions()).containsExactly("time", "host");
    assertThat(c.metrics()).containsExactly("value");
    assertThat(c.sql()).doesNotContain("toStartOfInterval");
  }

  @Test
  void eachFunctionHasItsAggregate() {
    for (Aggregation f : List.of(Aggregation.SUM, Aggregation.AVG, Aggregation.MIN, Aggregation.MAX, Aggregation.COUNT)) {
      String sql = chart(AggregationQuery.builder("m", f).build(), VisualizationType.TABLE).sql();
      String expected = switch (f) {
        case SUM -> "sum(value) AS mp_v";
        case AVG -> "avg(value) AS mp_v";
        case MIN -> "min(value) AS mp_v";
        case MAX -> "max(value) AS mp_v";
        default -> "toFloat64(count()) AS mp_v";
      };
      assertThat(sql).as(f.wireName()).contains(expected);
    }
  }

  @Test
  void withoutStepOneBucketStartsAtTheRangeStartOrTheEarliestPoint() {
    String bounded = chart(AggregationQuery.builder("m", Aggregation.SUM)
        .between(Instant.ofEpochMilli(5_000), Instant.ofEpochMilli(9_000)).build(), VisualizationType.TABLE).sql();
    String unbounded = chart(AggregationQuery.builder("m", Aggregation.SUM).build(), VisualizationType.TABLE).sql();

    assertThat(bounded).contains("toInt64(5000) AS mp_bucket").contains("HAVING count() > 0")
        .doesNotContain("GROUP BY");
    assertThat(unbounded).contains("min(timestamp_ms) AS mp_bucket").contains("HAVING count() > 0");
  }

  @Test
  void rateIsComputedPerSeriesWithResetsAndSummedPerGroup() {
    String sql = chart(AggregationQuery.builder("requests_total", Aggregation.RATE).groupBy("host")
        .step(Duration.ofMinutes(1)).build(), VisualizationType.LINE).sql();

    assertThat(sql)
        .contains(MetricsSql.accumulatorColumns())
        .contains("GROUP BY mp_bucket, mp_g0, " + MetricsSql.SERIES)
        .contains("sum(" + MetricsSql.RATE + ") AS mp_v")
        .contains("HAVING max(" + MetricsSql.HAS_RATE + ") = 1");
  }

  @Test
  void rateOrdersPointsAtOneInstantByValueAsTheStoresDo() {
    String sql = chart(AggregationQuery.builder("requests_total", Aggregation.RATE).build(), VisualizationType.TABLE).sql();

    // (timestamp, value) tuples sorted: ties by value, core's Aggregations.comparePoints
    assertThat(sql).contains("arraySort(groupArray((timestamp_ms, value))) AS pts")
        .doesNotContain("(v, t) -> t");
  }

  @Test
  void pieAndScalarSelectOnlyWhatTheyDraw() {
    ClickHouseSql.Chart pie = chart(AggregationQuery.builder("req", Aggregation.COUNT).groupBy("route", "code")
        .build(), VisualizationType.PIE);
    ClickHouseSql.Chart pieOfOne = chart(AggregationQuery.builder("req", Aggregation.COUNT).build(), VisualizationType.PIE);
    ClickHouseSql.Chart scalar = chart(AggregationQuery.builder("req", Aggregation.SUM).step(Duration.ofMinutes(5))
        .build(), VisualizationType.SCALAR);

    assertThat(pie.columns()).containsExactly("series", "value");
    assertThat(pie.sql()).startsWith("SELECT concat('route=', mp_g0, ', code=', mp_g1) AS series, mp_v AS value");
    assertThat(pieOfOne.sql()).startsWith("SELECT 'req' AS series, mp_v AS value");
    assertThat(scalar.columns()).containsExactly("value");
    assertThat(scalar.sql()).startsWith("SELECT mp_v AS value").endsWith("ORDER BY mp_bucket DESC");
  }

  @Test
  void manyGroupByTagsGetTheirOwnColumnsAndASeriesLabel() {
    ClickHouseSql.Chart c = chart(AggregationQuery.builder("m", Aggregation.MAX)
        .groupBy("host", "time", "mp_x", "name").step(Duration.ofSeconds(10)).build(), VisualizationType.BAR);

    assertThat(c.columns()).containsExactly("time", "bucket_ms", "host", "tag_time", "tag_mp_x", "name", "series", "value");
    assertThat(c.dimensions()).containsExactly("time", "series");
    assertThat(c.sql()).contains("mp_g3 AS `name`").contains("tag_values[indexOf(tag_keys, 'name')] AS mp_g3")
        .contains("WHERE name = 'm'");
  }

  @Test
  void literalsEscapeQuotesBackslashesAndControlCharacters() {
    assertThat(ClickHouseSql.literal("it's")).isEqualTo("'it\\'s'");
    assertThat(ClickHouseSql.literal("a\\b")).isEqualTo("'a\\\\b'");
    assertThat(ClickHouseSql.literal("l1\nl2\r\t\0")).isEqualTo("'l1\\nl2\\r\\t\\0'");
    assertThat(ClickHouseSql.literal("\u0001\u007f")).isEqualTo("'\\x01\\x7F'");
    assertThat(ClickHouseSql.literal("ünï €")).isEqualTo("'ünï €'");
    assertThat(ClickHouseSql.identifier("we`ird\\")).isEqualTo("`we\\`ird\\\\`");
  }

  @Test
  void aHostileTagValueStaysInsideItsLiteral() {
    String sql = chart(AggregationQuery.builder("m'; DROP TABLE metrics; --", Aggregation.SUM)
        .tag("host", "x' OR 1=1 --").build(), VisualizationType.TABLE).sql();

    assertThat(sql).contains("name = 'm\\'; DROP TABLE metrics; --'")
        .contains("tag_values[indexOf(tag_keys, 'host')] = 'x\\' OR 1=1 --'");
  }

  @Test
  void onlyPlainDatabaseAndTableNamesAreAccepted() {
    AggregationQuery q = AggregationQuery.builder("m", Aggregation.SUM).build();
    assertThatThrownBy(() -> ClickHouseSql.chart(q, VisualizationType.LINE, "metrics", "t; DROP"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain identifiers");
    assertThat(ClickHouseSql.chart(q, VisualizationType.LINE, "db_2", "t_1").sql()).contains("FROM `db_2`.`t_1`");
  }
}
