package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.MetricsQuery;

/** Items the store can never take are reported per item, with their index and reason. */
class BatchFailuresIT {

  @Test
  void anInsertTheServerRefusesMakesItsItemsFailures() {
    try (ClickHouseStorageAdapter storage = ClickHouseTestServer.adapter("it_refused").insertBatchRows(2).build()) {
      storage.createSchema().join();
      drop(storage.table()); // the table goes away underneath: HTTP 404, retrying will not help
      MetricsBatchResult result = storage.batchStore(items(3)).join();
      assertThat(result.successCount()).isZero();
      assertThat(result.failures()).extracting(MetricsBatchResult.Failure::index).containsExactly(0, 1, 2);
      assertThat(result.failures().get(0).reason()).startsWith("rejected by ClickHouse").contains("HTTP 404");
    }
  }

  @Test
  void aServerErrorThatMayBeTransientFailsTheBatchForARetry() {
    String db = ClickHouseTestServer.freshDatabase("it_mismatch");
    // a raw table of another layout already there: CREATE ... IF NOT EXISTS keeps it, INSERTs get 500
    execute("CREATE DATABASE " + db);
    execute("CREATE TABLE " + db + ".metrics (name String) ENGINE = MergeTree() ORDER BY name");
    try (ClickHouseStorageAdapter storage = ClickHouseStorageAdapter.builder(ClickHouseTestServer.url())
        .database(db).build()) {
      assertThat(storage.batchStore(items(3))).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
          .withCauseInstanceOf(StorageUnavailableException.class).withMessageContaining("HTTP 500");
    }
  }

  private static void drop(String table) {
    execute("DROP TABLE " + table);
  }

  private static void execute(String sql) {
    Duration t = Duration.ofSeconds(30);
    try (Connection c = new Connection(ClickHouseTestServer.url(), "default", "", false, false, t, t, t, 1)) {
      c.execute(sql);
    }
  }

  @Test
  void anItemWhoseTimestampHasNoEpochMillisecondsFailsAloneAndTheRestIsStored() {
    try (ClickHouseStorageAdapter storage = ClickHouseTestServer.adapter("it_badtime").build()) {
      List<MetricsData> batch = new ArrayList<>(items(3));
      batch.add(1, MetricsData.of(Instant.MAX, "system", List.of(Metric.of("cpu", 1))));
      MetricsBatchResult result = storage.batchStore(batch).join();
      assertThat(result.successCount()).isEqualTo(3);
      assertThat(result.failures()).singleElement().satisfies(f -> {
        assertThat(f.index()).isEqualTo(1);
        assertThat(f.reason()).contains("timestamp").contains(Instant.MAX.toString());
      });
      assertThat(storage.query(MetricsQuery.builder().build()).join()).hasSize(3);
    }
  }

  private static List<MetricsData> items(int n) {
    List<MetricsData> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(MetricsData.of(Instant.parse("2026-11-23T00:00:00Z").plusSeconds(i), "system",
          List.of(Metric.of("cpu", i))));
    }
    return items;
  }
}
