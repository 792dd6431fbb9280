package org.metricspipeline.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The store's write path at production cardinality, in points per second: one writer thread calls
 * {@code batchStore} with 10 scrapes of 100 metrics (1,000 points, what one HTTP request of the
 * realistic load carries) over {@code series} series ({@link CardinalityLoad}, tag maps reused per
 * series as the HTTP decoder's intern tables hand them over). The store is made once per trial and
 * sees one sweep over all series first (so iterations measure appends, not series creation, and the
 * allocation figure is not diluted by the set-up); the sweeps then go on with advancing timestamps
 * through every iteration, so chunks fill and are sealed as in production. The generator's own
 * cost (one {@code Metric} per point) is part of the figure.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main StoreWriteBenchmark -prof gc
 * }</pre>
 * With {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per point.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g",
    "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Dslf4j.internal.verbosity=WARN"})
@State(Scope.Benchmark)
public class StoreWriteBenchmark {

  static final int ITEMS_PER_CALL = 10;
  static final int POINTS_PER_CALL = ITEMS_PER_CALL * CardinalityLoad.METRICS_PER_HOST;

  /** Distinct series written (a multiple of 100). */
  @Param({"100000"})
  public int series;

  private InMemoryStorageAdapter storage;
  private CardinalityLoad load;

  /** A fresh store that has seen every series once. */
  @Setup(Level.Trial)
  public void start() {
    storage = InMemoryStorageAdapter.builder().maxPoints(1_000_000_000L).build();
    long start = System.currentTimeMillis() - Duration.ofDays(20).toMillis();
    load = new CardinalityLoad(series / CardinalityLoad.METRICS_PER_HOST, start, 10_000, true);
    for (long stored = 0; stored < load.series(); stored += POINTS_PER_CALL) {
      check(storage.batchStore(load.next(ITEMS_PER_CALL)).join());
    }
  }

  /** Drops the store. */
  @TearDown(Level.Trial)
  public void stop() {
    storage.close();
    storage = null;
    load = null;
  }

  /** One request's worth of points, stored. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(POINTS_PER_CALL)
  public MetricsBatchResult store() {
    List<MetricsData> items = load.next(ITEMS_PER_CALL);
    return check(storage.batchStore(items).join());
  }

  private static MetricsBatchResult check(MetricsBatchResult result) {
    if (!result.allSucceeded()) {
      throw new IllegalStateException("items failed: " + result.failures().get(0));
    }
    return result;
  }
}
