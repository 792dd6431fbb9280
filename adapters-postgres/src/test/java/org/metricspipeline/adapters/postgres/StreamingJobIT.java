package org.metricspipeline.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.sink.Column;
import org.metricspipeline.api.sink.ColumnMapping;
import org.metricspipeline.api.sink.ColumnType;
import org.metricspipeline.api.sink.TableSpec;
import org.metricspipeline.api.timeseries.StorageCapabilities;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;
import org.metricspipeline.core.StreamingJob;
import org.metricspipeline.core.WindowOutput;

/**
 * Seed 002's flow on a real PostgreSQL: a pipeline stores page views in the PostgreSQL store, a
 * streaming job tees what was stored, counts views per device type and minute, and writes the
 * windows to a PostgreSQL table (seed 002's column mapping) and back into the store as a derived
 * metric. The table does not exist for the first part of the run (every write fails), and no window
 * result is lost: they are all written once it exists.
 */
class StreamingJobIT {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void countsPerDeviceAndMinuteIntoATableThatAppearsLateAndIntoTheStore() throws Exception {
    String schema = PostgresTestServer.freshSchema("it_stream");
    PostgresStorageAdapter storage = PostgresStorageAdapter.builder(PostgresTestServer.url()).schema(schema).build();
    PostgresTableSink sink = PostgresTableSink.builder(PostgresTestServer.url()).schema(schema).build();
    Map<String, String> mapping = new LinkedHashMap<>();
    mapping.put("window.start", "window_start");
    mapping.put("window.end", "window_end");
    mapping.put("device_type", "device_type");
    mapping.put("count", "count");
    StreamingJob job = StreamingJob.builder("page-views")
        .config(Map.of("trigger_interval", "50ms", "aggregations", List.of(Map.of("name", "events_per_minute",
            "type", "count", "metric", "event", "event_type", "page_view",
            "window", Map.of("type", "tumbling", "duration", "1 minute"), "group_by", List.of("device_type"),
            "watermark", "10 seconds"))))
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(100)).build())
        .output(WindowOutput.table(sink, "events_per_minute", ColumnMapping.of(mapping)))
        .output(WindowOutput.storage(storage, "page_view_windows"))
        .build();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(job.tee(storage)).batchSize(50)
        .processingInterval(Duration.ofMillis(10)).build()) {
      assertThat(StorageCapabilities.supportsRollups(pipeline.storage())).as("the tee keeps capabilities").isTrue();
      pipeline.startProcessing();
      job.start();
      String[] devices = {"mobile", "desktop", "tablet"};
      for (int i = 0; i < 600; i++) { // 10 minutes, one view a second
        pipeline.processMetrics(MetricsData.of(T0.plusSeconds(i), "page_view",
            List.of(Metric.of("event", 1, Map.of("device_type", devices[i % 3]))))).get(30, TimeUnit.SECONDS);
      }
      Thread.sleep(300); // windows close and their writes fail: no table yet
      assertThat(job.status().outputs().get(0).errors()).isPositive();

      sink.createTable(TableSpec.of("events_per_minute", List.of(Column.required("window_start", ColumnType.TIMESTAMP),
          Column.of("window_end", ColumnType.TIMESTAMP), Column.required("device_type", ColumnType.STRING),
          Column.of("count", ColumnType.LONG)), List.of("window_start", "device_type"))).join();
      job.stop(true).get(60, TimeUnit.SECONDS);

      List<Map<String, Object>> rows = sink.query("SELECT device_type, count(*) AS windows, sum(count) AS views FROM \""
          + schema + "\".events_per_minute GROUP BY device_type ORDER BY device_type", List.of()).join();
      assertThat(rows).containsExactly(
          Map.of("device_type", "desktop", "windows", 10L, "views", java.math.BigDecimal.valueOf(200)),
          Map.of("device_type", "mobile", "windows", 10L, "views", java.math.BigDecimal.valueOf(200)),
          Map.of("device_type", "tablet", "windows", 10L, "views", java.math.BigDecimal.valueOf(200)));
      assertThat(storage.aggregate(AggregationQuery.builder("events_per_minute", Aggregation.SUM)
          .metricType("page_view_windows").build()).join().singleValue()).contains(600.0);
      assertThat(job.status().overflowedResults()).isZero();
      assertThat(job.sinkMetrics().sinkRows("postgres:events_per_minute", "events_per_minute")).isEqualTo(30);
    } finally {
      job.close();
      sink.close();
      PostgresTestServer.dropSchema(storage);
    }
  }
}
