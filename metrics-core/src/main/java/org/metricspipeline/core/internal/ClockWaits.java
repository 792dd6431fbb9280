package org.metricspipeline.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits measured on an injected {@link Clock}: each wait has a due time on the clock, kept in a
 * queue that a short real-time tick on the owner's timer checks. A test that moves a mutable
 * clock past the due time releases the wait on the next tick; a zero or negative delay completes
 * at once, so a fixed clock with no backoff never waits. The tick runs only while waits are pending.
 */
public final class ClockWaits {
  private record Due(long atMillis, long seq, CompletableFuture<Void> wake) {}

  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final long tickNanos;
  private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.atMillis != b.atMillis
      ? Long.compare(a.atMillis, b.atMillis) : Long.compare(a.seq, b.seq));
  private long seq;
  private ScheduledFuture<?> tick;

  /** Waits on {@code clock}, checked every {@code tick} of real time on {@code timer}. */
  public ClockWaits(Clock clock, ScheduledExecutorService timer, Duration tick) {
    this.clock = clock;
    this.timer = timer;
    this.tickNanos = tick.toNanos();
  }

  /**
   * A future completed once the clock reads at least now + {@code delay}; completed at once for a
   * delay of zero or less. Throws {@link java.util.concurrent.RejectedExecutionException} when the
   * timer is shut down.
   */
  public synchronized CompletableFuture<Void> after(Duration delay) {
    CompletableFuture<Void> wake = new CompletableFuture<>();
    if (delay.isZero() || delay.isNegative()) {
      wake.complete(null);
      return wake;
    }
    long millis = Math.max(1L, delay.toMillis() + (delay.toNanosPart() % 1_000_000 == 0 ? 0 : 1));
    due.add(new Due(clock.millis() + millis, seq++, wake));
    if (tick == null) {
      tick = timer.scheduleWithFixedDelay(this::check, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }
    return wake;
  }

  /** Completes the waits whose due time the clock has reached; stops the tick when none is left. */
  public void check() {
    long now = clock.millis();
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (this) {
      while (!due.isEmpty() && (due.peek().atMillis <= now || due.peek().wake.isDone())) {
        ready.add(due.poll().wake);
      }
      if (due.isEmpty() && tick != null) {
        tick.cancel(false);
        tick = null;
      }
    }
    for (CompletableFuture<Void> f : ready) {
      f.complete(null);
    }
  }
}
