package org.metricspipeline.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.adapters.memory.MemoryStats;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;

/**
 * Stores N points (default 10 million) of the benchmark load ({@value Load#SERIES} series) in an
 * {@link InMemoryStorageAdapter} and reports the bytes per stored point twice: as the store
 * estimates it ({@link MemoryStats}), and as the heap grew between a full GC before and after.
 *
 * <pre>{@code
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar org.metricspipeline.benchmarks.MemoryFootprint [points]
 * }</pre>
 *
 * <p>The heap figure is a cross-check, not an exact measure: {@code System.gc()} is a request, and
 * whatever else the JVM allocated in between is counted too.
 */
public final class MemoryFootprint {

  static final long DEFAULT_POINTS = 10_000_000L;
  private static final int ITEMS_PER_BATCH = 100;
  private static final int POINTS_PER_BATCH = ITEMS_PER_BATCH * Load.METRICS_PER_ITEM;

  private MemoryFootprint() {}

  /** Runs the measurement; the optional argument is the number of points (a multiple of 10,000). */
  public static void main(String[] args) {
    long points = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : DEFAULT_POINTS;
    if (points < POINTS_PER_BATCH || points % POINTS_PER_BATCH != 0) {
      throw new IllegalArgumentException("points must be a positive multiple of " + POINTS_PER_BATCH
          + ", got " + points);
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);

    InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().maxPoints(points).build();
    // One scrape per host every 10 s, as an agent would: 10 million points span about 28 hours.
    Load load = new Load(System.currentTimeMillis() - Duration.ofDays(30).toMillis(), 10_000, 0);
    for (long stored = 0; stored < points; stored += POINTS_PER_BATCH) {
      List<MetricsData> batch = load.next(ITEMS_PER_BATCH, false);
      MetricsBatchResult result = storage.batchStore(batch).join();
      if (!result.allSucceeded()) {
        throw new IllegalStateException("store refused items: " + result.failures().get(0));
      }
    }
    load = null; // the tag maps and names the store keeps are its own now

    long after = usedAfterGc(memory);
    MemoryStats stats = storage.memoryStats();
    double heapPerPoint = (double) (after - before) / stats.points();
    System.out.printf(Locale.ROOT, "points stored:               %,d in %,d series%n", stats.points(), stats.series());
    System.out.printf(Locale.ROOT, "store estimate (MemoryStats): %,d bytes = %.2f bytes/point%n",
        stats.bytesUsed(), stats.bytesPerPoint());
    System.out.printf(Locale.ROOT, "heap growth after full GC:   %,d bytes = %.2f bytes/point%n",
        after - before, heapPerPoint);
    System.out.printf(Locale.ROOT, "goal: <= 20 bytes/point -> %s%n",
        Math.max(stats.bytesPerPoint(), heapPerPoint) <= 20 ? "met" : "NOT met");
    Reference.reachabilityFence(storage);
  }

  /** Heap in use after full collections, repeated until it stops shrinking. */
  static long usedAfterGc(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    // Repeat until the heap stops shrinking: one request may not collect everything.
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = memory.getHeapMemoryUsage().getUsed();
      if (now >= used) {
        return now;
      }
      used = now;
    }
    return used;
  }
}
