package org.metricspipeline.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@link MemoryAvgBenchmark}'s two queries timed by the querying thread's CPU time as well as by
 * the clock: on a machine shared with other builds the wall time mostly measures the wait for a
 * core, the thread's CPU time much less so. Prints medians (and the range) of each, with the
 * querying thread's minor page faults per query (Linux) and its allocation per query.
 *
 * <p>Run it with {@code -XX:+AlwaysPreTouch}: without it a fresh 4 GB heap is mapped but not yet
 * touched, and when G1 sizes the young generation large (gigabytes, which it does or not depending
 * on the pauses it measured while loading) each query's 14 MB of result lands on pages the kernel
 * must first fault in and zero (about 3,500 faults, charged to the querying thread as system CPU
 * time): the process then measures about 40 ms more per query for its whole life. A long-running
 * service has cycled through its young generation long ago, so that mode is a benchmark artifact;
 * the fault count printed here shows which mode a process was in.
 *
 * <pre>{@code
 * java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar \
 *     org.metricspipeline.benchmarks.QueryCpuTime [series] [runs]
 * }</pre>
 */
public final class QueryCpuTime {

  private static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");

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
    com.sun.management.ThreadMXBean allocation = threads instanceof com.sun.management.ThreadMXBean t
        ? t : null;
    for (int i = 0; i < runs; i++) { // warm-up: as many as measured
      query.get();
    }
    double[] wall = new double[runs];
    double[] cpu = new double[runs];
    long[] faults = new long[runs];
    long[] bytes = new long[runs];
    long self = Thread.currentThread().getId();
    for (int i = 0; i < runs; i++) {
      long f0 = minorFaults();
      long a0 = allocation == null ? 0 : allocation.getThreadAllocatedBytes(self);
      long c0 = threads.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      query.get();
      wall[i] = (System.nanoTime() - w0) / 1e6;
      cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
      bytes[i] = allocation == null ? 0 : allocation.getThreadAllocatedBytes(self) - a0;
      faults[i] = f0 < 0 ? -1 : minorFaults() - f0;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    Arrays.sort(faults);
    Arrays.sort(bytes);
    System.out.printf(Locale.ROOT, "%-10s CPU median %.1f ms (%.1f to %.1f), wall median %.1f ms (%.1f to %.1f),"
            + " minor faults median %d (%d to %d), allocated %.1f MB, %d runs%n",
        name, cpu[runs / 2], cpu[0], cpu[runs - 1], wall[runs / 2], wall[0], wall[runs - 1],
        faults[runs / 2], faults[0], faults[runs - 1], bytes[runs / 2] / 1e6, runs);
  }

  /** The calling thread's minor page faults so far, or -1 where {@code /proc} does not tell. */
  private static long minorFaults() {
    try {
      String stat = Files.readString(THREAD_STAT);
      // Fields after the command name (which may hold spaces) start after the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[7]); // minflt is field 10 of stat(5); field 3 is fields[0]
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
