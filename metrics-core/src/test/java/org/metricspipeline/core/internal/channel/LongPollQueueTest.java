package org.metricspipeline.core.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.ValidationError;

/**
 * The queue every channel shares, on its own; the channels' behaviour over it is proven by the
 * ingestion conformance kit in each channel's module.
 */
class LongPollQueueTest {

  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private final List<Integer> takenSizes = new ArrayList<>();
  private final LongPollQueue<Item> queue = new LongPollQueue<>(3, scheduler, taken -> takenSizes.add(taken.size()));
  private final AtomicInteger acks = new AtomicInteger();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private final class Item extends SettleOnceDelivery {
    final int id;

    Item(int id) {
      this.id = id;
    }

    @Override
    public MetricsData data() {
      return MetricsData.builder().timestamp(Instant.EPOCH).metricType("t").metric("v", id).build();
    }

    @Override
    protected void onAck() {
      acks.incrementAndGet();
      queue.release();
    }

    @Override
    protected void onNack(String reason) {
      queue.requeue(new Item(id));
    }

    @Override
    protected void onReject(MetricsValidationResult reason) {
      queue.release();
    }
  }

  private static List<Integer> ids(List<Delivery> deliveries) {
    return deliveries.stream().map(d -> ((Item) d).id).toList();
  }

  @Test
  void refusesAWholeOfferThatDoesNotFitCountingTakenItems() {
    assertThat(queue.offerAll(List.of(new Item(1), new Item(2)))).isEqualTo(LongPollQueue.Offer.ACCEPTED);
    List<Delivery> taken = queue.poll(2, Duration.ZERO).join();
    assertThat(queue.offerAll(List.of(new Item(3), new Item(4)))).isEqualTo(LongPollQueue.Offer.FULL);
    assertThat(queue.queued()).isZero();
    taken.get(0).ack();
    assertThat(queue.offerAll(List.of(new Item(3), new Item(4)))).isEqualTo(LongPollQueue.Offer.ACCEPTED);
    assertThat(takenSizes).containsExactly(2);
  }

  @Test
  void aNackPutsTheItemBackAtTheHeadWithoutFreeingItsPlace() {
    queue.offerAll(List.of(new Item(1), new Item(2)));
    Delivery first = queue.poll(1, Duration.ZERO).join().get(0);
    first.nack("again");
    first.ack(); // ignored: settled once
    assertThat(acks).hasValue(0);
    assertThat(queue.offer(new Item(3))).isEqualTo(LongPollQueue.Offer.ACCEPTED);
    assertThat(queue.offer(new Item(4))).isEqualTo(LongPollQueue.Offer.FULL);
    assertThat(ids(queue.poll(3, Duration.ZERO).join())).containsExactly(1, 2, 3);
  }

  @Test
  void waitingPollsAreAnsweredInOrderOnTheSchedulerThread() {
    CompletableFuture<List<Delivery>> first = queue.poll(1, Duration.ofMinutes(1));
    CompletableFuture<List<Delivery>> second = queue.poll(1, Duration.ofMinutes(1));
    // a dependent of the poll itself, joined on its own: joining the poll's future could make this
    // thread run the poll's pending dependents (CompletableFuture helps complete them)
    CompletableFuture<String> answeredOn = first.thenApply(d -> Thread.currentThread().getName());
    queue.offerAll(List.of(new Item(1), new Item(2)));
    assertThat(answeredOn.join()).isNotEqualTo(Thread.currentThread().getName());
    assertThat(ids(first.join())).containsExactly(1);
    assertThat(ids(second.join())).containsExactly(2);
  }

  @Test
  void aPollItsCallerCancelledGivesItsItemsBack() throws Exception {
    CompletableFuture<List<Delivery>> abandoned = queue.poll(2, Duration.ofMinutes(1));
    abandoned.cancel(false);
    queue.offer(new Item(1));
    List<Delivery> again = queue.poll(2, Duration.ofSeconds(5)).join();
    assertThat(ids(again)).containsExactly(1);
    assertThat(queue.taken()).isEqualTo(1);
  }

  @Test
  void closeAnswersWaitingPollsEmptyAndRefusesOffersButKeepsWhatIsQueued() {
    CompletableFuture<List<Delivery>> waiting = queue.poll(1, Duration.ofMinutes(1));
    queue.close();
    assertThat(waiting.join()).isEmpty();
    assertThat(queue.offer(new Item(1))).isEqualTo(LongPollQueue.Offer.CLOSED);
    assertThat(queue.poll(1, Duration.ofSeconds(1)).join()).isEmpty();
  }

  @Test
  void settleOnceIgnoresEveryLaterSettlement() {
    queue.offer(new Item(1));
    Delivery d = queue.poll(1, Duration.ZERO).join().get(0);
    d.reject(MetricsValidationResult.of(List.of(new ValidationError("v", "bad"))));
    d.nack("late");
    d.ack();
    assertThat(acks).hasValue(0);
    assertThat(queue.queued()).isZero();
    assertThat(queue.taken()).isZero();
  }

  /** A queue of at most 10 items weighing at most 5 together, each item weighing its id. */
  private LongPollQueue<Item> weighed() {
    return new LongPollQueue<>(10, 5, item -> item.id, scheduler, taken -> { });
  }

  @Test
  void refusesAnOfferOverTheWeightBoundAndTakesItOnceAWeighedItemIsReleased() {
    LongPollQueue<Item> q = weighed();
    Item three = new Item(3);
    assertThat(q.offerAll(List.of(three))).isEqualTo(LongPollQueue.Offer.ACCEPTED);
    assertThat(q.offerAll(List.of(new Item(1), new Item(2)))).isEqualTo(LongPollQueue.Offer.FULL);
    assertThat(q.weight()).isEqualTo(3);
    q.poll(1, Duration.ZERO).join();
    q.release(three);
    assertThat(q.weight()).isZero();
    assertThat(q.offerAll(List.of(new Item(1), new Item(2)))).isEqualTo(LongPollQueue.Offer.ACCEPTED);
  }

  @Test
  void anOfferHeavierThanTheBoundIsTakenWhenNothingElseIsHeld() {
    LongPollQueue<Item> q = weighed();
    assertThat(q.offerAll(List.of(new Item(9)))).isEqualTo(LongPollQueue.Offer.ACCEPTED);
    assertThat(q.offerAll(List.of(new Item(1)))).isEqualTo(LongPollQueue.Offer.FULL);
  }

  @Test
  void aWaitingOfferIsTakenWhenRoomIsFreed() {
    LongPollQueue<Item> q = weighed();
    Item four = new Item(4);
    q.offerAll(List.of(four));
    CompletableFuture<LongPollQueue.Offer> waiting = q.offerAll(List.of(new Item(2)), Duration.ofMinutes(1));
    assertThat(waiting).isNotDone();
    assertThat(q.waitingOffers()).isEqualTo(1);
    q.poll(1, Duration.ZERO).join();
    q.release(four);
    assertThat(waiting.join()).isEqualTo(LongPollQueue.Offer.ACCEPTED);
    assertThat(ids(q.poll(5, Duration.ZERO).join())).containsExactly(2);
  }

  @Test
  void aLaterOfferDoesNotPassOneWaitingForRoom() {
    LongPollQueue<Item> q = weighed();
    Item four = new Item(4);
    q.offerAll(List.of(four));
    CompletableFuture<LongPollQueue.Offer> big = q.offerAll(List.of(new Item(3)), Duration.ofMinutes(1));
    // weight 1 would fit beside the 4, but the 3 waits ahead of it
    CompletableFuture<LongPollQueue.Offer> small = q.offerAll(List.of(new Item(1)), Duration.ofMinutes(1));
    assertThat(small).isNotDone();
    assertThat(q.offerAll(List.of(new Item(1)))).isEqualTo(LongPollQueue.Offer.FULL);
    q.poll(1, Duration.ZERO).join();
    q.release(four);
    assertThat(big.join()).isEqualTo(LongPollQueue.Offer.ACCEPTED);
    assertThat(small.join()).isEqualTo(LongPollQueue.Offer.ACCEPTED);
    assertThat(ids(q.poll(5, Duration.ZERO).join())).containsExactly(3, 1);
  }

  @Test
  void aWaitingOfferEndsFullAfterItsWaitAndQueuesNothing() {
    LongPollQueue<Item> q = weighed();
    q.offerAll(List.of(new Item(5)));
    assertThat(q.offerAll(List.of(new Item(1)), Duration.ofMillis(20)).join()).isEqualTo(LongPollQueue.Offer.FULL);
    assertThat(q.waitingOffers()).isZero();
    assertThat(q.queued()).isEqualTo(1);
  }

  @Test
  void anOfferWithoutWaitIsAnsweredFullAtOnce() {
    LongPollQueue<Item> q = weighed();
    q.offerAll(List.of(new Item(5)));
    assertThat(q.offerAll(List.of(new Item(1)), Duration.ZERO)).isCompletedWithValue(LongPollQueue.Offer.FULL);
  }

  @Test
  void closeAnswersWaitingOffersClosed() {
    LongPollQueue<Item> q = weighed();
    q.offerAll(List.of(new Item(5)));
    CompletableFuture<LongPollQueue.Offer> waiting = q.offerAll(List.of(new Item(1)), Duration.ofMinutes(1));
    q.close();
    assertThat(waiting.join()).isEqualTo(LongPollQueue.Offer.CLOSED);
  }
}
