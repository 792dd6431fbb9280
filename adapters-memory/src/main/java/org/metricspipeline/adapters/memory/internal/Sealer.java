package org.metricspipeline.adapters.memory.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.metricspipeline.core.internal.NamedThreads;

/**
 * Seals (compresses) full chunks off the writers' threads: one named daemon thread
 * ({@code metrics-memory-sealer-N}, ending after a second idle and started again with the next
 * chunk) works through a list of the full chunks handed over.
 *
 * <p>Handing a chunk over never blocks and never seals on the spot: the store hands chunks over
 * while holding its head's lock, where sealing a burst (series written in step fill their chunks in
 * the same drain) would stall every other writer. The list holds only references to chunks that are
 * in memory anyway; when it grows past {@value #BACKLOG_LIMIT} chunks, writers seal some themselves
 * ({@link #helpIfBehind()}), outside the store's locks, so a sealer that cannot keep up slows the
 * writers down instead of letting unsealed chunks (12 bytes a point) pile up.
 *
 * <p>Until it is sealed a full chunk stays in its series as it was (plain columns, readable): a
 * sealed twin holds the same points, so readers never see the swap.
 */
final class Sealer {

  /** Chunks waiting beyond which writers seal some themselves. */
  static final int BACKLOG_LIMIT = 4096;
  /** The most chunks a writer seals in one {@link #helpIfBehind()}. */
  static final int HELP_BATCH = 256;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private record Job(Series series, Chunk full) {
    void run() {
      series.sealed(full, full.seal());
    }
  }

  private final ConcurrentLinkedQueue<Job> jobs = new ConcurrentLinkedQueue<>();
  /** Chunks handed over and not yet sealed (queued or being sealed). */
  private final AtomicInteger backlog = new AtomicInteger();
  private final AtomicBoolean working = new AtomicBoolean();
  private final ThreadPoolExecutor executor;

  Sealer() {
    executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> NamedThreads.create("memory", "sealer", THREADS.incrementAndGet(), r));
    executor.allowCoreThreadTimeOut(true);
  }

  /** Hands {@code full} (a full, open chunk of {@code series}) over to be sealed soon. */
  void seal(Series series, Chunk full) {
    backlog.incrementAndGet();
    jobs.add(new Job(series, full));
    if (working.compareAndSet(false, true)) {
      try {
        executor.execute(this::work);
      } catch (RejectedExecutionException e) {
        working.set(false); // closed: the chunk stays unsealed, its points readable as they are
      }
    }
  }

  /** The sealer thread's task: seals until the list is empty, then ends (started again on demand). */
  private void work() {
    while (true) {
      Job j;
      while ((j = jobs.poll()) != null) {
        if (Thread.currentThread().isInterrupted()) {
          return; // closed
        }
        runCounted(j);
      }
      working.set(false);
      // a chunk handed over after the last poll but before the flag was cleared would wait otherwise
      if (jobs.isEmpty() || !working.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void runCounted(Job j) {
    try {
      j.run();
    } finally {
      backlog.decrementAndGet();
    }
  }

  /**
   * Seals up to {@value #HELP_BATCH} waiting chunks on the caller's thread when more than
   * {@value #BACKLOG_LIMIT} wait; the caller holds none of the store's locks.
   */
  void helpIfBehind() {
    for (int i = 0; i < HELP_BATCH && backlog.get() > BACKLOG_LIMIT; i++) {
      Job j = jobs.poll();
      if (j == null) {
        return;
      }
      runCounted(j);
    }
  }

  /** Chunks handed over and not yet sealed. */
  int backlog() {
    return backlog.get();
  }

  /** Waits until every chunk handed over so far is sealed, sealing waiting ones on this thread too. */
  void awaitIdle() {
    while (backlog.get() > 0 && !executor.isShutdown()) {
      Job j = jobs.poll();
      if (j != null) {
        runCounted(j);
      } else {
        Thread.yield(); // the last ones are being sealed on the sealer's thread
      }
    }
  }

  /** Stops the thread; chunks still waiting stay unsealed (their points are readable as they are). */
  void close() {
    executor.shutdownNow();
  }
}
