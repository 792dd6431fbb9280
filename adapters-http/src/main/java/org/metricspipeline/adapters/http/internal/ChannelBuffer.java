package org.metricspipeline.adapters.http.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.ValidationError;
import org.metricspipeline.core.internal.channel.LongPollQueue;
import org.metricspipeline.core.internal.channel.SettleOnceDelivery;

/**
 * The bounded buffer between HTTP requests and the pipeline's polls: core's {@link LongPollQueue}
 * (at most {@code capacity} items and {@code maxPoints} points, queued or delivered and not settled
 * yet; a single request larger than {@code maxPoints} is taken when the buffer is empty). Each
 * offered item has a future that completes on ack and fails with {@link MetricsValidationException}
 * on reject; a nack puts the item back at the head of the queue.
 *
 * <p>Why points too: an item holds any number of points, and every point buffered is a live object
 * the garbage collector copies on each young collection. A buffer of 10,000 items of 100 points
 * each (a million points) made every young pause copy the backlog, so the pauses grew with it (0.1
 * to 3 s) and the store fell further behind. A few hundred thousand points keep the pipeline's
 * writers busy; beyond that a buffer only adds latency and collection work.
 *
 * <p>Waiting polls are completed on the scheduler thread, never on a request thread.
 */
public final class ChannelBuffer {

  private final Duration retryAfter;
  private final boolean awaited;
  private final long maxPoints;
  private final LongPollQueue<HttpDelivery> queue;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong nacked = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  /** What checked deliveries report as {@link Delivery#checkedBy()}: made once, not per item. */
  private final Optional<MetricsValidator> checkedBy;

  /**
   * A buffer of {@code capacity} items completing waiting polls on {@code scheduler}; its
   * deliveries are {@link Delivery#awaited() awaited} when producers wait for the outcome.
   */
  public ChannelBuffer(int capacity, Duration retryAfter, ScheduledExecutorService scheduler, boolean awaited) {
    this(capacity, Long.MAX_VALUE, retryAfter, scheduler, awaited, null);
  }

  /** As above, also holding at most {@code maxPoints} points. */
  public ChannelBuffer(int capacity, long maxPoints, Duration retryAfter, ScheduledExecutorService scheduler,
      boolean awaited) {
    this(capacity, maxPoints, retryAfter, scheduler, awaited, null);
  }

  /**
   * As above; items offered as checked report
   * {@code validator} as {@link Delivery#checkedBy()} (null: none does, the pipeline checks every item).
   */
  public ChannelBuffer(int capacity, long maxPoints, Duration retryAfter, ScheduledExecutorService scheduler,
      boolean awaited, MetricsValidator validator) {
    this.checkedBy = Optional.ofNullable(validator);
    this.retryAfter = retryAfter;
    this.awaited = awaited;
    this.maxPoints = maxPoints;
    this.queue = new LongPollQueue<>(capacity, maxPoints, d -> d.data.metrics().size(), scheduler, list -> { });
  }

  /**
   * Offers all items or none, waiting up to {@code maxWait} for room (on the scheduler's thread):
   * completes with one future per item (completing when it is acked), or fails with
   * {@link OverloadedException} when they did not fit in time or the buffer is closed. The items
   * must have been checked with this buffer's validator.
   */
  public CompletableFuture<List<CompletableFuture<Void>>> offerAll(List<MetricsData> items, Duration maxWait) {
    List<HttpDelivery> deliveries = deliveries(items, true);
    return queue.offerAll(deliveries, maxWait).thenApply(offer -> outcome(offer, deliveries,
        maxWait.isZero() ? "" : " and stayed full for " + maxWait));
  }

  private List<HttpDelivery> deliveries(List<MetricsData> items, boolean checked) {
    List<HttpDelivery> deliveries = new ArrayList<>(items.size());
    for (MetricsData item : items) {
      deliveries.add(new HttpDelivery(item, new CompletableFuture<>(), checked));
    }
    return deliveries;
  }

  /** The deliveries' futures when accepted; else the refusal, counted ({@code full}: what follows "full"). */
  private List<CompletableFuture<Void>> outcome(LongPollQueue.Offer offer, List<HttpDelivery> deliveries,
      String full) {
    switch (offer) {
      case ACCEPTED -> {
        List<CompletableFuture<Void>> futures = new ArrayList<>(deliveries.size());
        for (HttpDelivery d : deliveries) {
          futures.add(d.stored);
        }
        return futures;
      }
      case FULL -> {
        refused.addAndGet(deliveries.size());
        throw new OverloadedException("the HTTP ingestion buffer is full (" + bounds() + ")" + full, retryAfter);
      }
      default -> throw new OverloadedException("the HTTP ingestion channel is closed", retryAfter);
    }
  }

  private String bounds() {
    return queue.capacity() + " items" + (maxPoints == Long.MAX_VALUE ? "" : ", " + maxPoints + " points");
  }

  /** Offers waiting for room. */
  public int waitingOffers() {
    return queue.waitingOffers();
  }

  /** Points held: queued, or delivered and not settled. */
  public long points() {
    return queue.weight();
  }

  /**
   * Offers all items or none: when they do not all fit, fails with {@link OverloadedException}.
   * Returns one future per item, completing when it is acked. {@code checked}: the items were
   * checked with this buffer's validator (false: the pipeline checks them).
   */
  public List<CompletableFuture<Void>> offerAll(List<MetricsData> items, boolean checked) {
    List<HttpDelivery> deliveries = deliveries(items, checked);
    return outcome(queue.offerAll(deliveries), deliveries, "");
  }

  /** {@link #offerAll(List, boolean)} of items the pipeline checks. */
  public List<CompletableFuture<Void>> offerAll(List<MetricsData> items) {
    return offerAll(items, false);
  }

  /** Takes up to {@code max} deliveries, waiting up to {@code maxWait} for the first. */
  public CompletableFuture<List<Delivery>> poll(int max, Duration maxWait) {
    return queue.poll(max, maxWait);
  }

  /** Items queued, not delivered yet. */
  public int queued() {
    return queue.queued();
  }

  /** Items delivered and not settled yet. */
  public int unsettled() {
    return (int) queue.taken();
  }

  /** The most items held. */
  public int capacity() {
    return queue.capacity();
  }

  /** Items acked, nacked, rejected, and refused because the buffer was full. */
  public long[] counters() {
    return new long[] {acked.get(), nacked.get(), rejected.get(), refused.get()};
  }

  /** Refuses further items and completes waiting polls empty; returns how many items are still held. */
  public int close() {
    return (int) queue.close();
  }

  private final class HttpDelivery extends SettleOnceDelivery {
    private final MetricsData data;
    private final CompletableFuture<Void> stored;
    private final boolean checked;

    HttpDelivery(MetricsData data, CompletableFuture<Void> stored, boolean checked) {
      this.data = data;
      this.stored = stored;
      this.checked = checked;
    }

    @Override
    public Optional<MetricsValidator> checkedBy() {
      return checked ? ChannelBuffer.this.checkedBy : Optional.empty();
    }

    @Override
    public MetricsData data() {
      return data;
    }

    @Override
    public boolean awaited() {
      return awaited;
    }

    @Override
    protected void onAck() {
      queue.release(this);
      acked.incrementAndGet();
      stored.complete(null);
    }

    @Override
    protected void onNack(String reason) {
      nacked.incrementAndGet();
      queue.requeue(new HttpDelivery(data, stored, checked));
    }

    @Override
    protected void onReject(MetricsValidationResult reason) {
      queue.release(this);
      rejected.incrementAndGet();
      stored.completeExceptionally(new MetricsValidationException(
          reason.valid() ? MetricsValidationResult.of(List.of(
              new ValidationError("", "rejected by the pipeline"))) : reason));
    }
  }
}
