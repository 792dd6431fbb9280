package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.metricspipeline.core.TestData.await;
import static org.metricspipeline.core.TestData.invalidItem;
import static org.metricspipeline.core.TestData.item;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.StorageUnavailableException;

class MetricsPipelineTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RetryPolicy FAST_RETRIES = RetryPolicy.builder().maxAttempts(3)
      .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build();

  private final FakeStorage storage = new FakeStorage();
  private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
  private MetricsPipeline pipeline;

  private record DeadLetter(MetricsData item, String reason, boolean hasCause) {}

  private MetricsPipeline.Builder builder() {
    return MetricsPipeline.builder()
        .storage(storage)
        .processingInterval(Duration.ofMillis(5))
        .retryPolicy(FAST_RETRIES)
        .deadLetterHandler((item, reason, cause) ->
            deadLetters.add(new DeadLetter(item, reason, cause.isPresent())));
  }

  private MetricsPipeline start(MetricsPipeline.Builder b) {
    pipeline = b.build();
    pipeline.startProcessing();
    return pipeline;
  }

  /** Real time passes (well over the backoff tick) and the clock does not: no further attempt. */
  private void assertNoCallBeyond(int calls) throws InterruptedException {
    Thread.sleep(MetricsPipeline.BACKOFF_TICK.toMillis() * 20);
    assertThat(storage.calls.get()).as("store calls while the clock stands still").isEqualTo(calls);
  }

  @AfterEach
  void stop() {
    storage.release();
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void storesEveryItemFromConcurrentProducersWithExactCounters() throws Exception {
    start(builder().batchSize(50).queueCapacity(100).overflowPolicy(OverflowPolicy.block(WAIT)));
    int producers = 4;
    int perProducer = 2_000;
    List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int id = p;
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perProducer; i++) {
          futures.add(pipeline.processMetrics(item("p" + id + "-" + i, 1 + i % 3)));
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    int total = producers * perProducer;
    long expectedPoints = 0;
    for (int i = 0; i < perProducer; i++) {
      expectedPoints += producers * (1 + i % 3);
    }
    Set<String> sources = new HashSet<>();
    storage.stored.forEach(d -> sources.add(d.source()));
    assertThat(storage.stored).hasSize(total);
    assertThat(sources).hasSize(total);
    PipelineStats stats = pipeline.stats();
    assertThat(stats.received()).isEqualTo(total);
    assertThat(stats.accepted()).isEqualTo(total);
    assertThat(stats.stored()).isEqualTo(total);
    assertThat(stats.pointsStored()).isEqualTo(expectedPoints);
    assertThat(stats.rejected()).isZero();
    assertThat(stats.overflowed()).isZero();
    assertThat(stats.queueDepth()).isZero();
    assertThat(stats.inFlight()).isZero();
  }

  @Test
  void completesProcessMetricsOnceTheItemIsStored() {
    start(builder());
    MetricsData data = item("a", 3);

    assertThat(pipeline.processMetrics(data)).succeedsWithin(WAIT);
    assertThat(storage.stored).containsExactly(data);
  }

  @Test
  void storesInBatchesOfAtMostBatchSize() {
    storage.hold();
    start(builder().batchSize(10).maxConcurrentStores(1));
    CompletableFuture<Void> first = pipeline.processMetrics(item("first", 1));
    List<CompletableFuture<Void>> rest = new ArrayList<>();
    await("writer holds the first batch", () -> storage.calls.get() == 1);
    for (int i = 0; i < 25; i++) {
      rest.add(pipeline.processMetrics(item("i" + i, 1)));
    }
    storage.release();

    assertThat(first).succeedsWithin(WAIT);
    assertThat(CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
    assertThat(storage.batchSizes).allSatisfy(n -> assertThat(n).isBetween(1, 10));
    assertThat(storage.batchSizes.get(1)).isEqualTo(10); // 25 were waiting when the writer came back
    assertThat(storage.stored).hasSize(26);
  }

  @Test
  void failsProcessMetricsWithTheValidationErrorsOfAnInvalidItem() {
    start(builder());

    assertThat(pipeline.processMetrics(invalidItem("bad"))).failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(MetricsValidationException.class)
        .withMessageContaining("metrics[0].value");
    assertThat(pipeline.stats().rejected()).isEqualTo(1);
    assertThat(storage.calls.get()).isZero();
  }

  @Test
  void reportsInvalidItemsOfABatchByIndexAndStoresTheRest() {
    start(builder());
    List<MetricsData> batch = List.of(item("a", 1), invalidItem("b"), item("c", 2), invalidItem("d"));

    MetricsBatchResult result = pipeline.processBatch(batch).join();

    assertThat(result.successCount()).isEqualTo(2);
    assertThat(result.failures()).extracting(MetricsBatchResult.Failure::index).containsExactly(1, 3);
    assertThat(result.failures().get(0).errors())
        .anySatisfy(e -> assertThat(e.field()).isEqualTo("metrics[0].value"));
    assertThat(storage.stored).extracting(MetricsData::source).containsExactlyInAnyOrder("a", "c");
    assertThat(pipeline.stats().received()).isEqualTo(4);
    assertThat(pipeline.stats().rejected()).isEqualTo(2);
  }

  @Test
  void completesAnAllInvalidBatchWithoutStoring() {
    start(builder());

    MetricsBatchResult result = pipeline.processBatch(List.of(invalidItem("x"))).join();

    assertThat(result.successCount()).isZero();
    assertThat(result.failureCount()).isEqualTo(1);
    assertThat(storage.calls.get()).isZero();
  }

  @Test
  void retriesAFailedStoreAfterBackoffsMeasuredOnThePipelineClock() throws Exception {
    storage.failNext(2);
    StreamingJobTest.MovingClock clock = new StreamingJobTest.MovingClock();
    start(builder().clock(clock).retryPolicy(RetryPolicy.builder().maxAttempts(3)
        .initialBackoff(Duration.ofSeconds(1)).multiplier(2).maxBackoff(Duration.ofSeconds(2)).jitter(0).build()));

    CompletableFuture<Void> stored = pipeline.processMetrics(item("a", 1));
    await("the first attempt", () -> storage.calls.get() == 1);
    assertNoCallBeyond(1);
    clock.advance(Duration.ofMillis(999));
    assertNoCallBeyond(1);
    clock.advance(Duration.ofMillis(1));
    await("the retry after 1 s on the clock", () -> storage.calls.get() == 2);
    await("the second backoff", () -> pipeline.stats().retries() == 2);
    assertNoCallBeyond(2); // the writer now waits for its 2 s backoff, due on the clock
    clock.advance(Duration.ofMillis(1_999));
    assertNoCallBeyond(2);
    assertThat(stored).isNotDone();
    clock.advance(Duration.ofMillis(1));

    assertThat(stored).succeedsWithin(WAIT);
    assertThat(storage.calls.get()).isEqualTo(3);
    assertThat(pipeline.stats().retries()).isEqualTo(2);
    assertThat(pipeline.stats().stored()).isEqualTo(1);
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void deadLettersADirectItemWhenRetriesRunOut() {
    storage.failAlways();
    start(builder());
    MetricsData data = item("a", 1);

    assertThat(pipeline.processMetrics(data)).failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(StorageUnavailableException.class)
        .withMessageContaining("3 attempt(s)");
    assertThat(storage.calls.get()).isEqualTo(3);
    assertThat(deadLetters).singleElement().satisfies(d -> {
      assertThat(d.item()).isEqualTo(data);
      assertThat(d.hasCause()).isTrue();
    });
    PipelineStats stats = pipeline.stats();
    assertThat(stats.retries()).isEqualTo(2);
    assertThat(stats.deadLettered()).isEqualTo(1);
    assertThat(stats.stored()).isZero();
  }

  @Test
  void reportsDeadLetteredBatchItemsAsFailures() {
    storage.failAlways();
    start(builder());

    MetricsBatchResult result = pipeline.processBatch(List.of(item("a", 1), item("b", 1))).join();

    assertThat(result.failures()).extracting(MetricsBatchResult.Failure::index).containsExactly(0, 1);
    assertThat(result.failures()).allSatisfy(f -> assertThat(f.reason()).startsWith("dead-lettered"));
    assertThat(deadLetters).hasSize(2);
  }

  @Test
  void deadLettersItemsTheStorageRejectsWithoutRetrying() {
    storage.rejectItemsWhere(d -> d.source().equals("poison"));
    start(builder().batchSize(10));

    MetricsBatchResult result =
        pipeline.processBatch(List.of(item("ok", 1), item("poison", 1), item("ok2", 1))).join();

    assertThat(result.successCount()).isEqualTo(2);
    assertThat(result.failures()).singleElement().satisfies(f -> {
      assertThat(f.index()).isEqualTo(1);
      assertThat(f.reason()).contains("rejected by the fake");
    });
    assertThat(deadLetters).extracting(d -> d.item().source()).containsExactly("poison");
    assertThat(pipeline.stats().retries()).isZero();
    assertThat(pipeline.stats().deadLettered()).isEqualTo(1);
  }

  @Test
  void failsTheFutureOfADirectItemTheStorageRejects() {
    storage.rejectItemsWhere(d -> true);
    start(builder());

    assertThat(pipeline.processMetrics(item("a", 1))).failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(MetricsPipelineException.class)
        .withMessageContaining("storage rejected the item");
  }

  @Test
  void retriesAStoreThatDoesNotAnswerWithinTheStoreTimeout() {
    storage.neverAnswer();
    start(builder().storeTimeout(Duration.ofMillis(20)));

    assertThat(pipeline.processMetrics(item("a", 1))).failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(StorageUnavailableException.class)
        .withMessageContaining("did not answer within");
    assertThat(storage.calls.get()).isEqualTo(3);
    assertThat(pipeline.measurements()).filteredOn(m -> m.name().equals("metrics_pipeline_store_timeouts_total"))
        .singleElement().satisfies(m -> assertThat(m.value()).isEqualTo(3.0));
  }

  @Test
  void rejectsItemsWhenTheQueueIsFullUnderTheRejectPolicy() throws Exception {
    storage.hold();
    start(builder().batchSize(1).queueCapacity(2).maxConcurrentStores(1));
    CompletableFuture<Void> inFlight = pipeline.processMetrics(item("in-flight", 1));
    storage.awaitFirstCall();
    CompletableFuture<Void> queued1 = pipeline.processMetrics(item("q1", 1));
    CompletableFuture<Void> queued2 = pipeline.processMetrics(item("q2", 1));

    CompletableFuture<Void> overflow = pipeline.processMetrics(item("overflow", 1));

    assertThat(overflow).isCompletedExceptionally();
    assertThatThrownBy(overflow::join).hasCauseInstanceOf(OverloadedException.class)
        .hasMessageContaining("queue is full (capacity 2)");
    storage.release();
    assertThat(CompletableFuture.allOf(inFlight, queued1, queued2)).succeedsWithin(WAIT);
    PipelineStats stats = pipeline.stats();
    assertThat(stats.overflowed()).isEqualTo(1);
    assertThat(stats.received()).isEqualTo(4);
    assertThat(stats.accepted()).isEqualTo(3);
    assertThat(storage.stored).extracting(MetricsData::source).doesNotContain("overflow");
  }

  @Test
  void reportsOverflowedBatchItemsByIndex() throws Exception {
    storage.hold();
    start(builder().batchSize(1).queueCapacity(1).maxConcurrentStores(1));
    CompletableFuture<Void> inFlight = pipeline.processMetrics(item("in-flight", 1));
    storage.awaitFirstCall();

    CompletableFuture<MetricsBatchResult> result =
        pipeline.processBatch(List.of(item("fits", 1), item("overflows", 1)));
    storage.release();

    assertThat(result).succeedsWithin(WAIT).satisfies(r -> {
      assertThat(r.successCount()).isEqualTo(1);
      assertThat(r.failures()).singleElement().satisfies(f -> {
        assertThat(f.index()).isEqualTo(1);
        assertThat(f.reason()).startsWith("overloaded");
      });
    });
    assertThat(inFlight).succeedsWithin(WAIT);
  }

  @Test
  void failsWithOverloadedWhenTheBlockPolicyTimesOut() throws Exception {
    storage.hold();
    start(builder().batchSize(1).queueCapacity(1).maxConcurrentStores(1)
        .overflowPolicy(OverflowPolicy.block(Duration.ofMillis(20))));
    CompletableFuture<Void> inFlight = pipeline.processMetrics(item("in-flight", 1));
    storage.awaitFirstCall();
    CompletableFuture<Void> queued = pipeline.processMetrics(item("queued", 1));

    CompletableFuture<Void> overflow = pipeline.processMetrics(item("overflow", 1));

    assertThatThrownBy(overflow::join).hasCauseInstanceOf(OverloadedException.class)
        .hasMessageContaining("after waiting up to PT0.02S");
    storage.release();
    assertThat(CompletableFuture.allOf(inFlight, queued)).succeedsWithin(WAIT);
    assertThat(pipeline.stats().overflowed()).isEqualTo(1);
  }

  @Test
  void blockPolicyWaitsForRoomInsteadOfRefusing() throws Exception {
    storage.hold();
    start(builder().batchSize(1).queueCapacity(1).maxConcurrentStores(1)
        .overflowPolicy(OverflowPolicy.block(WAIT)));
    pipeline.processMetrics(item("in-flight", 1));
    storage.awaitFirstCall();
    pipeline.processMetrics(item("queued", 1));
    CompletableFuture<CompletableFuture<Void>> blocked =
        CompletableFuture.supplyAsync(() -> pipeline.processMetrics(item("waits", 1)));
    await("the producer is blocked", () -> !blocked.isDone() && pipeline.stats().received() == 3);

    storage.release();

    assertThat(blocked).succeedsWithin(WAIT);
    assertThat(blocked.join()).succeedsWithin(WAIT);
    assertThat(pipeline.stats().overflowed()).isZero();
  }

  @Test
  void gracefulStopStoresEverythingAccepted() {
    start(builder().batchSize(1_000).processingInterval(Duration.ofHours(1)));
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      futures.add(pipeline.processMetrics(item("i" + i, 2)));
    }

    assertThat(pipeline.stopProcessing()).succeedsWithin(WAIT);

    assertThat(storage.stored).hasSize(50);
    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
    assertThat(pipeline.stats().pointsStored()).isEqualTo(100);
  }

  @Test
  void gracefulStopStoresItemsQueuedBehindABusyWriter() throws Exception {
    storage.hold();
    start(builder().batchSize(5).maxConcurrentStores(1));
    pipeline.processMetrics(item("first", 1));
    storage.awaitFirstCall();
    List<CompletableFuture<Void>> queued = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      queued.add(pipeline.processMetrics(item("q" + i, 1)));
    }

    CompletableFuture<Void> stopped = pipeline.stopProcessing();
    assertThat(stopped).isNotDone();
    storage.release();

    assertThat(stopped).succeedsWithin(WAIT);
    assertThat(storage.stored).hasSize(21);
    assertThat(queued).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
  }

  @Test
  void stopKeepsRetryingPerPolicyThenDeadLettersWhileStorageIsDown() {
    storage.failAlways();
    start(builder().batchSize(1_000).processingInterval(Duration.ofHours(1)));
    CompletableFuture<Void> f = pipeline.processMetrics(item("a", 1));

    assertThat(pipeline.stopProcessing()).succeedsWithin(WAIT);

    assertThat(f).isCompletedExceptionally();
    assertThat(storage.calls.get()).isEqualTo(3);
    assertThat(deadLetters).hasSize(1);
  }

  @Test
  void refusesNewItemsOnceStopped() {
    start(builder());
    pipeline.stopProcessing().join();

    assertThatThrownBy(() -> pipeline.processMetrics(item("late", 1)).join())
        .hasCauseInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("pipeline is stopped");
    assertThatThrownBy(() -> pipeline.processBatch(List.of(item("late", 1))).join())
        .hasMessageContaining("pipeline is stopped");
    assertThat(pipeline.stats().received()).isZero();
  }

  @Test
  void refusesItemsBeforeStart() {
    pipeline = builder().build();

    assertThatThrownBy(() -> pipeline.processMetrics(item("early", 1)).join())
        .hasMessageContaining("not started");
  }

  @Test
  void doesNotRestartOnceStopped() {
    start(builder());
    pipeline.stopProcessing().join();

    assertThatThrownBy(pipeline::startProcessing).isInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("does not restart");
  }

  @Test
  void startProcessingIsIdempotent() {
    start(builder().maxConcurrentStores(1));
    pipeline.startProcessing();

    assertThat(pipeline.processMetrics(item("a", 1))).succeedsWithin(WAIT);
    assertThat(storage.threadNames).containsOnly("metrics-pipeline-writer-1");
  }

  @Test
  void namesWriterThreadsAfterThePipeline() {
    start(builder());

    assertThat(pipeline.processMetrics(item("a", 1))).succeedsWithin(WAIT);
    assertThat(storage.threadNames).allSatisfy(n -> assertThat(n).matches("metrics-pipeline-writer-\\d+"));
  }

  @Test
  void closeStopsAndClosesBothAdapters() {
    FakeChannel channel = new FakeChannel(false);
    start(builder().ingestion(channel));

    pipeline.close();

    assertThat(storage.closed).isTrue();
    assertThat(channel.closed).isTrue();
    assertThat(pipeline.healthCheck().join().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void reportsHealthyWhileRunningWithCounters() {
    start(builder());
    pipeline.processMetrics(item("a", 4)).join();

    HealthCheckResult health = pipeline.healthCheck().join();

    assertThat(health.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(health.details()).containsEntry("state", "running")
        .containsEntry("stored", 1L).containsEntry("points_stored", 4L)
        .containsEntry("queue_capacity", MetricsPipeline.DEFAULT_QUEUE_CAPACITY)
        .containsKey("storage");
  }

  @Test
  void reportsTheWorstOfItselfAndItsAdapters() {
    storage.health(HealthCheckResult.unhealthy("disk full"));
    start(builder());

    HealthCheckResult health = pipeline.healthCheck().join();

    assertThat(health.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(health.details().get("storage")).isEqualTo(Map.of("name", "fake",
        "status", "unhealthy", "details", Map.of("reason", "disk full")));
  }

  @Test
  void reportsDegradedBeforeStart() {
    pipeline = builder().build();

    assertThat(pipeline.healthCheck().join().status()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void requiresAStorageAdapter() {
    assertThatThrownBy(() -> MetricsPipeline.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("storage is required");
  }

  @Test
  void namesTheOptionAndRangeOfABadBuilderValue() {
    MetricsPipeline.Builder b = MetricsPipeline.builder();

    assertThatThrownBy(() -> b.batchSize(0))
        .hasMessage("batchSize must be between 1 and 100000, got 0");
    assertThatThrownBy(() -> b.queueCapacity(0)).hasMessageContaining("queueCapacity must be between 1");
    assertThatThrownBy(() -> b.maxConcurrentStores(65))
        .hasMessageContaining("maxConcurrentStores must be between 1 and 64");
    assertThatThrownBy(() -> b.processingInterval(Duration.ZERO))
        .hasMessageContaining("processingInterval must be between 1ms and 1h");
    assertThatThrownBy(() -> b.storeTimeout(Duration.ofHours(2)))
        .hasMessageContaining("storeTimeout must be between 1ms and 1h");
  }

  @Test
  void keepsGoingWhenTheDeadLetterHandlerThrows() {
    storage.rejectItemsWhere(d -> d.source().equals("poison"));
    start(builder().deadLetterHandler((item, reason, cause) -> {
      throw new IllegalStateException("handler bug");
    }));

    assertThat(pipeline.processMetrics(item("poison", 1))).failsWithin(WAIT);
    assertThat(pipeline.processMetrics(item("fine", 1))).succeedsWithin(WAIT);
  }

  @Test
  void refusesToCloseOnItsOwnThread() throws Exception {
    storage.hold();
    start(builder());
    CompletableFuture<Void> stored = pipeline.processMetrics(item("a", 1));
    storage.awaitFirstCall();
    // Attached while the store is held, so the callback runs on the writer that completes it.
    CompletableFuture<Void> closedInCallback = stored.thenRun(() -> pipeline.close());

    storage.release();

    assertThat(closedInCallback).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(IllegalStateException.class)
        .withMessageContaining("call stopProcessing() instead");
    assertThat(storage.closed).isFalse();
  }

  @Test
  void aWriterThreadEndedByAnErrorMakesThePipelineUnhealthyNamingIt() throws Exception {
    storage.rejectItemsWhere(d -> {
      throw new OutOfMemoryError("test: heap full while storing");
    });
    start(builder().maxConcurrentStores(2));
    assertThat(pipeline.healthCheck().get().status()).isEqualTo(HealthStatus.HEALTHY);
    pipeline.processMetrics(item("web-1", 1));
    long deadline = System.nanoTime() + WAIT.toNanos();
    HealthCheckResult health = pipeline.healthCheck().get();
    while (health.status() != HealthStatus.UNHEALTHY && System.nanoTime() < deadline) {
      Thread.sleep(10);
      health = pipeline.healthCheck().get();
    }
    assertThat(health.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(health.details().get("reason").toString()).contains("writer thread ended")
        .contains("OutOfMemoryError").contains("heap full while storing");
  }
}
