package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.metricspipeline.core.TestData.await;
import static org.metricspipeline.core.TestData.invalidItem;
import static org.metricspipeline.core.TestData.item;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.core.FakeChannel.Outcome;

/** The pipeline fed by an ingestion channel: deliveries settled only after storage decided. */
class PipelineChannelTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeStorage storage = new FakeStorage();
  private final List<MetricsData> deadLetters = new CopyOnWriteArrayList<>();
  private MetricsPipeline pipeline;

  private MetricsPipeline start(FakeChannel channel, MetricsPipeline.Builder extra) {
    pipeline = extra.storage(storage).ingestion(channel)
        .processingInterval(Duration.ofMillis(5))
        .deadLetterHandler((item, reason, cause) -> deadLetters.add(item))
        .build();
    pipeline.startProcessing();
    return pipeline;
  }

  private static MetricsPipeline.Builder fastRetries(int attempts) {
    return MetricsPipeline.builder().retryPolicy(RetryPolicy.builder().maxAttempts(attempts)
        .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build());
  }

  @AfterEach
  void stop() {
    storage.release();
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void acksDeliveriesOnlyAfterStorageAcceptedThem() throws Exception {
    FakeChannel channel = new FakeChannel(false);
    storage.hold();
    start(channel, fastRetries(3));
    channel.ingest(item("a", 1));
    storage.awaitFirstCall();

    assertThat(channel.deliveries).singleElement()
        .satisfies(d -> assertThat(d.outcome).isEqualTo(Outcome.PENDING));
    storage.release();

    await("the delivery is acked", () -> channel.withOutcome(Outcome.ACKED).size() == 1);
    assertThat(storage.stored).extracting(MetricsData::source).containsExactly("a");
    assertThat(channel.deliveries.get(0).settlements.get()).isEqualTo(1);
  }

  @Test
  void storesAwaitedDeliveriesWithoutWaitingForAFullerBatch() {
    FakeChannel channel = new FakeChannel(false);
    channel.awaited = true;
    pipeline = MetricsPipeline.builder().storage(storage).ingestion(channel)
        .processingInterval(Duration.ofMinutes(10)).batchSize(1_000).build();
    pipeline.startProcessing();
    channel.ingest(item("waited-for", 1));

    await("the awaited delivery is acked long before the 10-minute interval",
        () -> channel.withOutcome(Outcome.ACKED).size() == 1);
    assertThat(storage.stored).extracting(MetricsData::source).containsExactly("waited-for");
  }

  @Test
  void measurementsReportTheCountersThenTheChannelsOwn() {
    FakeChannel channel = new FakeChannel(false);
    channel.measured = () -> List.of(Measurement.gauge("metrics_fake_depth", "a channel figure", 7));
    start(channel, fastRetries(3));
    for (int i = 0; i < 3; i++) {
      channel.ingest(item("m" + i, 2));
    }
    await("every delivery is acked", () -> channel.withOutcome(Outcome.ACKED).size() == 3);

    List<Measurement> m = pipeline.measurements();
    assertThat(m).filteredOn(x -> x.name().equals("metrics_pipeline_items_stored_total"))
        .singleElement().satisfies(x -> assertThat(x.value()).isEqualTo(3));
    assertThat(m).filteredOn(x -> x.name().equals("metrics_pipeline_points_stored_total"))
        .singleElement().satisfies(x -> assertThat(x.value()).isEqualTo(6));
    assertThat(m.get(m.size() - 1).name()).isEqualTo("metrics_fake_depth");
  }

  @Test
  void measurementsLeaveOutAnAdapterWhoseMeasurementsFail() {
    FakeChannel channel = new FakeChannel(false);
    channel.measured = () -> {
      throw new IllegalStateException("broken counters");
    };
    start(channel, fastRetries(3));

    assertThat(pipeline.measurements()).isNotEmpty()
        .allSatisfy(x -> assertThat(x.name()).startsWith("metrics_pipeline_"));
  }

  @Test
  void storesAndAcksEveryItemOfTheChannel() {
    FakeChannel channel = new FakeChannel(false);
    start(channel, fastRetries(3).batchSize(7));
    for (int i = 0; i < 500; i++) {
      channel.ingest(item("i" + i, 2));
    }

    await("every delivery is acked", () -> channel.withOutcome(Outcome.ACKED).size() == 500);
    PipelineStats stats = pipeline.stats();
    assertThat(stats.received()).isEqualTo(500);
    assertThat(stats.stored()).isEqualTo(500);
    assertThat(stats.pointsStored()).isEqualTo(1_000);
    assertThat(storage.batchSizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(7));
  }

  /** "bad" (an invalid item) was rejected naming its field, "good" was stored. */
  private void assertBadRejectedWithItsFieldErrorAndGoodStored(FakeChannel channel) {
    // Size first: once both deliveries exist, the pending check sees both of them.
    await("both deliveries are settled", () -> channel.deliveries.size() == 2
        && channel.withOutcome(Outcome.PENDING).isEmpty());
    FakeChannel.FakeDelivery bad = channel.deliveries.stream()
        .filter(d -> d.data().source().equals("bad")).findFirst().orElseThrow();
    assertThat(bad.outcome).isEqualTo(Outcome.REJECTED);
    assertThat(bad.rejection.errors()).anySatisfy(e -> assertThat(e.field()).isEqualTo("metrics[0].value"));
    assertThat(storage.stored).extracting(MetricsData::source).containsExactly("good");
  }

  @Test
  void rejectsInvalidDeliveriesWithTheirFieldErrors() {
    FakeChannel channel = new FakeChannel(false);
    start(channel, fastRetries(3));
    channel.ingest(invalidItem("bad"));
    channel.ingest(item("good", 1));

    assertBadRejectedWithItsFieldErrorAndGoodStored(channel);
    assertThat(pipeline.stats().rejected()).isEqualTo(1);
  }

  @Test
  void validatesDeliveriesAnotherValidatorCheckedAgain() {
    FakeChannel channel = new FakeChannel(false);
    channel.checkedBy = MetricsValidator.builder().build(); // equal rules, another instance
    start(channel, fastRetries(3).validator(MetricsValidator.builder().build()));
    channel.ingest(invalidItem("bad"));
    channel.ingest(item("good", 1));

    assertBadRejectedWithItsFieldErrorAndGoodStored(channel);
  }

  @Test
  void trustsDeliveriesCheckedByItsOwnValidatorInstance() {
    MetricsValidator validator = MetricsValidator.builder().build();
    FakeChannel channel = new FakeChannel(false);
    channel.checkedBy = validator;
    start(channel, fastRetries(3).validator(validator));
    // Invalid on purpose: stored only because the pipeline did not check it a second time.
    channel.ingest(invalidItem("checked"));

    await("the delivery is acked", () -> channel.withOutcome(Outcome.ACKED).size() == 1);
    assertThat(storage.stored).extracting(MetricsData::source).containsExactly("checked");
    assertThat(pipeline.stats().rejected()).isZero();
    assertThat(pipeline.stats().accepted()).isEqualTo(1);
  }

  @Test
  void nacksDeliveriesWhenRetriesRunOutInsteadOfDeadLettering() {
    FakeChannel channel = new FakeChannel(false);
    storage.failAlways();
    start(channel, fastRetries(2));
    channel.ingest(item("a", 1));

    await("the delivery is nacked", () -> channel.withOutcome(Outcome.NACKED).size() == 1);
    assertThat(channel.deliveries.get(0).nackReason).contains("2 attempt(s)");
    assertThat(storage.calls.get()).isEqualTo(2);
    assertThat(deadLetters).isEmpty();
    assertThat(pipeline.stats().nacked()).isEqualTo(1);
    assertThat(pipeline.stats().deadLettered()).isZero();
  }

  @Test
  void storesARedeliveredItemAfterANack() {
    FakeChannel channel = new FakeChannel(true);
    storage.failNext(1);
    start(channel, MetricsPipeline.builder().retryPolicy(RetryPolicy.none()));
    channel.ingest(item("a", 1));

    await("the redelivery is acked", () -> channel.withOutcome(Outcome.ACKED).size() == 1);
    assertThat(channel.withOutcome(Outcome.NACKED)).hasSize(1);
    assertThat(storage.stored).extracting(MetricsData::source).containsExactly("a");
  }

  @Test
  void rejectsDeliveriesTheStorageRejectsAndDeadLettersThem() {
    FakeChannel channel = new FakeChannel(false);
    storage.rejectItemsWhere(d -> d.source().equals("poison"));
    start(channel, fastRetries(3));
    channel.ingest(item("poison", 1));

    await("the delivery is rejected", () -> channel.withOutcome(Outcome.REJECTED).size() == 1);
    assertThat(channel.deliveries.get(0).rejection.describe()).contains("rejected by the fake");
    assertThat(deadLetters).extracting(MetricsData::source).containsExactly("poison");
  }

  @Test
  void pollsNoMoreThanTheQueueHasRoomFor() throws Exception {
    FakeChannel channel = new FakeChannel(false);
    storage.hold();
    start(channel, fastRetries(3).queueCapacity(3).batchSize(10).maxConcurrentStores(1));
    for (int i = 0; i < 20; i++) {
      channel.ingest(item("i" + i, 1));
    }
    storage.awaitFirstCall();
    await("the queue is full", () -> pipeline.stats().queueDepth() == 3);

    // The backlog stays in the channel: nothing overflowed, nothing nacked.
    assertThat(channel.largestPoll.get()).isLessThanOrEqualTo(3);
    assertThat(channel.backlog()).isEqualTo(20 - storage.batchSizes.get(0) - 3);
    storage.release();
    await("every delivery is acked", () -> channel.withOutcome(Outcome.ACKED).size() == 20);
    assertThat(pipeline.stats().overflowed()).isZero();
    assertThat(pipeline.stats().nacked()).isZero();
  }

  @Test
  void gracefulStopStoresAndAcksWhatWasPolled() throws Exception {
    FakeChannel channel = new FakeChannel(false);
    storage.hold();
    start(channel, fastRetries(3).batchSize(2).maxConcurrentStores(1));
    for (int i = 0; i < 10; i++) {
      channel.ingest(item("i" + i, 1));
    }
    storage.awaitFirstCall();
    await("the poller took every item", () -> channel.backlog() == 0);

    var stopped = pipeline.stopProcessing();
    storage.release();

    assertThat(stopped).succeedsWithin(WAIT);
    assertThat(channel.withOutcome(Outcome.ACKED)).hasSize(10);
    assertThat(storage.stored).hasSize(10);
  }

  @Test
  void pausedIngestionLeavesDataInTheChannelUntilResumed() {
    FakeChannel channel = new FakeChannel(false);
    pipeline = fastRetries(3).storage(storage).ingestion(channel).processingInterval(Duration.ofMillis(5)).build();
    pipeline.pauseIngestion(); // before start: no poll can be under way
    pipeline.startProcessing();
    assertThat(pipeline.isIngestionPaused()).isTrue();
    for (int i = 0; i < 20; i++) {
      channel.ingest(item("p" + i, 1));
    }
    // while paused, the pipeline polls nothing: a direct item is still stored, the channel keeps its backlog
    pipeline.processMetrics(item("direct", 1)).join();
    assertThat(channel.backlog()).isEqualTo(20);
    assertThat(pipeline.healthCheck().join().details()).containsEntry("ingestion_paused", true);
    pipeline.resumeIngestion();
    await("every delivery is acked", () -> channel.withOutcome(Outcome.ACKED).size() == 20);
    assertThat(pipeline.stats().stored()).isEqualTo(21);
  }

  @Test
  void aChangedBatchSizeAppliesToLaterBatches() {
    FakeChannel channel = new FakeChannel(false);
    start(channel, fastRetries(3).batchSize(50));
    pipeline.batchSize(4);
    assertThat(pipeline.batchSize()).isEqualTo(4);
    for (int i = 0; i < 100; i++) {
      channel.ingest(item("b" + i, 1));
    }
    await("every delivery is acked", () -> channel.withOutcome(Outcome.ACKED).size() == 100);
    assertThat(storage.batchSizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(4));
    assertThatThrownBy(() -> pipeline.batchSize(0)).hasMessage("batchSize must be between 1 and 100000, got 0");
  }

  private static MetricsPipeline.Builder retriesThroughTheStop(Duration drainTimeout) {
    return MetricsPipeline.builder().drainTimeout(drainTimeout).retryPolicy(RetryPolicy.builder()
        .maxAttempts(1000).initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(10)).build());
  }

  @Test
  void reportsItemsAChannelCannotKeepAsLostWhenStorageStaysDownThroughTheStop() {
    FakeChannel channel = new FakeChannel(true);
    channel.keeps = false; // an in-memory buffer, as the HTTP channel with ack=accepted
    storage.failAlways();
    start(channel, retriesThroughTheStop(Duration.ofMillis(300)));
    for (int i = 0; i < 50; i++) {
      channel.ingest(item("accepted-" + i, 2));
    }
    await("the pipeline polled the items", () -> channel.deliveries.size() >= 50);

    StopResult result = pipeline.stop().join();

    assertThat(result.lost()).isEqualTo(50);
    assertThat(result.stored()).isZero();
    assertThat(pipeline.stats().lost()).isEqualTo(50);
    assertThat(pipeline.measurements()).filteredOn(m -> m.name().equals("metrics_pipeline_items_lost_total"))
        .singleElement().satisfies(m -> assertThat(m.value()).isEqualTo(50.0));
    assertThat(storage.stored).isEmpty();
  }

  @Test
  void countsItemsStillInTheChannelAtTheDeadlineAsLostToo() {
    FakeChannel channel = new FakeChannel(true);
    channel.keeps = false;
    storage.failAlways();
    start(channel, retriesThroughTheStop(Duration.ofMillis(100)).queueCapacity(10).batchSize(5));
    for (int i = 0; i < 40; i++) {
      channel.ingest(item("accepted-" + i, 1)); // more than the pipeline's queue holds
    }

    StopResult result = pipeline.stop().join();

    assertThat(result.lost()).isEqualTo(40);
    assertThat(result.complete()).isFalse();
  }

  @Test
  void storesWhatTheChannelHoldsWhenStorageRecoversWithinTheDrainTimeout() throws Exception {
    FakeChannel channel = new FakeChannel(true);
    channel.keeps = false;
    storage.failAlways();
    start(channel, retriesThroughTheStop(Duration.ofSeconds(10)));
    for (int i = 0; i < 30; i++) {
      channel.ingest(item("accepted-" + i, 1));
    }
    await("the pipeline polled the items", () -> channel.deliveries.size() >= 30);

    java.util.concurrent.CompletableFuture<StopResult> stopping = pipeline.stop();
    storage.recover();
    StopResult result = stopping.get(10, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(result).isEqualTo(new StopResult(30, 0, 0, 0));
    assertThat(storage.stored).hasSize(30);
  }

  @Test
  void handsUnstoredItemsBackToAChannelThatKeepsThem() {
    FakeChannel channel = new FakeChannel(false); // keeps its items, as SQS does
    storage.failAlways();
    start(channel, retriesThroughTheStop(Duration.ofMillis(200)));
    for (int i = 0; i < 20; i++) {
      channel.ingest(item("queued-" + i, 1));
    }
    await("the pipeline polled the items", () -> channel.deliveries.size() >= 20);

    StopResult result = pipeline.stop().join();

    assertThat(result).isEqualTo(new StopResult(0, 20, 0, 0));
    assertThat(channel.withOutcome(Outcome.NACKED)).hasSize(20);
    assertThat(pipeline.stats().lost()).isZero();
  }
}
