package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;
import org.metricspipeline.core.StopResult;

/**
 * A graceful stop while ClickHouse is unreachable, with items a channel acknowledged as accepted
 * (as HTTP {@code ack=accepted} does) and cannot keep: the stop waits its drain timeout, then
 * reports every unstored item as lost, in its result and its counter, never silently.
 */
class StopDuringOutageIT {

  @Test
  void aStopDuringAStorageOutageReportsEveryAcceptedItemItCouldNotStore() throws Exception {
    ClickHouseTestServer.url(); // same fail (CI) / skip policy as the other ITs
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there, as a ClickHouse that is down
    }
    int total = 2_000;
    InMemoryIngestionAdapter channel = InMemoryIngestionAdapter.builder().build();
    ClickHouseStorageAdapter storage = ClickHouseStorageAdapter.builder("http://127.0.0.1:" + port)
        .connectTimeout(Duration.ofMillis(200)).build();
    MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(channel)
        .drainTimeout(Duration.ofSeconds(2))
        .retryPolicy(RetryPolicy.builder().maxAttempts(1000).initialBackoff(Duration.ofMillis(50))
            .maxBackoff(Duration.ofMillis(200)).build())
        .build();
    pipeline.startProcessing();
    Instant base = Instant.now().minusSeconds(60);
    for (int i = 0; i < total; i++) {
      assertThat(channel.ingest(MetricsData.builder().timestamp(base.plusMillis(i)).metricType("outage")
          .source("drill").metric(Metric.of("events", i, Map.of("id", Integer.toString(i)))).build()))
          .succeedsWithin(Duration.ofSeconds(5)); // accepted: a 202 under ack=accepted
    }

    StopResult result = pipeline.stop().get(60, java.util.concurrent.TimeUnit.SECONDS);
    pipeline.close();

    System.out.printf("stop-during-outage drill: accepted=%d stored=%d returned=%d failed=%d "
        + "reported lost=%d counter=%d silently lost=%d%n", total, result.stored(), result.returned(),
        result.failed(), result.lost(), pipeline.stats().lost(),
        total - result.stored() - result.returned() - result.failed() - result.lost());
    assertThat(result.lost()).isEqualTo(total);
    assertThat(pipeline.stats().lost()).isEqualTo(total);
    assertThat(pipeline.measurements()).filteredOn(m -> m.name().equals("metrics_pipeline_items_lost_total"))
        .singleElement().satisfies(m -> assertThat(m.value()).isEqualTo((double) total));
  }
}
