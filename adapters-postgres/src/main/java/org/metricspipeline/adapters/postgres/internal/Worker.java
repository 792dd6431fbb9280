package org.metricspipeline.adapters.postgres.internal;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.StorageUnavailableException;

/**
 * The bounded executor behind the store's and the sink's asynchronous calls: named threads, a bounded
 * queue (a full one fails the call with {@link OverloadedException}), failures mapped to
 * {@link MetricsPipelineException}s, and a close that lets queued calls finish.
 */
public final class Worker {

  private final String what;
  private final ThreadPoolExecutor executor;
  private volatile boolean closed;

  /** {@code threads} threads named {@code <threadPrefix>-N}; {@code what} names the component in errors. */
  public Worker(String what, String threadPrefix, int threads, int queueCapacity) {
    this.what = what;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queueCapacity), r -> {
          Thread t = new Thread(r, threadPrefix + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Runs {@code work} on a worker thread; a closed worker or a full queue fails the future at once. */
  public <T> CompletableFuture<T> run(Supplier<T> work) {
    if (closed) {
      return CompletableFuture.failedFuture(new StorageUnavailableException(what + " is closed"));
    }
    CompletableFuture<T> future = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          future.complete(work.get());
        } catch (MetricsPipelineException e) {
          future.completeExceptionally(e);
        } catch (IllegalArgumentException e) {
          future.completeExceptionally(new MetricsPipelineException(e.getMessage(), e));
        } catch (RuntimeException e) {
          future.completeExceptionally(new MetricsPipelineException(what + " failed: " + e, e));
        }
      });
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(closed ? new StorageUnavailableException(what + " is closed")
          : new OverloadedException(what + " queue is full (" + executor.getQueue().size() + " calls waiting)",
              Duration.ofMillis(100)));
    }
    return future;
  }

  /** Lets queued calls finish (up to {@code timeout}), then stops the threads; false when already closed. */
  public boolean close(Duration timeout) {
    if (closed) {
      return false;
    }
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    return true;
  }
}
