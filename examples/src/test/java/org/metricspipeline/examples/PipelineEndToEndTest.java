package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.OverflowPolicy;
import org.metricspipeline.core.PipelineStats;

/**
 * Several producer threads feed one pipeline at once, half of their items through a small
 * in-memory channel and half through {@code processBatch}, into the in-memory store; after a
 * graceful stop every item is stored exactly once.
 *
 * <p>The channel and the pipeline queue are kept small so that producers meet backpressure: refused
 * channel items are offered again, as a real producer would, and direct batches wait for room.
 */
class PipelineEndToEndTest {

  private static final int PRODUCERS = 4;
  private static final int ITEMS_PER_PRODUCER = 2_000;
  private static final int ITEMS_PER_CALL = 50;
  private static final int METRICS_PER_ITEM = 3;
  private static final int TOTAL_ITEMS = PRODUCERS * ITEMS_PER_PRODUCER;
  private static final long BASE = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static InMemoryStorageAdapter storage;
  private static InMemoryIngestionAdapter channel;
  private static MetricsPipeline pipeline;
  private static List<CompletableFuture<MetricsBatchResult>> directBatches;

  @BeforeAll
  static void produceConcurrentlyThenStop() throws Exception {
    storage = InMemoryStorageAdapter.create();
    channel = InMemoryIngestionAdapter.builder().capacity(300).build();
    pipeline = MetricsPipeline.builder()
        .storage(storage)
        .ingestion(channel)
        .batchSize(100)
        .queueCapacity(500)
        .processingInterval(Duration.ofMillis(5))
        .overflowPolicy(OverflowPolicy.block(TIMEOUT))
        .build();
    pipeline.startProcessing();

    ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
    try {
      List<Future<Producer>> running = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
        Producer producer = new Producer(p);
        running.add(producers.submit(() -> {
          producer.run();
          return producer;
        }));
      }
      directBatches = new ArrayList<>();
      for (Future<Producer> f : running) {
        Producer producer = f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        directBatches.addAll(producer.batches);
      }
    } finally {
      producers.shutdownNow();
    }
    // What is still in the channel has not reached the pipeline yet; a stop leaves it there.
    EmbeddedStack.awaitTrue(() -> channel.depth() == 0 && channel.inFlight() == 0, TIMEOUT,
        () -> "channel not drained");
    // The direct batches are deliberately not awaited: the graceful stop must flush them.
    pipeline.stopProcessing().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() {
    pipeline.close();
  }

  /** The item producer {@code p} sends as its {@code i}-th: its {@code requests} value is unique. */
  static MetricsData item(int p, int i) {
    Map<String, String> tags = Map.of("producer", "p" + p, "path", path(i));
    return new MetricsData(Instant.ofEpochMilli(BASE + i * 1000L), "e2e",
        List.of(new Metric("requests", id(p, i), "", tags),
            new Metric("latency_ms", i % 50, "ms", tags),
            new Metric("bytes", 1000 + p, "bytes", tags)),
        "producer-" + p, Map.of());
  }

  static double id(int p, int i) {
    return p * 1_000_000.0 + i;
  }

  static String path(int i) {
    return i % 2 == 0 ? "channel" : "batch";
  }

  /** Sends even items through the channel (offering refused ones again) and odd ones via processBatch. */
  private static final class Producer implements Runnable {
    private final int p;
    final List<CompletableFuture<MetricsBatchResult>> batches = new ArrayList<>();

    Producer(int p) {
      this.p = p;
    }

    @Override
    public void run() {
      List<MetricsData> toChannel = new ArrayList<>();
      List<MetricsData> direct = new ArrayList<>();
      for (int i = 0; i < ITEMS_PER_PRODUCER; i++) {
        (i % 2 == 0 ? toChannel : direct).add(item(p, i));
        if (toChannel.size() == ITEMS_PER_CALL) {
          ingestAll(toChannel);
          toChannel = new ArrayList<>();
        }
        if (direct.size() == ITEMS_PER_CALL) {
          batches.add(pipeline.processBatch(direct));
          direct = new ArrayList<>();
        }
      }
      ingestAll(toChannel);
      if (!direct.isEmpty()) {
        batches.add(pipeline.processBatch(direct));
      }
    }

    private void ingestAll(List<MetricsData> items) {
      List<MetricsData> pending = items;
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!pending.isEmpty()) {
        MetricsBatchResult result = channel.batchIngest(pending).join();
        List<MetricsData> refused = new ArrayList<>();
        for (MetricsBatchResult.Failure failure : result.failures()) {
          if (!failure.reason().contains("channel full")) {
            throw new AssertionError("unexpected refusal: " + failure);
          }
          refused.add(pending.get(failure.index()));
        }
        pending = refused;
        if (!pending.isEmpty()) {
          if (System.nanoTime() - deadline > 0) {
            throw new AssertionError("the channel stayed full for " + TIMEOUT);
          }
          LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // the channel asks to retry later
        }
      }
    }
  }

  @Test
  void completesEveryDirectBatchSuccessfullyBeforeTheStopReturns() {
    assertThat(directBatches).hasSize(PRODUCERS * ITEMS_PER_PRODUCER / 2 / ITEMS_PER_CALL);
    for (CompletableFuture<MetricsBatchResult> batch : directBatches) {
      assertThat(batch).isCompleted();
      assertThat(batch.join().successCount()).isEqualTo(ITEMS_PER_CALL);
      assertThat(batch.join().failures()).isEmpty();
    }
  }

  @Test
  void countsEveryItemOnceInThePipelineCounters() {
    PipelineStats stats = pipeline.stats();
    assertThat(stats.received()).isEqualTo(TOTAL_ITEMS);
    assertThat(stats.accepted()).isEqualTo(TOTAL_ITEMS);
    assertThat(stats.stored()).isEqualTo(TOTAL_ITEMS);
    assertThat(stats.pointsStored()).isEqualTo((long) TOTAL_ITEMS * METRICS_PER_ITEM);
    assertThat(stats.rejected()).isZero();
    assertThat(stats.overflowed()).isZero();
    assertThat(stats.deadLettered()).isZero();
    assertThat(stats.nacked()).isZero();
    assertThat(stats.queueDepth()).isZero();
    assertThat(stats.inFlight()).isZero();
  }

  @Test
  void leavesNothingInTheChannel() {
    assertThat(channel.depth()).isZero();
    assertThat(channel.inFlight()).isZero();
    assertThat(channel.rejectedCount()).isZero();
    assertThat(channel.undelivered()).isEmpty();
  }

  @Test
  void storesEveryPointExactlyOnce() {
    assertThat(storage.memoryStats().points()).isEqualTo((long) TOTAL_ITEMS * METRICS_PER_ITEM);
    // 3 metrics x 2 paths per producer
    assertThat(storage.memoryStats().series()).isEqualTo(PRODUCERS * METRICS_PER_ITEM * 2L);
  }

  @Test
  void readsBackEveryProducersItemsInTimeOrderWithoutGapsOrDuplicates() {
    for (int p = 0; p < PRODUCERS; p++) {
      List<MetricsData> page = storage.query(MetricsQuery.builder()
          .metricType("e2e").metricNames("requests").tag("producer", "p" + p)
          .limit(MetricsQuery.MAX_LIMIT).build()).join();
      List<Double> ids = page.stream().flatMap(item -> item.metrics().stream()).map(Metric::value).toList();
      List<Double> expected = new ArrayList<>();
      for (int i = 0; i < ITEMS_PER_PRODUCER; i++) {
        expected.add(id(p, i));
      }
      assertThat(ids).as("producer %d", p).containsExactlyElementsOf(expected);
      assertThat(page.get(0).source()).isEqualTo("producer-" + p);
    }
  }

  @Test
  void readsBackWholeItemsWithAllTheirMetrics() {
    MetricsData expected = item(2, 1234);
    List<MetricsData> page = storage.query(MetricsQuery.builder()
        .metricType("e2e").tag("producer", "p2").between(expected.timestamp(), expected.timestamp().plusMillis(1))
        .build()).join();
    assertThat(page).hasSize(1);
    assertThat(page.get(0).timestamp()).isEqualTo(expected.timestamp());
    assertThat(page.get(0).source()).isEqualTo(expected.source());
    assertThat(page.get(0).metrics()).containsExactlyInAnyOrderElementsOf(expected.metrics());
  }

  @Test
  void countsAndSumsPerProducerAndPathAsABruteForceOverWhatWasSent() {
    AggregationResult counts = storage.aggregate(AggregationQuery.builder("requests", Aggregation.COUNT)
        .groupBy("producer", "path").build()).join();
    AggregationResult sums = storage.aggregate(AggregationQuery.builder("requests", Aggregation.SUM)
        .groupBy("producer", "path").build()).join();
    assertThat(counts.groups()).hasSize(PRODUCERS * 2);
    for (int g = 0; g < counts.groups().size(); g++) {
      GroupResult count = counts.groups().get(g);
      GroupResult sum = sums.groups().get(g);
      int p = Integer.parseInt(count.key().get("producer").substring(1));
      String path = count.key().get("path");
      double expectedSum = 0;
      for (int i = 0; i < ITEMS_PER_PRODUCER; i++) {
        if (path(i).equals(path)) {
          expectedSum += id(p, i);
        }
      }
      assertThat(count.value()).as("count %s", count.key()).isEqualTo(ITEMS_PER_PRODUCER / 2.0);
      assertThat(sum.key()).isEqualTo(count.key());
      assertThat(sum.value()).as("sum %s", sum.key()).isEqualTo(expectedSum);
    }
  }
}
