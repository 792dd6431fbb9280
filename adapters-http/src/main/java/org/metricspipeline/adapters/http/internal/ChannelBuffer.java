package org.metricspipeline.adapters.http.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.ValidationError;
import org.metricspipeline.core.internal.channel.LongPollQueue;
import org.metricspipeline.core.internal.channel.SettleOnceDelivery;

/**
 * The bounded buffer between HTTP requests and the pipeline's polls: core's {@link LongPollQueue}
 * (at most {@code capacity} items, queued or delivered and not settled yet). Each offered item has a
 * future that completes on ack and fails with {@link MetricsValidationException} on reject; a nack
 * puts the item back at the head of the queue.
 *
 * <p>Waiting polls are completed on the scheduler thread, never on a request thread.
 */
public final class ChannelBuffer {

  private final Duration retryAfter;
  private final boolean awaited;
  private final LongPollQueue<HttpDelivery> queue;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong nacked = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  /**
   * A buffer of {@code capacity} items completing waiting polls on {@code scheduler}; its
   * deliveries are {@link Delivery#awaited() awaited} when producers wait for the outcome.
   */
  public ChannelBuffer(int capacity, Duration retryAfter, ScheduledExecutorService scheduler, boolean awaited) {
    this.retryAfter = retryAfter;
    this.awaited = awaited;
    this.queue = new LongPollQueue<>(capacity, scheduler);
  }

  /**
   * Offers all items or none: when they do not all fit, fails with {@link OverloadedException}.
   * Returns one future per item, completing when it is acked.
   */
  public List<CompletableFuture<Void>> offerAll(List<MetricsData> items) {
    List<CompletableFuture<Void>> futures = new ArrayList<>(items.size());
    List<HttpDelivery> deliveries = new ArrayList<>(items.size());
    for (MetricsData item : items) {
      HttpDelivery d = new HttpDelivery(item, new CompletableFuture<>());
      deliveries.add(d);
      futures.add(d.stored);
    }
    switch (queue.offerAll(deliveries)) {
      case ACCEPTED -> {
        return futures;
      }
      case FULL -> {
        refused.addAndGet(items.size());
        throw new OverloadedException("the HTTP ingestion buffer is full (" + queue.capacity() + " items)", retryAfter);
      }
      default -> throw new OverloadedException("the HTTP ingestion channel is closed", retryAfter);
    }
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

    HttpDelivery(MetricsData data, CompletableFuture<Void> stored) {
      this.data = data;
      this.stored = stored;
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
      queue.release();
      acked.incrementAndGet();
      stored.complete(null);
    }

    @Override
    protected void onNack(String reason) {
      nacked.incrementAndGet();
      queue.requeue(new HttpDelivery(data, stored));
    }

    @Override
    protected void onReject(MetricsValidationResult reason) {
      queue.release();
      rejected.incrementAndGet();
      stored.completeExceptionally(new MetricsValidationException(
          reason.valid() ? MetricsValidationResult.of(List.of(
              new ValidationError("", "rejected by the pipeline"))) : reason));
    }
  }
}
