package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.metricspipeline.guard.TestPipelines.await;
import static org.metricspipeline.guard.TestPipelines.items;
import static org.metricspipeline.guard.TestPipelines.storedItems;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.MutableClock;

/** Re-creating a pipeline's ingestion channel: what happens to the replaced channel's data. */
class GuardedIngestionTest {

  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  private final FlakyChannel.Server queue = new FlakyChannel.Server();
  private final FlakyStorage.Server store = new FlakyStorage.Server();
  private MetricsPipeline pipeline;
  private GuardedIngestion channel;

  @AfterEach
  void close() {
    store.opened.forEach(s -> s.gate.complete(null)); // a failed test must not hold the stop
    if (pipeline != null) {
      pipeline.close();
    }
    if (channel != null) {
      channel.close();
    }
    queue.close();
  }

  private void awaitQueueSettled() {
    await("the queue has nothing waiting or unsettled", () -> queue.queue.depth() == 0 && queue.queue.inFlight() == 0);
  }

  @Test
  void deliveriesInFlightWhenTheChannelIsReplacedAreAckedOnItBeforeItCloses() {
    channel = GuardedIngestion.builder(queue::connect).clock(clock).build();
    FlakyStorage storage = store.connect();
    storage.gate = new CompletableFuture<>(); // the store holds every batch
    pipeline = TestPipelines.started(storage, channel, 10);
    queue.send(items(0, 20));
    await("20 deliveries in flight to the store", () -> queue.queue.inFlight() == 20);
    FlakyChannel first = (FlakyChannel) channel.delegate();

    assertThat(channel.restart()).isTrue();
    queue.send(items(20, 10));

    assertThat(first.closed).as("kept open while its deliveries are unsettled").isFalse();
    assertThat(channel.retiredChannels()).isEqualTo(1);
    storage.gate.complete(null);
    await("all 30 stored", () -> pipeline.stats().stored() == 30);
    awaitQueueSettled();
    await("the replaced connection is closed", () -> first.closed);
    assertThat(queue.lateSettlements).as("acks that arrived after the close").hasValue(0);
    assertThat(pipeline.stats().stored()).as("none delivered twice").isEqualTo(30);
    assertThat(storedItems(store.store)).hasSize(30);
    assertThat(channel.retiredChannels()).isZero();
    assertThat(channel.generation()).isEqualTo(2);
  }

  @Test
  void aReplacedChannelStillUnsettledAfterTheDrainTimeoutIsClosedAndItsItemsAreDeliveredAgain() {
    channel = GuardedIngestion.builder(queue::connect).drainTimeout(Duration.ofSeconds(30)).clock(clock).build();
    FlakyStorage storage = store.connect();
    storage.gate = new CompletableFuture<>();
    pipeline = TestPipelines.started(storage, channel, 10);
    queue.send(items(0, 20));
    await("20 deliveries in flight to the store", () -> queue.queue.inFlight() == 20);
    FlakyChannel first = (FlakyChannel) channel.delegate();
    channel.restart();

    clock.advance(Duration.ofSeconds(30));
    channel.healthCheck().join(); // housekeeping: the drain time is up

    assertThat(first.closed).isTrue();
    await("the released messages are delivered again through the new connection",
        () -> queue.queue.inFlight() == 20 && ((FlakyChannel) channel.delegate()).unsettled() == 20);
    storage.gate.complete(null);
    await("the first and the second delivery stored", () -> pipeline.stats().stored() == 40);
    awaitQueueSettled();
    // at-least-once: the late acks of the closed connection never reached the queue
    await("the 20 late acks of the closed connection", () -> queue.lateSettlements.get() == 20);
    assertThat(storedItems(store.store)).hasSize(20);
  }

  @Test
  void aReplacedMemoryChannelIsDrainedThroughThePipelineBeforeItCloses() {
    List<InMemoryIngestionAdapter> made = new CopyOnWriteArrayList<>();
    channel = GuardedIngestion.builder(() -> {
      InMemoryIngestionAdapter c = InMemoryIngestionAdapter.create();
      made.add(c);
      return c;
    }).clock(clock).build();
    pipeline = TestPipelines.built(store.connect(), channel, 10);
    channel.batchIngest(items(0, 50)).join();

    assertThat(channel.restart()).isTrue();
    channel.batchIngest(items(50, 20)).join();

    assertThat(made).hasSize(2);
    assertThat(made.get(0).depth()).isEqualTo(50);
    assertThat(made.get(1).depth()).as("producers went to the new channel").isEqualTo(20);
    pipeline.startProcessing();
    await("all 70 stored", () -> pipeline.stats().stored() == 70);
    await("the replaced channel is closed", () -> made.get(0).isClosed());
    assertThat(made.get(0).undelivered()).isEmpty();
    assertThat(made.get(1).isClosed()).isFalse();
    assertThat(storedItems(store.store)).hasSize(70);
    assertThat(channel.measurements()).filteredOn(m -> m.name().equals("metrics_guard_ingestion_drained_total"))
        .singleElement().satisfies(m -> assertThat(m.value()).isEqualTo(50));
  }

  @Test
  void aPollWaitingOnTheReplacedChannelIsAnsweredEmptyAtOnce() {
    channel = GuardedIngestion.builder(InMemoryIngestionAdapter::create).clock(clock).build();
    CompletableFuture<List<Delivery>> waiting = channel.poll(10, Duration.ofMinutes(10));
    assertThat(waiting).isNotDone();

    channel.restart();

    assertThat(waiting).isCompletedWithValue(List.of());
  }

  @Test
  void aFactoryThatFailsLeavesTheCurrentChannelInPlace() {
    AtomicInteger calls = new AtomicInteger();
    channel = GuardedIngestion.builder(() -> {
      if (calls.incrementAndGet() > 1) {
        throw new IllegalStateException("provider down");
      }
      return InMemoryIngestionAdapter.create();
    }).build();
    IngestionAdapter before = channel.delegate();

    assertThat(channel.restart()).isFalse();

    assertThat(channel.delegate()).isSameAs(before);
    assertThat(channel.generation()).isEqualTo(1);
    assertThat(channel.healthCheck().join().status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void healthReportsTheGenerationAndRetiredChannels() {
    channel = GuardedIngestion.builder(queue::connect).clock(clock).build();
    ((FlakyChannel) channel.delegate()).broken = true;
    assertThat(channel.healthCheck().join().status()).isEqualTo(HealthStatus.UNHEALTHY);

    channel.restart();

    assertThat(channel.healthCheck().join().details()).containsEntry("generation", 2L)
        .containsEntry("retired_channels", 1);
  }

  @Test
  void closeClosesTheCurrentAndEveryRetiredChannel() {
    channel = GuardedIngestion.builder(queue::connect).clock(clock).build();
    channel.restart();
    channel.close();
    assertThat(queue.opened).hasSize(2).allMatch(c -> c.closed);
    assertThat(channel.restart()).isFalse();
  }

  @Test
  void rejectsADrainTimeoutOutOfRangeNamingTheOption() {
    assertThatThrownBy(() -> GuardedIngestion.builder(InMemoryIngestionAdapter::create)
        .drainTimeout(Duration.ofSeconds(-1))).hasMessage("drainTimeout must be between 0 and 1h, got PT-1S");
  }
}
