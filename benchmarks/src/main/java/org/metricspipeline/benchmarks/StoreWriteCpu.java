package org.metricspipeline.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.MetricsBatchResult;

/**
 * {@link StoreWriteBenchmark}'s load timed by CPU rather than by the clock, for a machine shared
 * with other builds: one writer thread stores sweeps over {@code series} series (1,000 points per
 * call), and per point it reports the process' CPU time (the writer, the sealer thread and the
 * collector), the writer thread's CPU time, the bytes the writer allocated, and the wall-clock rate.
 *
 * <pre>{@code
 * java -Xms3g -Xmx3g -cp benchmarks/target/benchmarks.jar org.metricspipeline.benchmarks.StoreWriteCpu [series] [sweeps] [items per call]
 * }</pre>
 *
 * <p>Items per call default to 10 (1,000 points); the HTTP server's pipeline hands the store up to
 * 50 items of 1,000 points per call.
 */
public final class StoreWriteCpu {

  private StoreWriteCpu() {}

  /** Runs one warm-up of {@code sweeps} sweeps, then {@code sweeps} measured ones (default 100,000 series, 20, 10 items per call). */
  public static void main(String[] args) {
    int series = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 100_000;
    int sweeps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int items = args.length > 2 ? Integer.parseInt(args[2]) : StoreWriteBenchmark.ITEMS_PER_CALL;
    InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().maxPoints(1_000_000_000L).build();
    CardinalityLoad load = new CardinalityLoad(series / CardinalityLoad.METRICS_PER_HOST,
        System.currentTimeMillis() - Duration.ofDays(20).toMillis(), 10_000, true);
    run(storage, load, 1, items); // creates the series
    run(storage, load, sweeps, items); // warm-up
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long gcCount0 = gcCount();
    long gcTime0 = gcTime();
    long process0 = os.getProcessCpuTime();
    long thread0 = threads.getCurrentThreadCpuTime();
    long allocated0 = threads.getCurrentThreadAllocatedBytes();
    long wall0 = System.nanoTime();
    long points = run(storage, load, sweeps, items);
    double wall = (System.nanoTime() - wall0) / 1e9;
    double process = os.getProcessCpuTime() - process0;
    double thread = threads.getCurrentThreadCpuTime() - thread0;
    double allocated = threads.getCurrentThreadAllocatedBytes() - allocated0;
    System.out.printf(Locale.ROOT, "%,d points over %,d series: process CPU %.0f ns/point, writer thread CPU %.0f ns/point, "
        + "writer allocation %.0f B/point, %.0f points/s wall, %d GCs %d ms%n",
        points, series, process / points, thread / points, allocated / points, points / wall,
        gcCount() - gcCount0, gcTime() - gcTime0);
    storage.close();
  }

  private static long run(InMemoryStorageAdapter storage, CardinalityLoad load, int sweeps, int items) {
    long points = load.series() * sweeps;
    for (long stored = 0; stored < points; stored += (long) items * CardinalityLoad.METRICS_PER_HOST) {
      MetricsBatchResult result = storage.batchStore(load.next(items)).join();
      if (!result.allSucceeded()) {
        throw new IllegalStateException("items failed: " + result.failures().get(0));
      }
    }
    return points;
  }

  private static long gcCount() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
  }

  private static long gcTime() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
  }
}
