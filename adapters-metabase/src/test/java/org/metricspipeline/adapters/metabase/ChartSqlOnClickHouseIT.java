package org.metricspipeline.adapters.metabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.metricspipeline.adapters.clickhouse.ClickHouseStorageAdapter;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.adapters.metabase.internal.ClickHouseSql;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL the Metabase cards carry, run on the real ClickHouse server ({@code CLICKHOUSE_URL}, 18.16
 * started by {@code scripts/clickhouse.sh}) over data stored by the ClickHouse storage adapter, gives
 * the rows each chart needs: the same groups, buckets and values as the library's own aggregation
 * (the in-memory store answers the same query over the same points).
 */
class ChartSqlOnClickHouseIT {

  static final String HOW = "no ClickHouse server: run `export CLICKHOUSE_URL=$(scripts/clickhouse.sh start)` "
      + "(or set CLICKHOUSE_URL to a running server's HTTP URL), or run scripts/verify.sh which does both";
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final String HOSTILE = "it's a \\ 'quoted', \"odd\" value";

  static OkHttpClient http;
  static String url;
  static String database;
  static InMemoryStorageAdapter reference;
  static ClickHouseStorageAdapter clickhouse;

  @BeforeAll
  static void load() throws IOException {
    String env = System.getenv("CLICKHOUSE_URL");
    if (env == null || env.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(HOW + " (CI=true: a missing server is a failure)");
      }
      Assumptions.abort(HOW + " (skipped because CI is not \"true\")");
    }
    url = env.trim().endsWith("/") ? env.trim() : env.trim() + "/";
    http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
    database = ("mbsql_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8)).toLowerCase(Locale.ROOT);
    reference = InMemoryStorageAdapter.create();
    List<MetricsData> items = data();
    store(items);
    reference.batchStore(items).join();
  }

  @AfterAll
  static void drop() throws IOException {
    if (clickhouse != null) {
      clickhouse.close();
    }
    if (database != null && http != null) {
      run("DROP DATABASE IF EXISTS " + database);
    }
    if (reference != null) {
      reference.close();
    }
  }

  /** Gauges of three hosts in two data centres, one point without a host, a hostile tag value, counters with a reset. */
  static List<MetricsData> data() {
    List<MetricsData> items = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      Instant t = T0.plusSeconds(10L * i);
      List<Metric> cpu = new ArrayList<>();
      cpu.add(Metric.of("cpu", 10 + i % 7, Map.of("host", "web-1", "dc", "eu")));
      cpu.add(Metric.of("cpu", 50 - i % 5 * 1.5, Map.of("host", "web-2", "dc", "eu")));
      cpu.add(Metric.of("cpu", i * 0.25, Map.of("host", "web-3", "dc", "us")));
      if (i % 9 == 0) {
        cpu.add(Metric.of("cpu", 99, Map.of("dc", "us")));
        cpu.add(Metric.of("cpu", 1, Map.of("host", HOSTILE, "dc", "us")));
      }
      items.add(new MetricsData(t, "system", cpu, "agent", Map.of()));
      items.add(new MetricsData(t, "other", List.of(Metric.of("cpu", 1_000_000, Map.of("host", "web-1"))), "x", Map.of()));
      long a = i < 20 ? 100 + 7L * i : 5 + 3L * (i - 20); // resets to 5, not 0: a reset contributes its new value
      long b = 5L * i * i;
      items.add(new MetricsData(t.plusMillis(250), "http", List.of(
          Metric.of("requests_total", a, Map.of("route", "/a")),
          Metric.of("requests_total", b, Map.of("route", "/b"))), "gateway", Map.of()));
      // two points of one counter at each instant, the larger stored first: rate must read them in
      // core's point order (time, ties by value), as both stores do, not as a reset
      items.add(new MetricsData(t.plusMillis(500), "http", List.of(Metric.of("ties_total", 10L * i + 4)), "gateway", Map.of()));
      items.add(new MetricsData(t.plusMillis(500), "http", List.of(Metric.of("ties_total", 10L * i)), "gateway", Map.of()));
    }
    return items;
  }

  /** Stored by the ClickHouse storage adapter itself, into its table layout. */
  static void store(List<MetricsData> items) {
    clickhouse = ClickHouseStorageAdapter.builder(url).database(database).build();
    MetricsBatchResult result = clickhouse.batchStore(items).join();
    assertThat(result.failures()).as("items the ClickHouse adapter refused").isEmpty();
    assertThat(result.successCount()).isEqualTo(items.size());
  }

  static String run(String sql) throws IOException {
    Request request = new Request.Builder().url(url)
        .post(RequestBody.create(sql, MediaType.get("text/plain; charset=utf-8"))).build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body() == null ? "" : response.body().string();
      if (!response.isSuccessful()) {
        throw new AssertionError("ClickHouse rejected:\n" + sql + "\n-> " + response.code() + " " + body);
      }
      return body;
    }
  }

  /** The chart's rows: a header row of column names, then the values (TSV unescaped). */
  static List<List<String>> chartRows(AggregationQuery q, VisualizationType type) throws IOException {
    String sql = ClickHouseSql.chart(q, type, database, "metrics").sql();
    List<List<String>> rows = new ArrayList<>();
    for (String line : run(sql + "\nFORMAT TabSeparatedWithNames").split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      List<String> row = new ArrayList<>();
      for (String field : line.split("\t", -1)) {
        row.add(unescape(field));
      }
      rows.add(row);
    }
    return rows;
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(switch (n) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          case '0' -> '\0';
          default -> n;
        });
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** What a line chart or table needs: per group (in group order) and bucket, start ms, keys, value. */
  static List<String> expectedSeries(AggregationQuery q) {
    AggregationResult r = reference.aggregate(q).join();
    List<String> out = new ArrayList<>();
    for (GroupResult g : r.groups()) {
      for (Bucket b : g.buckets()) {
        List<String> row = new ArrayList<>();
        row.add(Long.toString(b.start().toEpochMilli()));
        q.groupBy().forEach(k -> row.add(g.key().get(k)));
        row.add(round(b.value()));
        out.add(String.join("|", row));
      }
    }
    return out;
  }

  static List<String> actualSeries(AggregationQuery q, VisualizationType type) throws IOException {
    List<List<String>> rows = chartRows(q, type);
    List<String> header = rows.get(0);
    List<String> tagColumns = header.subList(2, 2 + q.groupBy().size());
    List<String> out = new ArrayList<>();
    for (List<String> row : rows.subList(1, rows.size())) {
      List<String> key = new ArrayList<>();
      key.add(row.get(header.indexOf("bucket_ms")));
      tagColumns.forEach(c -> key.add(row.get(header.indexOf(c))));
      key.add(round(Double.parseDouble(row.get(header.indexOf("value")))));
      out.add(String.join("|", key));
      long ms = Long.parseLong(row.get(header.indexOf("bucket_ms")));
      assertThat(row.get(header.indexOf("time"))).isEqualTo(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
          .withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(ms - Math.floorMod(ms, 1000))));
    }
    return out;
  }

  static String round(double v) {
    return String.format(Locale.ROOT, "%.9g", v);
  }

  static AggregationQuery.Builder cpu(Aggregation f) {
    return AggregationQuery.builder("cpu", f).metricType("system");
  }

  @Test
  void everyFunctionPerHostAndMinuteMatchesTheLibrary() throws IOException {
    for (Aggregation f : List.of(Aggregation.AVG, Aggregation.SUM, Aggregation.MIN, Aggregation.MAX, Aggregation.COUNT)) {
      AggregationQuery q = cpu(f).groupBy("host").step(Duration.ofMinutes(1)).build();
      List<String> expected = expectedSeries(q);
      assertThat(expected).as(f.wireName()).hasSizeGreaterThan(12);
      assertThat(actualSeries(q, VisualizationType.LINE)).as(f.wireName()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void twoGroupByTagsARangeAndATagFilterMatchTheLibrary() throws IOException {
    AggregationQuery q = cpu(Aggregation.AVG).groupBy("dc", "host").step(Duration.ofSeconds(90))
        .between(T0.plusSeconds(30), T0.plusSeconds(300)).build();
    AggregationQuery filtered = cpu(Aggregation.SUM).tag("dc", "us").groupBy("host")
        .step(Duration.ofMinutes(2)).build();

    assertThat(actualSeries(q, VisualizationType.TABLE)).containsExactlyElementsOf(expectedSeries(q));
    assertThat(actualSeries(filtered, VisualizationType.BAR)).containsExactlyElementsOf(expectedSeries(filtered));
  }

  @Test
  void aHostileTagValueIsMatchedExactly() throws IOException {
    AggregationQuery q = cpu(Aggregation.COUNT).tag("host", HOSTILE).groupBy("host").build();

    List<String> actual = actualSeries(q, VisualizationType.TABLE);

    assertThat(actual).containsExactlyElementsOf(expectedSeries(q));
    assertThat(actual).singleElement().asString().contains(HOSTILE).endsWith("|4.00000000");
  }

  @Test
  void rateHandlesCounterResetsPerSeries() throws IOException {
    AggregationQuery perMinute = AggregationQuery.builder("requests_total", Aggregation.RATE).groupBy("route")
        .step(Duration.ofMinutes(1)).build();
    AggregationQuery whole = AggregationQuery.builder("requests_total", Aggregation.RATE).build();
    AggregationQuery bounded = AggregationQuery.builder("requests_total", Aggregation.RATE)
        .between(T0.plusSeconds(100), T0.plusSeconds(260)).build();

    assertThat(actualSeries(perMinute, VisualizationType.LINE)).containsExactlyElementsOf(expectedSeries(perMinute));
    assertThat(actualSeries(whole, VisualizationType.AREA)).containsExactlyElementsOf(expectedSeries(whole));
    assertThat(actualSeries(bounded, VisualizationType.TABLE)).containsExactlyElementsOf(expectedSeries(bounded));
  }

  @Test
  void rateOrdersPointsAtOneInstantByValueAsTheStoresDo() throws IOException {
    AggregationQuery perMinute = AggregationQuery.builder("ties_total", Aggregation.RATE)
        .step(Duration.ofMinutes(1)).build();
    AggregationQuery whole = AggregationQuery.builder("ties_total", Aggregation.RATE).build();

    List<String> expected = expectedSeries(whole);
    // 0, 4, 10, 14, ..., 350, 354 over 350 s: no reset, an increase of 354
    assertThat(expected).singleElement().asString().endsWith("|" + round(354 / 350.0));
    assertThat(actualSeries(whole, VisualizationType.TABLE)).containsExactlyElementsOf(expected);
    assertThat(actualSeries(perMinute, VisualizationType.LINE)).containsExactlyElementsOf(expectedSeries(perMinute));
  }

  @Test
  void withoutAStepOneBucketPerGroupStartsWhereTheLibrarySays() throws IOException {
    AggregationQuery unbounded = cpu(Aggregation.MAX).groupBy("host").build();
    AggregationQuery bounded = cpu(Aggregation.AVG).groupBy("host").between(T0.plusSeconds(15), T0.plusSeconds(200)).build();

    assertThat(actualSeries(unbounded, VisualizationType.TABLE)).containsExactlyElementsOf(expectedSeries(unbounded));
    assertThat(actualSeries(bounded, VisualizationType.TABLE)).containsExactlyElementsOf(expectedSeries(bounded));
  }

  @Test
  void aPieHasOneSliceLabelPerGroup() throws IOException {
    AggregationQuery q = cpu(Aggregation.COUNT).groupBy("dc", "host").build();
    List<String> expected = new ArrayList<>();
    for (GroupResult g : reference.aggregate(q).join().groups()) {
      expected.add("dc=" + g.key().get("dc") + ", host=" + g.key().get("host") + "|" + round(g.value()));
    }

    List<List<String>> rows = chartRows(q, VisualizationType.PIE);

    assertThat(rows.get(0)).containsExactly("series", "value");
    assertThat(rows.subList(1, rows.size()).stream().map(r -> r.get(0) + "|" + round(Double.parseDouble(r.get(1)))))
        .containsExactlyElementsOf(expected);
  }

  @Test
  void aScalarShowsTheLatestBucketFirst() throws IOException {
    AggregationQuery q = cpu(Aggregation.SUM).step(Duration.ofMinutes(1)).build();
    List<Bucket> buckets = reference.aggregate(q).join().groups().get(0).buckets();

    List<List<String>> rows = chartRows(q, VisualizationType.SCALAR);

    assertThat(rows.get(0)).containsExactly("value");
    assertThat(round(Double.parseDouble(rows.get(1).get(0)))).isEqualTo(round(buckets.get(buckets.size() - 1).value()));
    assertThat(rows).hasSize(buckets.size() + 1);
  }
}
