package org.metricspipeline.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@link MemoryAvgBenchmark}'s two queries timed by the querying thread's CPU time as well as by
 * the clock: on a machine shared with other builds the wall time mostly measures the wait for a
 * core, the thread's CPU time much less so. Prints medians (and the range) of each.
 *
 * <pre>{@code
 * java -Xms4g -Xmx4g -cp benchmarks/target/benchmarks.jar org.metricspipeline.benchmarks.QueryCpuTime [series] [runs]
 * }</pre>
 */
public final class QueryCpuTime {

  private QueryCpuTime() {}

  /** Loads the points, warms up, then times {@code runs} queries of each kind (default 1 series, 30 runs). */
  public static void main(String[] args) {
    MemoryAvgBenchmark bench = new MemoryAvgBenchmark();
    bench.series = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    bench.load();
    time("fromRaw", bench::fromRaw, runs);
    time("fromRollup", bench::fromRollup, runs);
  }

  private static void time(String name, Supplier<?> query, int runs) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < runs; i++) { // warm-up: as many as measured
      query.get();
    }
    double[] wall = new double[runs];
    double[] cpu = new double[runs];
    for (int i = 0; i < runs; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      query.get();
      wall[i] = (System.nanoTime() - w0) / 1e6;
      cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    System.out.printf(Locale.ROOT, "%-10s CPU median %.1f ms (%.1f to %.1f), wall median %.1f ms (%.1f to %.1f), %d runs%n",
        name, cpu[runs / 2], cpu[0], cpu[runs - 1], wall[runs / 2], wall[0], wall[runs - 1], runs);
  }
}
