package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.metricspipeline.adapters.memory.Items.at;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;

class InMemoryStorageAdapterConcurrencyTest {

  private static final int WRITERS = 4;
  private static final int BATCHES = 60;
  private static final int ITEMS_PER_BATCH = 20;
  private static final int HOSTS = 25;

  @Test
  void keepsEveryPointOfConcurrentWritersWhileReadersRead() throws Exception {
    InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().pointsPerChunk(32).build();
    List<Map<String, String>> tags = new ArrayList<>();
    for (int h = 0; h < HOSTS; h++) {
      tags.add(Items.tags("host", "h" + h));
    }
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> readerProblems = new ConcurrentLinkedQueue<>();
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          start.await();
          Random r = new Random(writer);
          for (int b = 0; b < BATCHES; b++) {
            List<MetricsData> batch = new ArrayList<>();
            for (int i = 0; i < ITEMS_PER_BATCH; i++) {
              List<Metric> metrics = new ArrayList<>();
              for (int h = 0; h < HOSTS; h++) {
                // Shared series across writers, timestamps jittered so some points arrive late.
                metrics.add(Metric.of("load", 1, r.nextBoolean() ? tags.get(h) : Items.tags("host", "h" + h)));
              }
              long t = (b * ITEMS_PER_BATCH + i) * 10L + r.nextInt(50);
              batch.add(MetricsData.of(at(t), "system", metrics));
            }
            assertThat(storage.batchStore(batch).join().allSucceeded()).isTrue();
          }
          return null;
        }));
      }
      List<Future<?>> readers = new ArrayList<>();
      for (int rd = 0; rd < 2; rd++) {
        readers.add(pool.submit(() -> {
          start.await();
          long lastCount = 0;
          while (writing.get()) {
            List<GroupResult> groups = storage.aggregate(
                AggregationQuery.builder("load", Aggregation.COUNT).build()).join().groups();
            long count = groups.isEmpty() ? 0 : (long) groups.get(0).value();
            if (count < lastCount) {
              readerProblems.add("count went down from " + lastCount + " to " + count);
            }
            lastCount = count;
            List<MetricsData> page = storage.query(MetricsQuery.builder().tag("host", "h3").limit(500).build()).join();
            for (int i = 1; i < page.size(); i++) {
              if (page.get(i).timestamp().isBefore(page.get(i - 1).timestamp())) {
                readerProblems.add("query out of order at " + i);
              }
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      for (Future<?> f : readers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    long expectedPerHost = (long) WRITERS * BATCHES * ITEMS_PER_BATCH;
    List<GroupResult> perHost = storage.aggregate(
        AggregationQuery.builder("load", Aggregation.COUNT).groupBy("host").build()).join().groups();
    assertThat(readerProblems).isEmpty();
    assertThat(perHost).hasSize(HOSTS).allSatisfy(g -> assertThat(g.value()).isEqualTo(expectedPerHost));
    assertThat(storage.memoryStats().points()).isEqualTo(expectedPerHost * HOSTS);
    assertThat(storage.memoryStats().series()).isEqualTo(HOSTS);
    storage.close();
  }
}
