package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.metricspipeline.adapters.clickhouse.MemoryEquivalenceIT.aggregationQueries;
import static org.metricspipeline.adapters.clickhouse.MemoryEquivalenceIT.assertSame;
import static org.metricspipeline.adapters.clickhouse.MemoryEquivalenceIT.assertSameBuckets;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.RollupQuery;

/**
 * The same data on one server and spread over the cluster's two shards gives identical answers:
 * query pages, every aggregation from raw points and from rollups, rollup buckets (rolled up twice:
 * replaced, never added), discovery and retention (partition drops and mutations on the cluster).
 * The one server is the cluster's entry server with a database of its own that is not on the cluster.
 */
class ClusterEquivalenceIT {

  private static final long T0 = Instant.parse("2026-11-20T23:00:00Z").toEpochMilli();
  private static ClickHouseStorageAdapter single;
  private static ClickHouseStorageAdapter cluster;

  @BeforeAll
  static void load() {
    single = ClickHouseStorageAdapter.builder(ClickHouseTestCluster.url())
        .database(ClickHouseTestServer.freshDatabase("it_single")).insertBatchRows(700).build();
    cluster = ClickHouseTestCluster.adapter("it_cluster_eq").insertBatchRows(700).build();
    List<MetricsData> items = MemoryEquivalenceIT.data();
    assertThat(single.batchStore(items).join().allSucceeded()).isTrue();
    assertThat(cluster.batchStore(items).join().allSucceeded()).isTrue();
  }

  @AfterAll
  static void close() {
    if (cluster != null) {
      cluster.close();
      ClickHouseTestCluster.dropDatabase(cluster.table().split("\\.")[0]);
    }
    if (single != null) {
      single.close();
      dropLocal(single);
    }
  }

  /** Drops a one-server database on the entry server. */
  private static void dropLocal(ClickHouseStorageAdapter store) {
    java.time.Duration t = java.time.Duration.ofSeconds(30);
    try (org.metricspipeline.adapters.clickhouse.internal.Connection c =
        new org.metricspipeline.adapters.clickhouse.internal.Connection(ClickHouseTestCluster.url(), "default", "",
            false, false, t, t, t, 1)) {
      c.execute("DROP DATABASE IF EXISTS `" + store.table().split("\\.")[0] + "`");
    }
  }

  @Test
  void queriesReturnTheSamePagesInTheSameOrder() {
    for (MetricsQuery q : List.of(MetricsQuery.builder().limit(100_000).build(),
        MetricsQuery.builder().limit(250).offset(777).build(),
        MetricsQuery.builder().metricNames("cpu_usage", "tie").tag("dc", "a").limit(5000).build())) {
      assertThat(cluster.query(q).join()).as(q.toString()).isEqualTo(single.query(q).join());
    }
  }

  @Test
  void aggregationsFromRawPointsMatch() {
    for (AggregationQuery q : aggregationQueries(QuerySource.RAW)) {
      assertSame(cluster.aggregate(q).join(), single.aggregate(q).join());
    }
  }

  @Test
  void rollupsAreExactAcrossShards() {
    TimeRange firstTwoHours = TimeRange.between(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 7_200_000));
    for (Resolution r : Resolution.values()) {
      assertThat(cluster.rollup(r, firstTwoHours).join()).isEqualTo(single.rollup(r, firstTwoHours).join());
      // again: the new version replaces the old one on the shard that holds the series
      assertThat(cluster.rollup(r, firstTwoHours).join()).isEqualTo(single.rollup(r, firstTwoHours).join());
      assertThat(cluster.rollupWatermark(r).join()).isEqualTo(single.rollupWatermark(r).join());
      RollupQuery rq = new RollupQuery("requests_total", r, TimeRange.all(), Map.of(), Optional.empty());
      assertSameBuckets(cluster.readRollups(rq).join(), single.readRollups(rq).join());
      assertSameBuckets(cluster.computeRollups(rq).join(), single.computeRollups(rq).join());
    }
    assertThat(cluster.listRollups().join()).isEqualTo(single.listRollups().join());
    for (QuerySource source : List.of(QuerySource.AUTO, QuerySource.ROLLUP_1M, QuerySource.ROLLUP_5M)) {
      for (AggregationQuery q : aggregationQueries(source)) {
        assertSame(cluster.aggregate(q).join(), single.aggregate(q).join());
      }
    }
  }

  @Test
  void discoveryMatches() {
    for (MetricListQuery q : List.of(MetricListQuery.firstPage(), new MetricListQuery(1, 10, "USAGE"))) {
      assertThat(cluster.listMetrics(q).join()).as(q.toString()).isEqualTo(single.listMetrics(q).join());
    }
    assertThat(cluster.metricInfo("cpu_usage", 2).join()).isEqualTo(single.metricInfo("cpu_usage", 2).join());
  }

  @Test
  void retentionDeletesTheSamePointsOnTheCluster() {
    try (ClickHouseStorageAdapter c = ClickHouseTestCluster.adapter("it_cluster_ret").build();
        ClickHouseStorageAdapter s = ClickHouseStorageAdapter.builder(ClickHouseTestCluster.url())
            .database(ClickHouseTestServer.freshDatabase("it_single_ret")).build()) {
      List<MetricsData> items = MemoryEquivalenceIT.data();
      c.batchStore(items).join();
      s.batchStore(items).join();
      TimeRange all = TimeRange.between(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 3 * 3_600_000L));
      c.rollup(Resolution.FIVE_MINUTES, all).join();
      s.rollup(Resolution.FIVE_MINUTES, all).join();
      // after midnight: the first day is dropped as a partition on every shard, the rest cut by a mutation
      Instant cutoff = Instant.ofEpochMilli(T0 + 3_600_000L + 123_456);
      assertThat(c.deleteRawBefore(cutoff).join()).isEqualTo(s.deleteRawBefore(cutoff).join()).isPositive();
      assertThat(c.deleteRollupsBefore(Resolution.FIVE_MINUTES, cutoff).join())
          .isEqualTo(s.deleteRollupsBefore(Resolution.FIVE_MINUTES, cutoff).join()).isPositive();
      MetricsQuery everything = MetricsQuery.builder().limit(100_000).build();
      assertThat(c.query(everything).join()).isEqualTo(s.query(everything).join());
      assertThat(c.listRollups().join()).isEqualTo(s.listRollups().join());
      ClickHouseTestCluster.dropDatabase(c.table().split("\\.")[0]);
      dropLocal(s);
    }
  }
}
