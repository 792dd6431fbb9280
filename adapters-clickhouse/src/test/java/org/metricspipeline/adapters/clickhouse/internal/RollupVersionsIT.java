package org.metricspipeline.adapters.clickhouse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.clickhouse.ClickHouseStorageAdapter;
import org.metricspipeline.adapters.clickhouse.ClickHouseTestServer;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.clickhouse.sql.MetricsSql;

/**
 * While a rollup replaces a range both versions of its buckets are stored for a moment; the reads
 * used then ({@code newestOnly}) see each bucket once, with the newest version's values.
 */
class RollupVersionsIT {

  @Test
  void newestOnlyReadsSeeEachBucketOnceWithTheNewestValues() {
    String db = ClickHouseTestServer.freshDatabase("it_versions");
    TimeRange range = TimeRange.between(Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-11-23T01:00:00Z"));
    try (ClickHouseStorageAdapter storage = ClickHouseStorageAdapter.builder(ClickHouseTestServer.url()).database(db).build()) {
      List<MetricsData> items = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        items.add(MetricsData.of(range.start().get().plusSeconds(6L * i), "system",
            List.of(Metric.of("cpu", i, Map.of("host", "h" + (i % 3))))));
      }
      storage.batchStore(items).join();
      long buckets = storage.rollup(Resolution.ONE_MINUTE, range).join();
      assertThat(buckets).isEqualTo(180);
    }
    Queries q = new Queries(new Schema(db, "metrics"));
    Duration t = Duration.ofSeconds(30);
    try (Connection c = new Connection(ClickHouseTestServer.url(), "default", "", false, false, t, t, t, 1)) {
      // a second version of every bucket, as a replacing rollup writes it before deleting the first
      c.execute("INSERT INTO " + q.schema().rollup(Resolution.ONE_MINUTE) + " (" + MetricsSql.SERIES + ", "
          + Queries.BUCKET_COLUMNS + ", version) SELECT " + MetricsSql.SERIES + ", start_ms, count, sum * 2, min, max, "
          + "first_ms, first_value, last_ms, last_value, increase, version + 1 FROM " + q.schema().rollup(Resolution.ONE_MINUTE));
      RollupQuery all = RollupQuery.of("cpu", Resolution.ONE_MINUTE, range);
      List<double[]> newest = new ArrayList<>();
      c.query(q.readRollups(all, true), row -> {
        row.string();
        row.string();
        row.string();
        row.string();
        row.strings();
        row.strings();
        long start = row.int64();
        long count = row.int64();
        double sum = row.float64();
        for (int i = 0; i < 7; i++) {
          row.int64(); // min, max, first_ms, first_value, last_ms, last_value, increase (8 bytes each)
        }
        newest.add(new double[] {start, count, sum});
      });
      assertThat(newest).hasSize(180);
      assertThat(newest.stream().mapToDouble(b -> b[2]).sum()).isEqualTo(2.0 * (599 * 600 / 2));
      assertThat(c.queryLong("SELECT count() FROM " + q.schema().rollup(Resolution.ONE_MINUTE))).isEqualTo(360);
      c.execute("DROP DATABASE " + db);
    }
  }
}
