package org.metricspipeline.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.ValidationError;

class ChannelBufferTest {

  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private final ChannelBuffer buffer = new ChannelBuffer(2, Duration.ofSeconds(1), scheduler, true);

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static MetricsData item(double v) {
    return MetricsData.builder().timestamp(Instant.EPOCH).metricType("t").metric("m", v).build();
  }

  @Test
  void ackCompletesTheItemsFuture() {
    CompletableFuture<Void> stored = buffer.offerAll(List.of(item(1))).get(0);
    Delivery d = buffer.poll(10, Duration.ZERO).join().get(0);
    assertThat(stored).isNotDone();
    d.ack();
    assertThat(stored).isCompleted();
    assertThat(buffer.unsettled()).isZero();
  }

  @Test
  void onlyItemsOfferedAsCheckedReportTheValidatorThroughANack() {
    MetricsValidator validator = MetricsValidator.defaults();
    ChannelBuffer checking = new ChannelBuffer(10, 1_000, Duration.ofSeconds(1), scheduler, true, validator);
    checking.offerAll(List.of(item(1)), true);
    checking.offerAll(List.of(item(2)), false);
    checking.offerAll(List.of(item(3)), Duration.ZERO).join();
    List<Delivery> ds = checking.poll(10, Duration.ZERO).join();
    assertThat(ds).extracting(d -> d.checkedBy().orElse(null)).containsExactly(validator, null, validator);
    ds.get(0).nack("storage down");
    assertThat(checking.poll(1, Duration.ZERO).join().get(0).checkedBy()).containsSame(validator);
    assertThat(buffer.offerAll(List.of(item(4)), true)).hasSize(1);
    assertThat(buffer.poll(1, Duration.ZERO).join().get(0).checkedBy()).isEmpty(); // no validator given
  }

  @Test
  void nackPutsTheItemBackAtTheHead() {
    buffer.offerAll(List.of(item(1), item(2)));
    Delivery first = buffer.poll(1, Duration.ZERO).join().get(0);
    first.nack("storage down");
    assertThat(buffer.poll(1, Duration.ZERO).join().get(0).data().metrics().get(0).value()).isEqualTo(1.0);
  }

  @Test
  void rejectFailsTheItemsFutureWithTheErrors() {
    CompletableFuture<Void> stored = buffer.offerAll(List.of(item(1))).get(0);
    buffer.poll(1, Duration.ZERO).join().get(0)
        .reject(MetricsValidationResult.of(List.of(new ValidationError("metrics[0].value", "bad"))));
    assertThat(stored).isCompletedExceptionally();
    assertThatThrownBy(stored::join).hasCauseInstanceOf(MetricsValidationException.class);
  }

  @Test
  void refusesABatchThatDoesNotFitAsAWhole() {
    buffer.offerAll(List.of(item(1)));
    assertThatThrownBy(() -> buffer.offerAll(List.of(item(2), item(3)))).isInstanceOf(OverloadedException.class);
    assertThat(buffer.queued()).isEqualTo(1);
  }

  @Test
  void unsettledDeliveriesCountAgainstCapacity() {
    buffer.offerAll(List.of(item(1), item(2)));
    buffer.poll(2, Duration.ZERO).join();
    assertThatThrownBy(() -> buffer.offerAll(List.of(item(3)))).isInstanceOf(OverloadedException.class);
  }

  @Test
  void aWaitingPollGetsTheNextItem() {
    CompletableFuture<List<Delivery>> poll = buffer.poll(5, Duration.ofSeconds(30));
    assertThat(poll).isNotDone();
    buffer.offerAll(List.of(item(7)));
    assertThat(poll.orTimeout(10, TimeUnit.SECONDS).join()).hasSize(1);
  }

  @Test
  void aWaitingPollEndsEmptyAfterItsWait() {
    assertThat(buffer.poll(5, Duration.ofMillis(20)).orTimeout(10, TimeUnit.SECONDS).join()).isEmpty();
  }

  @Test
  void closeEndsWaitingPollsAndRefusesItems() {
    CompletableFuture<List<Delivery>> poll = buffer.poll(5, Duration.ofSeconds(30));
    buffer.close();
    assertThat(poll.join()).isEmpty();
    assertThatThrownBy(() -> buffer.offerAll(List.of(item(1)))).isInstanceOf(OverloadedException.class);
  }

  private static MetricsData itemOfPoints(int points) {
    MetricsData.Builder b = MetricsData.builder().timestamp(Instant.EPOCH).metricType("t");
    for (int i = 0; i < points; i++) {
      b.metric("m" + i, i);
    }
    return b.build();
  }

  @Test
  void boundsThePointsHeldBesidesTheItems() {
    ChannelBuffer byPoints = new ChannelBuffer(100, 1_000, Duration.ofSeconds(1), scheduler, true);
    byPoints.offerAll(List.of(itemOfPoints(600)));
    assertThat(byPoints.points()).isEqualTo(600);
    assertThatThrownBy(() -> byPoints.offerAll(List.of(itemOfPoints(600))))
        .isInstanceOf(OverloadedException.class).hasMessageContaining("1000 points");
  }

  @Test
  void aRequestWaitingForRoomGetsInWhenAnItemIsAcked() {
    ChannelBuffer byPoints = new ChannelBuffer(100, 1_000, Duration.ofSeconds(1), scheduler, true);
    byPoints.offerAll(List.of(itemOfPoints(600)));
    CompletableFuture<List<CompletableFuture<Void>>> waiting =
        byPoints.offerAll(List.of(itemOfPoints(600)), Duration.ofMinutes(1));
    assertThat(waiting).isNotDone();
    assertThat(byPoints.waitingOffers()).isEqualTo(1);
    byPoints.poll(1, Duration.ZERO).join().get(0).ack();
    assertThat(waiting.join()).hasSize(1);
    assertThat(byPoints.points()).isEqualTo(600);
  }

  @Test
  void aRequestStillWithoutRoomAfterItsWaitFailsOverloaded() {
    ChannelBuffer byPoints = new ChannelBuffer(100, 1_000, Duration.ofSeconds(1), scheduler, true);
    byPoints.offerAll(List.of(itemOfPoints(600)));
    assertThat(byPoints.offerAll(List.of(itemOfPoints(600)), Duration.ofMillis(20)))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(OverloadedException.class);
    assertThat(byPoints.counters()[3]).isEqualTo(1);
  }
}
