package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.clickhouse.internal.StatementShapes;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.timeseries.MetricInfo;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.MetricPage;

/**
 * Hostile strings (quotes, backslashes, {@code --}, {@code ;}, NUL, control characters, unicode, a
 * 100,000-character string) as metric names, types, sources, units, tag keys and values and search
 * strings go through store, query, aggregate and discovery and come back byte for byte.
 */
class HostileStringsIT {

  static final String QUOTES = "it's \"quoted\" '' \\' \\\\";
  static final String SQL = "x'); DROP TABLE metrics; -- ; /* */ #";
  static final String CONTROL = "nul\0tab\tnl\nbs\b\u0001\u001f\u007f";
  static final String UNICODE = "é ß 日本 🚀 \u200b \ufeff";
  static final String LONG = "L'\\".repeat(33_334);
  static final List<String> ALL = List.of(QUOTES, SQL, CONTROL, UNICODE, LONG, StatementShapes.HOSTILE);

  private static ClickHouseStorageAdapter storage;
  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

  @BeforeAll
  static void store() {
    storage = ClickHouseTestServer.adapter("it_hostile").build();
    for (int i = 0; i < ALL.size(); i++) {
      String s = ALL.get(i);
      MetricsData item = MetricsData.builder().timestamp(T.plusSeconds(i)).metricType(s).source(s)
          .metric(new Metric(s, i, s, Map.of(s, s, "plain", "v" + i)))
          .metric(new Metric(s, i + 0.5, s, Map.of(s, s, "plain", "v" + i)))
          .context(s, s)
          .build();
      assertThat(storage.batchStore(List.of(item)).join().allSucceeded()).isTrue();
    }
  }

  @AfterAll
  static void close() {
    if (storage != null) {
      storage.close();
    }
  }

  @Test
  void queriesFilteredByHostileValuesReturnThemByteForByte() {
    for (int i = 0; i < ALL.size(); i++) {
      String s = ALL.get(i);
      List<MetricsData> items = storage.query(MetricsQuery.builder().metricType(s).metricNames(s).tag(s, s).build()).join();
      assertThat(items).as("item %d", i).hasSize(1);
      MetricsData item = items.get(0);
      assertThat(bytes(item.metricType())).isEqualTo(bytes(s));
      assertThat(bytes(item.source())).isEqualTo(bytes(s));
      assertThat(item.context()).isEqualTo(Map.of(s, s));
      assertThat(item.metrics()).extracting(Metric::value).containsExactly((double) i, i + 0.5);
      for (Metric m : item.metrics()) {
        assertThat(bytes(m.name())).isEqualTo(bytes(s));
        assertThat(bytes(m.unit())).isEqualTo(bytes(s));
        assertThat(m.tags()).isEqualTo(Map.of(s, s, "plain", "v" + i));
      }
    }
  }

  @Test
  void aTagValueThatOnlyLooksLikeSqlMatchesNothingElse() {
    List<MetricsData> none = storage.query(MetricsQuery.builder().tag("plain", "v0' OR '1'='1").build()).join();
    assertThat(none).isEmpty();
  }

  @Test
  void aggregationsGroupByHostileKeysAndReturnHostileGroupValues() {
    for (int i = 0; i < ALL.size(); i++) {
      String s = ALL.get(i);
      AggregationResult r = storage.aggregate(AggregationQuery.builder(s, Aggregation.SUM).tag(s, s).groupBy(s, "plain")
          .metricType(s).build()).join();
      assertThat(r.groups()).hasSize(1);
      assertThat(r.groups().get(0).key()).isEqualTo(Map.of(s, s, "plain", "v" + i));
      assertThat(r.groups().get(0).value()).isEqualTo(2.0 * i + 0.5);
    }
  }

  @Test
  void discoveryFindsAndDescribesHostileNames() {
    for (String s : ALL) {
      MetricPage page = storage.listMetrics(new MetricListQuery(1, 10, s)).join();
      assertThat(page.metrics()).extracting(m -> bytes(m.name())).contains(bytes(s));
      Optional<MetricInfo> info = storage.metricInfo(s, 5).join();
      assertThat(info).isPresent();
      assertThat(info.get().summary().metricTypes()).containsExactly(s);
      assertThat(info.get().summary().units()).containsExactly(s);
      assertThat(info.get().tags().get(s).values()).containsExactly(s);
    }
    assertThat(storage.listMetrics(MetricListQuery.firstPage()).join().total()).isEqualTo(ALL.size());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
