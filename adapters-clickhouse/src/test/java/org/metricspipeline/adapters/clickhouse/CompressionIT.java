package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.MetricsQuery;

/** Compressed INSERT bodies ({@code compress-requests=true}) are accepted by the server and read back. */
class CompressionIT {

  @Test
  void compressedInsertsAreStoredAndReadBack() {
    try (ClickHouseStorageAdapter storage = ClickHouseTestServer.adapter("it_compress").compressRequests(true).build()) {
      List<MetricsData> items = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        items.add(MetricsData.of(Instant.parse("2026-11-23T00:00:00Z").plusSeconds(i), "system",
            List.of(Metric.of("cpu", i, Map.of("host", "web-" + (i % 7))))));
      }
      assertThat(storage.batchStore(items).join().allSucceeded()).isTrue();
      assertThat(storage.query(MetricsQuery.builder().limit(5000).build()).join()).isEqualTo(items);
    }
  }
}
