package org.metricspipeline.core.internal.channel;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.metricspipeline.api.Delivery;

/**
 * The queue between a channel's producers and the pipeline's polls, shared by every channel: a
 * bounded FIFO that answers long polls ("up to {@code max} items, waiting up to {@code maxWait} for
 * the first").
 *
 * <ul>
 *   <li><b>Bound.</b> It holds at most {@code capacity} items, counting those queued and those taken
 *       by a poll and not {@link #release() released} yet (a channel releases an item when its
 *       delivery is acked or rejected, and {@link #requeue requeues} it on nack). An offer that does
 *       not fit is refused whole.
 *   <li><b>Waits.</b> A poll that finds items answers at once on the caller's thread. Otherwise it
 *       waits in line: waiting polls are answered in the order they were made, with the first items
 *       to arrive, or empty once {@code maxWait} has passed, always on the {@code scheduler}'s
 *       thread (never on a producer's). An answer a caller no longer takes (its future was completed
 *       or cancelled meanwhile) goes back to the head of the queue, so no item is lost between a
 *       poll and its caller.
 *   <li><b>Close.</b> {@link #close()} refuses further offers and answers waiting polls empty; what
 *       is still queued stays for the channel to {@link #drain()} or inspect.
 * </ul>
 *
 * <p>{@code onTaken} runs under the queue's lock with every batch of items a poll takes (channels
 * track in-flight items or free room with it); it must be quick and must not call back into the
 * queue. Thread-safe.
 *
 * @param <T> the channel's deliveries
 */
public final class LongPollQueue<T extends Delivery> {

  /** What became of an offer. */
  public enum Offer {
    /** Every item is queued. */
    ACCEPTED,
    /** Nothing was queued: the items do not fit. */
    FULL,
    /** Nothing was queued: the queue is closed. */
    CLOSED
  }

  private static final long MAX_WAIT_NANOS = TimeUnit.DAYS.toNanos(365);

  private final int capacity;
  private final ScheduledExecutorService scheduler;
  private final Consumer<List<T>> onTaken;
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final ArrayDeque<Waiting<T>> waiting = new ArrayDeque<>();
  private long taken;
  private boolean dispatchScheduled;
  private boolean closed;

  /**
   * A queue of at most {@code capacity} held items that answers waiting polls on {@code scheduler}
   * (owned by the channel, which shuts it down after {@link #close()}).
   */
  public LongPollQueue(int capacity, ScheduledExecutorService scheduler, Consumer<List<T>> onTaken) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.onTaken = Objects.requireNonNull(onTaken, "onTaken");
  }

  /** A queue of at most {@code capacity} held items with nothing to do when items are taken. */
  public LongPollQueue(int capacity, ScheduledExecutorService scheduler) {
    this(capacity, scheduler, items -> { });
  }

  /** Queues one item at the tail, or says why not. */
  public Offer offer(T item) {
    return offerAll(List.of(item));
  }

  /** Queues every item at the tail in order, or none of them; says which. */
  public Offer offerAll(Collection<? extends T> items) {
    lock.lock();
    try {
      if (closed) {
        return Offer.CLOSED;
      }
      if (queue.size() + taken + items.size() > capacity) {
        return Offer.FULL;
      }
      queue.addAll(items);
      scheduleDispatchLocked();
      return Offer.ACCEPTED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts a taken item back at the head of the queue (a nack): it is handed out again before newer
   * items. It keeps its place in the bound; after close it stays queued for {@link #drain()}.
   */
  public void requeue(T item) {
    lock.lock();
    try {
      taken = Math.max(0, taken - 1);
      queue.addFirst(item);
      scheduleDispatchLocked();
    } finally {
      lock.unlock();
    }
  }

  /** A taken item was settled for good (acked or rejected): its place in the bound is free again. */
  public void release() {
    lock.lock();
    try {
      taken = Math.max(0, taken - 1);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Up to {@code max} items, waiting up to {@code maxWait} for the first (no wait when zero or
   * negative). Completes empty when nothing arrived in time or the queue is closed. The future is
   * the queue's own: a caller that cancels it gets its items put back.
   */
  public CompletableFuture<List<Delivery>> poll(int max, Duration maxWait) {
    @SuppressWarnings("unchecked") // the lists only ever hold T, which is a Delivery, and are never added to
    CompletableFuture<List<Delivery>> answer = (CompletableFuture<List<Delivery>>) (CompletableFuture<?>) take(max, maxWait);
    return answer;
  }

  private CompletableFuture<List<T>> take(int max, Duration maxWait) {
    if (max < 1) {
      throw new IllegalArgumentException("maxDeliveries must be >= 1, got " + max);
    }
    Objects.requireNonNull(maxWait, "maxWait");
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.completedFuture(List.of());
      }
      if (!queue.isEmpty() && waiting.isEmpty()) {
        return CompletableFuture.completedFuture(takeLocked(max));
      }
      if (maxWait.isZero() || maxWait.isNegative()) {
        return CompletableFuture.completedFuture(List.of());
      }
      Waiting<T> w = new Waiting<>(max);
      waiting.addLast(w);
      long nanos = Math.min(maxWait.toNanos(), MAX_WAIT_NANOS);
      w.timeout = scheduler.schedule(() -> expire(w), nanos, TimeUnit.NANOSECONDS);
      scheduleDispatchLocked();
      return w.future;
    } finally {
      lock.unlock();
    }
  }

  /** Items queued, not handed out yet. */
  public int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Items handed out and not released or requeued yet. */
  public long taken() {
    lock.lock();
    try {
      return taken;
    } finally {
      lock.unlock();
    }
  }

  /** Polls waiting for items. */
  public int waitingPolls() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /** The most items held. */
  public int capacity() {
    return capacity;
  }

  /** The queued items, oldest first (a copy; they stay queued). */
  public List<T> snapshot() {
    lock.lock();
    try {
      return new ArrayList<>(queue);
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns every queued item, oldest first. */
  public List<T> drain() {
    lock.lock();
    try {
      List<T> out = new ArrayList<>(queue);
      queue.clear();
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Refuses further offers and answers every waiting poll empty (on the caller's thread). Returns
   * how many items are still held: queued plus taken and not settled. Calling it again does nothing
   * more.
   */
  public long close() {
    List<Waiting<T>> answered;
    long held;
    lock.lock();
    try {
      closed = true;
      answered = new ArrayList<>(waiting);
      waiting.clear();
      held = queue.size() + taken;
    } finally {
      lock.unlock();
    }
    for (Waiting<T> w : answered) {
      w.timeout.cancel(false);
      w.future.complete(List.of());
    }
    return held;
  }

  private List<T> takeLocked(int max) {
    int n = Math.min(max, queue.size());
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(queue.pollFirst());
    }
    taken += n;
    onTaken.accept(out);
    return out;
  }

  /** Makes sure the scheduler thread will hand queued items to waiting polls. */
  private void scheduleDispatchLocked() {
    if (!dispatchScheduled && !waiting.isEmpty() && !queue.isEmpty() && !closed) {
      dispatchScheduled = true;
      try {
        scheduler.execute(this::dispatch);
      } catch (RejectedExecutionException e) {
        dispatchScheduled = false; // the channel is shutting down; close() answers the polls
      }
    }
  }

  private void dispatch() {
    List<Waiting<T>> served = new ArrayList<>();
    List<List<T>> answers = new ArrayList<>();
    lock.lock();
    try {
      dispatchScheduled = false;
      while (!waiting.isEmpty() && !queue.isEmpty()) {
        Waiting<T> w = waiting.pollFirst();
        served.add(w);
        answers.add(takeLocked(w.max));
      }
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < served.size(); i++) {
      Waiting<T> w = served.get(i);
      w.timeout.cancel(false);
      if (!w.future.complete(answers.get(i))) {
        // the caller completed or cancelled the poll itself: its items go back to the head
        List<T> back = answers.get(i);
        for (int j = back.size() - 1; j >= 0; j--) {
          requeue(back.get(j));
        }
      }
    }
  }

  private void expire(Waiting<T> w) {
    boolean removed;
    lock.lock();
    try {
      removed = waiting.remove(w);
    } finally {
      lock.unlock();
    }
    if (removed) {
      w.future.complete(List.of());
    }
  }

  private static final class Waiting<T> {
    final int max;
    final CompletableFuture<List<T>> future = new CompletableFuture<>();
    ScheduledFuture<?> timeout; // set under the queue's lock before any dispatch can see this poll

    Waiting(int max) {
      this.max = max;
    }
  }
}
