package org.metricspipeline.adapters.clickhouse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;

/**
 * The process {@link CrashDrillIT} kills: a pipeline storing into ClickHouse, fed like HTTP requests
 * with {@code ack=stored} (several requests of {@code batch} items outstanding at once), printing
 * {@code ACK <first> <count>} once a request is acknowledged (stored). Arguments: url, database,
 * total items, items per request.
 */
public final class StoringChild {

  private StoringChild() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String database = args[1];
    int total = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    Instant base = Instant.now().minusSeconds(3600);
    Semaphore outstanding = new Semaphore(8); // eight clients, one request each at a time
    ClickHouseStorageAdapter storage = ClickHouseStorageAdapter.builder(url).database(database).build();
    storage.createSchema().join();
    MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).batchSize(500)
        .processingInterval(Duration.ofMillis(20)).build();
    pipeline.startProcessing();
    System.out.println("READY");
    for (int first = 0; first < total; first += batch) {
      List<MetricsData> items = new ArrayList<>(batch);
      for (int id = first; id < Math.min(total, first + batch); id++) {
        items.add(MetricsData.builder().timestamp(base.plusMillis(id)).metricType("crash").source("drill")
            .metric(Metric.of("events", id, Map.of("id", Integer.toString(id)))).build());
      }
      outstanding.acquire();
      int from = first;
      int count = items.size();
      pipeline.processBatch(items).whenComplete((result, failure) -> {
        outstanding.release();
        if (failure == null && result.allSucceeded()) {
          synchronized (System.out) {
            System.out.println("ACK " + from + " " + count);
            System.out.flush();
          }
        }
      });
    }
    pipeline.close();
    System.out.println("DONE");
  }
}
