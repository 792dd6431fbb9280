package org.metricspipeline.adapters.memory.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.metricspipeline.core.internal.NamedThreads;

/**
 * Seals (compresses) full chunks off the writers' threads: one named daemon thread
 * ({@code metrics-memory-sealer-N}) behind a bounded queue of {@value #QUEUE_CAPACITY} chunks. When
 * the queue is full the writer seals the chunk itself, so a burst slows writers down instead of
 * growing a queue; the thread ends after a second idle and starts again with the next chunk.
 *
 * <p>Until it is sealed a full chunk stays in its series as it was (plain columns, readable): a
 * sealed twin holds the same points, so readers never see the swap.
 */
final class Sealer {

  static final int QUEUE_CAPACITY = 4096;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ThreadPoolExecutor executor;

  Sealer() {
    executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
        r -> NamedThreads.create("memory", "sealer", THREADS.incrementAndGet(), r));
    executor.allowCoreThreadTimeOut(true);
  }

  /** Seals {@code full} (a full, open chunk of {@code series}) soon: on the sealer's thread, or now. */
  void seal(Series series, Chunk full) {
    try {
      executor.execute(() -> series.sealed(full, full.seal()));
    } catch (RejectedExecutionException e) {
      series.sealed(full, full.seal()); // queue full (or closed): the writer does it
    }
  }

  /** Waits until every chunk handed over so far is sealed (for figures that count sealed bytes). */
  void awaitIdle() {
    while (!executor.isShutdown()) {
      try {
        executor.submit(() -> { }).get();
        return;
      } catch (RejectedExecutionException e) {
        Thread.yield(); // the queue is full: it drains on its own
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        return;
      }
    }
  }

  /** Stops the thread; chunks still queued stay unsealed (their points are readable as they are). */
  void close() {
    executor.shutdownNow();
  }
}
