package org.metricspipeline.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Instant;
import java.util.Locale;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.adapters.memory.MemoryStats;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;

/**
 * Heap per series at production cardinality: fills an {@link InMemoryStorageAdapter} with
 * {@code series} series (default 1 million) of {@code points} points each (default 3: sweeps 10 s
 * apart, values varying, a fresh tag map per point so that only what the store keeps stays
 * reachable), then rolls them up at 1m, 5m and 1h as the rollup job would, and reports the heap
 * after a full GC per series and per point at each stage.
 *
 * <pre>{@code
 * java -Xms4g -Xmx4g -cp benchmarks/target/benchmarks.jar org.metricspipeline.benchmarks.SeriesFootprint [series] [points]
 * }</pre>
 *
 * <p>Heap after GC is a cross-check, not an exact measure ({@code System.gc()} is a request); the
 * RSS of a process also holds the JVM itself and the collector's free room.
 */
public final class SeriesFootprint {

  private static final int ITEMS_PER_BATCH = 10;

  private SeriesFootprint() {}

  /** Runs the measurement. */
  public static void main(String[] args) {
    int series = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    int points = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    if (series < CardinalityLoad.METRICS_PER_HOST || series % CardinalityLoad.METRICS_PER_HOST != 0) {
      throw new IllegalArgumentException("series must be a positive multiple of 100, got " + series);
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = MemoryFootprint.usedAfterGc(memory);
    long t0 = System.nanoTime();

    InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().maxPoints(1_000_000_000L).build();
    long start = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    CardinalityLoad load = new CardinalityLoad(series / CardinalityLoad.METRICS_PER_HOST, start, 10_000, false);
    long total = (long) series * points;
    for (long stored = 0; stored < total; stored += ITEMS_PER_BATCH * CardinalityLoad.METRICS_PER_HOST) {
      MetricsBatchResult result = storage.batchStore(load.next(ITEMS_PER_BATCH)).join();
      if (!result.allSucceeded()) {
        throw new IllegalStateException("store refused items: " + result.failures().get(0));
      }
    }
    load = null;
    double seconds = (System.nanoTime() - t0) / 1e9;
    long afterStore = MemoryFootprint.usedAfterGc(memory);
    MemoryStats stats = storage.memoryStats();
    System.out.printf(Locale.ROOT, "stored %,d points in %,d series in %.1f s (%.0f points/s, one thread)%n",
        stats.points(), stats.series(), seconds, stats.points() / seconds);
    report("store only", afterStore - before, stats);
    System.out.printf(Locale.ROOT, "  store estimate (MemoryStats): %,d bytes = %.0f bytes/series%n",
        stats.bytesUsed(), (double) stats.bytesUsed() / stats.series());

    long end = start + (long) points * 10_000 + 3_600_000;
    end -= Math.floorMod(end, 3_600_000L);
    for (Resolution r : new Resolution[] {Resolution.ONE_MINUTE, Resolution.FIVE_MINUTES, Resolution.ONE_HOUR}) {
      storage.rollup(r, TimeRange.until(Instant.ofEpochMilli(end))).join();
    }
    long afterRollups = MemoryFootprint.usedAfterGc(memory);
    report("store + 1m/5m/1h rollups", afterRollups - before, stats);
    System.out.printf(Locale.ROOT, "  of which rollups: %,d bytes = %.0f bytes/series%n",
        afterRollups - afterStore, (double) (afterRollups - afterStore) / stats.series());
    Reference.reachabilityFence(storage);
  }

  private static void report(String what, long bytes, MemoryStats stats) {
    System.out.printf(Locale.ROOT, "%-26s heap after full GC %,d MB = %.0f bytes/series, %.1f bytes/point%n",
        what + ":", bytes >> 20, (double) bytes / stats.series(), (double) bytes / stats.points());
  }

}
