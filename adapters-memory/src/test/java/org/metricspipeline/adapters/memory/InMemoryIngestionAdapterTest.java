package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.metricspipeline.adapters.memory.Items.m;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.ValidationError;

class InMemoryIngestionAdapterTest {

  private static final Duration NO_WAIT = Duration.ZERO;
  private static final Duration LONG_WAIT = Duration.ofSeconds(30);

  private final InMemoryIngestionAdapter channel = InMemoryIngestionAdapter.builder().capacity(3).build();

  @AfterEach
  void close() {
    channel.close();
  }

  private static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

  private static MetricsData item(int n) {
    return MetricsData.of(T, "system", List.of(m("m" + n, n)));
  }

  private static MetricsData invalid() {
    return MetricsData.of(T, "system", List.of(m("cpu", Double.NaN)));
  }

  private List<Delivery> pollNow(int max) {
    return channel.poll(max, NO_WAIT).join();
  }

  @Test
  void deliversIngestedItemsInOrder() {
    channel.ingest(item(1)).join();
    channel.ingest(item(2)).join();

    List<Delivery> deliveries = pollNow(10);

    assertThat(deliveries).extracting(Delivery::data).containsExactly(item(1), item(2));
  }

  @Test
  void refusesInvalidItemsWithTheFieldPath() {
    assertThatThrownBy(() -> channel.ingest(invalid()).join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(MetricsValidationException.class)
        .satisfies(e -> assertThat(((MetricsValidationException) e).errors())
            .extracting(ValidationError::field).containsExactly("metrics[0].value"));
    assertThat(channel.depth()).isZero();
  }

  @Test
  void refusesItemsWhenFullWithARetryAfterHint() {
    for (int i = 0; i < 3; i++) {
      channel.ingest(item(i)).join();
    }

    assertThatThrownBy(() -> channel.ingest(item(9)).join())
        .cause().isInstanceOf(OverloadedException.class)
        .hasMessage("memory ingestion channel full: capacity=3")
        .satisfies(e -> assertThat(((OverloadedException) e).retryAfter())
            .isEqualTo(InMemoryIngestionAdapter.DEFAULT_RETRY_AFTER));
  }

  @Test
  void countsUnsettledDeliveriesAgainstCapacity() {
    for (int i = 0; i < 3; i++) {
      channel.ingest(item(i)).join();
    }
    List<Delivery> deliveries = pollNow(3);

    assertThatThrownBy(() -> channel.ingest(item(9)).join()).cause().isInstanceOf(OverloadedException.class);
    deliveries.get(0).ack();
    channel.ingest(item(9)).join();
    assertThat(channel.depth()).isEqualTo(1);
    assertThat(channel.inFlight()).isEqualTo(2);
  }

  @Test
  void acceptsTheValidItemsOfABatchThatFitAndNamesTheOthers() {
    MetricsBatchResult result = channel.batchIngest(
        List.of(item(1), invalid(), item(2), item(3), item(4))).join();

    assertThat(result.successCount()).isEqualTo(3);
    assertThat(result.failures()).extracting(MetricsBatchResult.Failure::index).containsExactly(1, 4);
    assertThat(result.failures().get(0).errors()).extracting(ValidationError::field)
        .containsExactly("metrics[0].value");
    assertThat(result.failures().get(1).reason()).isEqualTo("memory ingestion channel full: capacity=3");
  }

  @Test
  void forgetsAnAckedItem() {
    channel.ingest(item(1)).join();

    pollNow(1).get(0).ack();

    assertThat(channel.depth()).isZero();
    assertThat(channel.inFlight()).isZero();
    assertThat(channel.undelivered()).isEmpty();
  }

  @Test
  void deliversANackedItemAgainBeforeNewerItems() {
    channel.ingest(item(1)).join();
    Delivery first = pollNow(1).get(0);
    channel.ingest(item(2)).join();

    first.nack("storage unavailable");

    assertThat(pollNow(10)).extracting(Delivery::data).containsExactly(item(1), item(2));
  }

  @Test
  void recordsRejectedItemsWithTheirReason() {
    channel.ingest(item(1)).join();
    MetricsValidationResult reason =
        MetricsValidationResult.of(List.of(new ValidationError("metrics[0].name", "reserved")));

    pollNow(1).get(0).reject(reason);

    assertThat(channel.rejected()).containsExactly(new RejectedItem(item(1), reason));
    assertThat(channel.rejectedCount()).isEqualTo(1);
    assertThat(channel.inFlight()).isZero();
    assertThat(pollNow(1)).isEmpty();
  }

  @Test
  void keepsOnlyTheLatestRejectedItems() {
    try (InMemoryIngestionAdapter small = InMemoryIngestionAdapter.builder().maxRejectedKept(2).build()) {
      MetricsValidationResult reason =
          MetricsValidationResult.of(List.of(new ValidationError("", "bad")));
      for (int i = 0; i < 3; i++) {
        small.ingest(item(i)).join();
      }
      small.poll(3, NO_WAIT).join().forEach(d -> d.reject(reason));

      assertThat(small.rejected()).extracting(RejectedItem::data).containsExactly(item(1), item(2));
      assertThat(small.rejectedCount()).isEqualTo(3);
    }
  }

  @Test
  void ignoresEverySettlementAfterTheFirst() {
    channel.ingest(item(1)).join();
    Delivery d = pollNow(1).get(0);

    d.ack();
    d.nack("late");
    d.reject(MetricsValidationResult.of(List.of(new ValidationError("", "late"))));

    assertThat(channel.depth()).isZero();
    assertThat(channel.rejectedCount()).isZero();
  }

  @Test
  void completesAWaitingPollWhenAnItemArrivesOnTheChannelsOwnThread() throws Exception {
    AtomicReference<String> completedOn = new AtomicReference<>();
    CompletableFuture<List<Delivery>> poll = channel.poll(5, LONG_WAIT);
    CompletableFuture<List<Delivery>> observed = poll.whenComplete((r, e) ->
        completedOn.set(Thread.currentThread().getName()));
    assertThat(poll).isNotDone();

    channel.ingest(item(1)).join();

    assertThat(observed.get(30, TimeUnit.SECONDS)).extracting(Delivery::data).containsExactly(item(1));
    assertThat(completedOn.get()).startsWith("metrics-memory-ingestion-poll-");
  }

  @Test
  void completesAWaitingPollEmptyAfterMaxWait() throws Exception {
    CompletableFuture<List<Delivery>> poll = channel.poll(5, Duration.ofMillis(20));

    assertThat(poll.get(30, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void servesWaitingPollsInTheOrderTheyWereMade() throws Exception {
    CompletableFuture<List<Delivery>> first = channel.poll(1, LONG_WAIT);
    CompletableFuture<List<Delivery>> second = channel.poll(1, LONG_WAIT);

    channel.ingest(item(1)).join();
    channel.ingest(item(2)).join();

    assertThat(first.get(30, TimeUnit.SECONDS)).extracting(Delivery::data).containsExactly(item(1));
    assertThat(second.get(30, TimeUnit.SECONDS)).extracting(Delivery::data).containsExactly(item(2));
  }

  @Test
  void completesWaitingPollsEmptyAndKeepsUnsettledItemsOnClose() {
    channel.ingest(item(1)).join();
    channel.ingest(item(2)).join();
    pollNow(1); // item 1 in flight, never settled
    channel.ingest(item(3)).join();
    pollNow(5).forEach(Delivery::ack);
    CompletableFuture<List<Delivery>> waiting = channel.poll(1, LONG_WAIT);

    channel.close();

    assertThat(waiting.join()).isEmpty();
    assertThat(channel.undelivered()).containsExactly(item(1));
    assertThat(channel.isClosed()).isTrue();
    assertThat(channel.poll(1, NO_WAIT).join()).isEmpty();
    assertThatThrownBy(() -> channel.ingest(item(4)).join())
        .cause().isExactlyInstanceOf(MetricsPipelineException.class).hasMessageContaining("closed");
  }

  @Test
  void reportsDepthCapacityAndInFlightInTheHealthCheck() {
    channel.ingest(item(1)).join();
    channel.ingest(item(2)).join();
    pollNow(1);

    Map<String, Object> details = channel.healthCheck().join().details();

    assertThat(details).containsEntry("depth", 1).containsEntry("in_flight", 1).containsEntry("capacity", 3);
    assertThat(channel.healthCheck().join().status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void reportsDegradedWhenFullAndUnhealthyWhenClosed() {
    for (int i = 0; i < 3; i++) {
      channel.ingest(item(i)).join();
    }
    assertThat(channel.healthCheck().join().status()).isEqualTo(HealthStatus.DEGRADED);

    channel.close();

    assertThat(channel.healthCheck().join().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void validatesWithoutIngesting() {
    assertThat(channel.validate(invalid()).join().valid()).isFalse();
    assertThat(channel.validate(item(1)).join().valid()).isTrue();
    assertThat(channel.depth()).isZero();
  }

  @Test
  void rejectsBadPollArguments() {
    assertThatThrownBy(() -> channel.poll(0, NO_WAIT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDeliveries must be >= 1");
    assertThatThrownBy(() -> channel.poll(1, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxWait must be >= 0");
  }

  @Test
  void rejectsOutOfRangeBuilderOptionsNamingThem() {
    assertThatThrownBy(() -> InMemoryIngestionAdapter.builder().capacity(0))
        .hasMessageContaining("capacity must be >= 1, got 0");
    assertThatThrownBy(() -> InMemoryIngestionAdapter.builder().retryAfter(Duration.ofSeconds(-1)))
        .hasMessageContaining("retryAfter must be >= 0");
    assertThatThrownBy(() -> InMemoryIngestionAdapter.builder().maxRejectedKept(-1))
        .hasMessageContaining("maxRejectedKept must be >= 0");
  }
}
