package org.metricspipeline.adapters.http.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.OverloadedException;

/**
 * The bounded buffer between HTTP requests and the pipeline's polls. It holds at most
 * {@code capacity} items, queued or delivered and not settled yet. Each offered item has a future
 * that completes on ack and fails with {@link MetricsValidationException} on reject; a nack puts
 * the item back at the head of the queue.
 *
 * <p>Waiting polls are completed on the scheduler thread, never on a request thread.
 */
public final class ChannelBuffer {

  private final int capacity;
  private final Duration retryAfter;
  private final ScheduledExecutorService scheduler;
  private final boolean awaited;
  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int unsettled;
  private boolean closed;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong nacked = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  /**
   * A buffer of {@code capacity} items completing waiting polls on {@code scheduler}; its
   * deliveries are {@link Delivery#awaited() awaited} when producers wait for the outcome.
   */
  public ChannelBuffer(int capacity, Duration retryAfter, ScheduledExecutorService scheduler, boolean awaited) {
    this.capacity = capacity;
    this.retryAfter = retryAfter;
    this.scheduler = scheduler;
    this.awaited = awaited;
  }

  /**
   * Offers all items or none: when they do not all fit, fails with {@link OverloadedException}.
   * Returns one future per item, completing when it is acked.
   */
  public List<CompletableFuture<Void>> offerAll(List<MetricsData> items) {
    List<CompletableFuture<Void>> futures = new ArrayList<>(items.size());
    List<Runnable> wake;
    synchronized (this) {
      if (closed) {
        throw new OverloadedException("the HTTP ingestion channel is closed", retryAfter);
      }
      if (queue.size() + unsettled + items.size() > capacity) {
        refused.addAndGet(items.size());
        throw new OverloadedException("the HTTP ingestion buffer is full (" + capacity + " items)", retryAfter);
      }
      for (MetricsData item : items) {
        Entry e = new Entry(item);
        queue.addLast(e);
        futures.add(e.stored);
      }
      wake = drainToWaiting();
    }
    wake.forEach(scheduler::execute);
    return futures;
  }

  /** Takes up to {@code max} deliveries, waiting up to {@code maxWait} for the first. */
  public CompletableFuture<List<Delivery>> poll(int max, Duration maxWait) {
    synchronized (this) {
      if (!queue.isEmpty()) {
        return CompletableFuture.completedFuture(take(max));
      }
      if (closed || maxWait.isZero() || maxWait.isNegative()) {
        return CompletableFuture.completedFuture(List.of());
      }
      Waiting w = new Waiting(max, new CompletableFuture<>());
      waiting.addLast(w);
      // set under the lock, before drainToWaiting (also under it) can hand this poll items
      w.timeout = scheduler.schedule(() -> {
        synchronized (this) {
          waiting.remove(w);
        }
        w.future.complete(List.of());
      }, maxWait.toMillis(), TimeUnit.MILLISECONDS);
      return w.future;
    }
  }

  /** Items queued, not delivered yet. */
  public synchronized int queued() {
    return queue.size();
  }

  /** Items delivered and not settled yet. */
  public synchronized int unsettled() {
    return unsettled;
  }

  /** The most items held. */
  public int capacity() {
    return capacity;
  }

  /** Items acked, nacked, rejected, and refused because the buffer was full. */
  public long[] counters() {
    return new long[] {acked.get(), nacked.get(), rejected.get(), refused.get()};
  }

  /** Refuses further items and completes waiting polls empty; returns how many items are still held. */
  public int close() {
    List<Waiting> w;
    int held;
    synchronized (this) {
      closed = true;
      w = new ArrayList<>(waiting);
      waiting.clear();
      held = queue.size() + unsettled;
    }
    w.forEach(x -> x.future.complete(List.of()));
    return held;
  }

  private List<Delivery> take(int max) {
    List<Delivery> out = new ArrayList<>(Math.min(max, queue.size()));
    while (out.size() < max && !queue.isEmpty()) {
      Entry e = queue.pollFirst();
      unsettled++;
      out.add(new HttpDelivery(e));
    }
    return out;
  }

  private List<Runnable> drainToWaiting() {
    List<Runnable> wake = new ArrayList<>();
    while (!waiting.isEmpty() && !queue.isEmpty()) {
      Waiting w = waiting.pollFirst();
      List<Delivery> d = take(w.max);
      // a poll answered with items needs no timeout: cancelling keeps the timer's queue short
      w.timeout.cancel(false);
      wake.add(() -> {
        if (!w.future.complete(d)) {
          // the poll timed out meanwhile: hand the items back
          d.forEach(x -> x.nack("poll timed out"));
        }
      });
    }
    return wake;
  }

  private static final class Waiting {
    final int max;
    final CompletableFuture<List<Delivery>> future;
    java.util.concurrent.ScheduledFuture<?> timeout; // guarded by the buffer's lock

    Waiting(int max, CompletableFuture<List<Delivery>> future) {
      this.max = max;
      this.future = future;
    }
  }

  private static final class Entry {
    final MetricsData data;
    final CompletableFuture<Void> stored = new CompletableFuture<>();

    Entry(MetricsData data) {
      this.data = data;
    }
  }

  private final class HttpDelivery implements Delivery {
    private final Entry entry;
    private final AtomicBoolean settled = new AtomicBoolean();

    HttpDelivery(Entry entry) {
      this.entry = entry;
    }

    @Override
    public MetricsData data() {
      return entry.data;
    }

    @Override
    public boolean awaited() {
      return awaited;
    }

    @Override
    public void ack() {
      if (settled.compareAndSet(false, true)) {
        synchronized (ChannelBuffer.this) {
          unsettled--;
        }
        acked.incrementAndGet();
        entry.stored.complete(null);
      }
    }

    @Override
    public void nack(String reason) {
      if (settled.compareAndSet(false, true)) {
        nacked.incrementAndGet();
        List<Runnable> wake;
        synchronized (ChannelBuffer.this) {
          unsettled--;
          queue.addFirst(entry);
          wake = drainToWaiting();
        }
        wake.forEach(scheduler::execute);
      }
    }

    @Override
    public void reject(MetricsValidationResult reason) {
      if (settled.compareAndSet(false, true)) {
        synchronized (ChannelBuffer.this) {
          unsettled--;
        }
        rejected.incrementAndGet();
        entry.stored.completeExceptionally(new MetricsValidationException(
            reason.valid() ? MetricsValidationResult.of(List.of(
                new org.metricspipeline.api.ValidationError("", "rejected by the pipeline"))) : reason));
      }
    }
  }
}
