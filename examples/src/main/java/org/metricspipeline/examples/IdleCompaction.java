package org.metricspipeline.examples;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick-start server's second heap rule: once the collector has been quiet for a while after
 * activity, and the committed heap is well above what is in use, one full collection compacts the
 * heap so that G1 can give the rest back to the system.
 *
 * <p>G1's own idle collection ({@code G1PeriodicGCInterval}) starts a concurrent cycle, which frees
 * old regions only through mixed collections that an idle process never runs: after a million series
 * were written, the server stayed at 2.7x VictoriaMetrics' RSS with it, against 1.7x after a full
 * collection. A full collection every interval would cost CPU for nothing while idle, so this
 * collects once per quiet spell, and only when the heap is worth shrinking: committed at least
 * {@link #WASTE_RATIO} times the heap in use and {@link #MIN_WASTE_BYTES} above it. A service
 * embedding the store chooses its own collector settings; this is a server process' policy.
 */
final class IdleCompaction {

  /** How long no collection must have run before the heap counts as idle. */
  static final Duration QUIET = Duration.ofSeconds(5);
  static final double WASTE_RATIO = 1.5;
  static final long MIN_WASTE_BYTES = 64L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(IdleCompaction.class);

  private final State state = new State();
  private final HeapPolicy policy;

  private IdleCompaction(HeapPolicy policy) {
    this.policy = policy;
  }

  /**
   * Checks once a second, for the life of the process, on a daemon thread of its own; compacts
   * with the policy's flags tightened.
   */
  static void start(HeapPolicy policy) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metrics-examples-heap-1");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(new IdleCompaction(policy)::check, 1, 1, TimeUnit.SECONDS);
  }

  private void check() {
    try {
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      if (state.compactNow(collections(), System.nanoTime(), heap.getCommitted(), heap.getUsed())) {
        long start = System.nanoTime();
        policy.collectTight(System::gc);
        state.collected(collections());
        MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        LOG.info("idle heap compacted in {} ms: committed {} -> {} MB, in use {} -> {} MB",
            (System.nanoTime() - start) / 1_000_000, heap.getCommitted() >> 20, after.getCommitted() >> 20,
            heap.getUsed() >> 20, after.getUsed() >> 20);
      }
    } catch (RuntimeException e) {
      LOG.warn("idle heap check failed", e);
    }
  }

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  /** The decision, apart from the JVM: fed the collection count, the time and the heap's sizes. */
  static final class State {
    private long count = -1;
    private long changedAt;
    /** A collection ran since the last compaction (or since start): the heap may have grown. */
    private boolean active;

    /** Whether to compact now. */
    boolean compactNow(long collections, long nanos, long committed, long used) {
      if (collections != count) {
        active = count >= 0 || collections > 0;
        count = collections;
        changedAt = nanos;
        return false;
      }
      if (!active || nanos - changedAt < QUIET.toNanos()) {
        return false;
      }
      active = false; // once per quiet spell, whether worth it or not
      return committed >= WASTE_RATIO * used && committed - used >= MIN_WASTE_BYTES;
    }

    /** After a compaction: its own collections are not activity. */
    void collected(long collections) {
      count = collections;
    }
  }
}
