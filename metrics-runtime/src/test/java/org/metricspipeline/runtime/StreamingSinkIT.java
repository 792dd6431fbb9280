package org.metricspipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.sink.TableSink;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;

/**
 * {@code streaming.sink}: a windowed aggregation configured in a config directory writes its results
 * into a ClickHouse table ({@code CLICKHOUSE_URL}) that the runtime created.
 */
class StreamingSinkIT {

  @TempDir
  Path dir;

  private static String clickhouse() {
    String url = System.getenv("CLICKHOUSE_URL");
    if (url == null || url.isBlank()) {
      String howTo = "CLICKHOUSE_URL is not set: start ClickHouse with export CLICKHOUSE_URL=$(scripts/clickhouse.sh start)";
      if ("true".equals(System.getenv("CI"))) {
        fail(howTo);
      }
      assumeTrue(false, howTo);
    }
    return url;
  }

  @Test
  void aConfiguredWindowedJobWritesItsResultsToTheTableSink() throws Exception {
    String url = clickhouse();
    String table = "rt_sink_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    Files.writeString(dir.resolve("platform.yaml"), String.join("\n",
        "pipelines:",
        "  main:",
        "    storage:",
        "      provider: memory",
        "aggregations:",
        "  - name: requests_per_minute",
        "    type: count",
        "    metric: it_request",
        "    window: {type: tumbling, duration: 1 minute}",
        "    group_by: [host]",
        "    watermark: 5 minutes", // the items may reach the job in any order: none is late
        "streaming:",
        "  sink:",
        "    provider: clickhouse",
        "    options: {url: \"" + url + "\"}",
        "    table: " + table,
        "    columns:",
        "      - {name: window_start, type: timestamp, nullable: false}",
        "      - {name: window_end, type: timestamp}",
        "      - {name: host, type: string, nullable: false}",
        "      - {name: count, type: long}",
        "      - {name: value, type: double}",
        "      - {name: batch_id, type: long}",
        "    primary_key: [window_start, host]",
        "http:",
        "  enabled: false",
        ""));
    RuntimeConfig config = ConfigLoader.builder().configDir(dir).environmentVariables(Map.of()).build().load();
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(10, ChronoUnit.MINUTES);
    List<MetricsData> items = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      items.add(request(minute.plusSeconds(10 + i), "a"));
    }
    for (int i = 0; i < 2; i++) {
      items.add(request(minute.plusSeconds(20 + i), "b"));
    }
    items.add(request(minute.plusSeconds(70), "a"));
    try (PipelineRuntime runtime = PipelineRuntime.builder(config).build().start()) {
      assertThat(runtime.startOrder()).endsWith("streaming");
      assertThat(runtime.pipeline("main").orElseThrow().processBatch(items).get(30, TimeUnit.SECONDS).allSucceeded())
          .isTrue();
    } // stopping flushes the open windows into the table
    try (TableSink sink = AdapterRegistry.tableSink("clickhouse", AdapterConfig.of(Map.of("url", url)))) {
      List<Map<String, Object>> rows = sink.query("SELECT window_start, host, `count`, value FROM " + table
          + " ORDER BY window_start, host", List.of()).get(30, TimeUnit.SECONDS);
      assertThat(rows).extracting(r -> r.get("host") + "=" + r.get("count")).containsExactly("a=3", "b=2", "a=1");
      assertThat(rows).extracting(r -> r.get("value")).allMatch(v -> v instanceof Number);
    }
  }

  private static MetricsData request(Instant at, String host) {
    return MetricsData.of(at, "it", List.of(Metric.of("it_request", 1, Map.of("host", host))));
  }
}
