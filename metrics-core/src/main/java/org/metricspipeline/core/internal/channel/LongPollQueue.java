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
import java.util.function.ToIntFunction;
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
 *   <li><b>Weight.</b> Optionally it also holds at most {@code maxWeight} in total, each item
 *       weighing what {@code weigher} says (a channel of whole items weighs their points, so the
 *       memory held depends on the points buffered, not only on the items). An offer weighing more
 *       than {@code maxWeight} on its own is taken when nothing else is held, so it is never refused
 *       for good. A weighed item frees its weight with {@link #release(Delivery) release(item)}.
 *   <li><b>Waiting offers.</b> {@link #offerAll(Collection, Duration)} waits up to its
 *       {@code maxWait} for room instead of answering {@link Offer#FULL} at once: offers waiting for
 *       room are taken in the order they were made (a later offer never passes one waiting), and
 *       their futures complete on the {@code scheduler}'s thread. This is the backpressure a
 *       producer waiting for its answer feels as latency rather than as a refusal.
 *   <li><b>Close.</b> {@link #close()} refuses further offers, answers waiting polls empty and
 *       waiting offers {@link Offer#CLOSED}; what is still queued stays for the channel to
 *       {@link #drain()} or inspect.
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
  private final long maxWeight;
  private final ToIntFunction<? super T> weigher;
  private final ScheduledExecutorService scheduler;
  private final Consumer<List<T>> onTaken;
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final ArrayDeque<Waiting<T>> waiting = new ArrayDeque<>();
  private final ArrayDeque<WaitingOffer<T>> waitingOffers = new ArrayDeque<>();
  private long taken;
  private long weight; // of the items queued and taken, not released yet
  private boolean dispatchScheduled;
  private boolean closed;

  /**
   * A queue of at most {@code capacity} held items that answers waiting polls on {@code scheduler}
   * (owned by the channel, which shuts it down after {@link #close()}).
   */
  public LongPollQueue(int capacity, ScheduledExecutorService scheduler, Consumer<List<T>> onTaken) {
    this(capacity, Long.MAX_VALUE, item -> 0, scheduler, onTaken);
  }

  /**
   * A queue of at most {@code capacity} held items weighing at most {@code maxWeight} together
   * (each as {@code weigher} says, at least 0), answering waiting polls and offers on
   * {@code scheduler}.
   */
  public LongPollQueue(int capacity, long maxWeight, ToIntFunction<? super T> weigher,
      ScheduledExecutorService scheduler, Consumer<List<T>> onTaken) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    if (maxWeight < 1) {
      throw new IllegalArgumentException("maxWeight must be >= 1, got " + maxWeight);
    }
    this.capacity = capacity;
    this.maxWeight = maxWeight;
    this.weigher = Objects.requireNonNull(weigher, "weigher");
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
      long w = weigh(items);
      if (!waitingOffers.isEmpty() || !fitsLocked(items.size(), w)) {
        return Offer.FULL;
      }
      addLocked(items, w);
      return Offer.ACCEPTED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues every item at the tail in order, or none of them, waiting up to {@code maxWait} for
   * room (none when zero): completes {@link Offer#ACCEPTED} once queued, {@link Offer#FULL} when
   * there was no room in time, {@link Offer#CLOSED} when the queue is or gets closed. A wait ends
   * on the scheduler's thread.
   */
  public CompletableFuture<Offer> offerAll(Collection<? extends T> items, Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.completedFuture(Offer.CLOSED);
      }
      long w = weigh(items);
      if (waitingOffers.isEmpty() && fitsLocked(items.size(), w)) {
        addLocked(items, w);
        return CompletableFuture.completedFuture(Offer.ACCEPTED);
      }
      if (maxWait.isZero() || maxWait.isNegative()) {
        return CompletableFuture.completedFuture(Offer.FULL);
      }
      WaitingOffer<T> o = new WaitingOffer<>(List.copyOf(items), w);
      waitingOffers.addLast(o);
      try {
        o.timeout = scheduler.schedule(() -> expire(o), Math.min(maxWait.toNanos(), MAX_WAIT_NANOS),
            TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        waitingOffers.removeLast();
        return CompletableFuture.completedFuture(Offer.CLOSED);
      }
      return o.future;
    } finally {
      lock.unlock();
    }
  }

  /** Offers waiting for room now. */
  public int waitingOffers() {
    lock.lock();
    try {
      return waitingOffers.size();
    } finally {
      lock.unlock();
    }
  }

  /** The weight of the items held now (queued, or taken and not released). */
  public long weight() {
    lock.lock();
    try {
      return weight;
    } finally {
      lock.unlock();
    }
  }

  private long weigh(Collection<? extends T> items) {
    long w = 0;
    for (T item : items) {
      w += Math.max(0, weigher.applyAsInt(item));
    }
    return w;
  }

  /** Whether items of this count and weight fit now; anything fits an empty queue's weight. */
  private boolean fitsLocked(int count, long w) {
    long held = queue.size() + taken;
    return held + count <= capacity && (weight + w <= maxWeight || held == 0);
  }

  private void addLocked(Collection<? extends T> items, long w) {
    queue.addAll(items);
    weight += w;
    scheduleDispatchLocked();
  }

  /** Takes the waiting offers that fit now, in order; their futures complete on the scheduler. */
  private void admitWaitingOffersLocked() {
    if (waitingOffers.isEmpty()) {
      return;
    }
    List<WaitingOffer<T>> admitted = null;
    while (!waitingOffers.isEmpty()) {
      WaitingOffer<T> o = waitingOffers.peekFirst();
      if (!fitsLocked(o.items.size(), o.weight)) {
        break;
      }
      waitingOffers.pollFirst();
      addLocked(o.items, o.weight);
      if (admitted == null) {
        admitted = new ArrayList<>();
      }
      admitted.add(o);
    }
    if (admitted != null) {
      List<WaitingOffer<T>> done = admitted;
      Runnable complete = () -> {
        for (WaitingOffer<T> o : done) {
          o.timeout.cancel(false);
          o.future.complete(Offer.ACCEPTED);
        }
      };
      try {
        scheduler.execute(complete);
      } catch (RejectedExecutionException e) {
        complete.run(); // the channel is shutting down: answer on this thread rather than never
      }
    }
  }

  private void expire(WaitingOffer<T> o) {
    boolean removed;
    lock.lock();
    try {
      removed = waitingOffers.remove(o);
      if (removed) {
        admitWaitingOffersLocked(); // a large offer at the head may have held smaller ones back
      }
    } finally {
      lock.unlock();
    }
    if (removed) {
      o.future.complete(Offer.FULL);
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
      admitWaitingOffersLocked();
    } finally {
      lock.unlock();
    }
  }

  /** As {@link #release()}, also freeing the item's weight. */
  public void release(T item) {
    int w = Math.max(0, weigher.applyAsInt(item));
    lock.lock();
    try {
      taken = Math.max(0, taken - 1);
      weight = Math.max(0, weight - w);
      admitWaitingOffersLocked();
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
      weight = Math.max(0, weight - weigh(out));
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
    List<WaitingOffer<T>> refused;
    long held;
    lock.lock();
    try {
      closed = true;
      answered = new ArrayList<>(waiting);
      waiting.clear();
      refused = new ArrayList<>(waitingOffers);
      waitingOffers.clear();
      held = queue.size() + taken;
    } finally {
      lock.unlock();
    }
    for (Waiting<T> w : answered) {
      w.timeout.cancel(false);
      w.future.complete(List.of());
    }
    for (WaitingOffer<T> o : refused) {
      o.timeout.cancel(false);
      o.future.complete(Offer.CLOSED);
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
        if (w.future.isDone()) {
          w.timeout.cancel(false); // its caller cancelled it: nothing to hand it
          continue;
        }
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

  private static final class WaitingOffer<T> {
    final List<T> items;
    final long weight;
    final CompletableFuture<Offer> future = new CompletableFuture<>();
    ScheduledFuture<?> timeout; // set under the queue's lock before anyone can admit this offer

    WaitingOffer(List<T> items, long weight) {
      this.items = items;
      this.weight = weight;
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
