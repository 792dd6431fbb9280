package org.metricspipeline.benchmarks;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.adapters.memory.MemoryStats;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.OverflowPolicy;
import org.metricspipeline.core.PipelineStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * End-to-end throughput of {@link MetricsPipeline} into {@link InMemoryStorageAdapter}, in points
 * per second: producers build items, {@code processBatch} validates and queues them, the writers
 * batch them into the store, and the producer sees each call's result.
 *
 * <p>Each JMH thread is one producer. One invocation hands the pipeline {@value #ITEMS_PER_CALL}
 * items of {@value Load#METRICS_PER_ITEM} metrics ({@value #POINTS_PER_CALL} points) over the
 * {@value Load#SERIES} series of {@link Load}; {@link OperationsPerInvocation} makes the reported
 * "ops/s" points/s. A producer keeps at most {@value #CALLS_IN_FLIGHT} calls in flight and waits
 * for the oldest before it sends more, as an asynchronous producer would, so the figure is the rate
 * at which points are stored. Calls still in flight when an iteration ends (at most
 * {@value #CALLS_IN_FLIGHT} per producer, well under 1% of an iteration's calls) are stored by the
 * graceful stop after the measurement; the stop then checks that the store holds exactly the points
 * the pipeline reported stored and that nothing failed.
 *
 * <p>Validation is on (the pipeline's default {@code MetricsValidator}). The store is new for every
 * iteration, so iterations do not grow one store without bound.
 *
 * <p>Variants: 1, 2 and 4 producers; tag maps reused per series ({@code reusedTags}) or built afresh
 * for every point ({@code freshTags}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g",
    "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Dslf4j.internal.verbosity=WARN"})
@State(Scope.Benchmark)
public class PipelineThroughputBenchmark {

  /** Items per {@code processBatch} call: the pipeline's batch size, so a call fills one store batch. */
  static final int ITEMS_PER_CALL = 100;
  static final int POINTS_PER_CALL = ITEMS_PER_CALL * Load.METRICS_PER_ITEM;
  static final int CALLS_IN_FLIGHT = 4;
  /** Whole-store bound: far above what one iteration stores (the store is new per iteration). */
  static final long MAX_POINTS = 1_000_000_000L;

  private InMemoryStorageAdapter storage;
  private MetricsPipeline pipeline;
  private long startMillis;

  /** Builds and starts a fresh store and pipeline. */
  @Setup(Level.Iteration)
  public void start() {
    storage = InMemoryStorageAdapter.builder().maxPoints(MAX_POINTS).build();
    pipeline = MetricsPipeline.builder()
        .storage(storage)
        .batchSize(ITEMS_PER_CALL)
        .processingInterval(Duration.ofMillis(10))
        .overflowPolicy(OverflowPolicy.block(Duration.ofMinutes(1)))
        .build();
    pipeline.startProcessing();
    // Recent enough to pass validation, old enough that no producer reaches the future.
    startMillis = System.currentTimeMillis() - Duration.ofHours(6).toMillis();
  }

  /** Stops gracefully (storing what is in flight) and checks that every point arrived once. */
  @TearDown(Level.Iteration)
  public void stop() {
    pipeline.stopProcessing().join();
    PipelineStats stats = pipeline.stats();
    MemoryStats memory = storage.memoryStats();
    if (stats.deadLettered() != 0 || stats.rejected() != 0 || stats.overflowed() != 0
        || memory.points() != stats.pointsStored()) {
      throw new IllegalStateException("lost or failed points: " + stats + ", store " + memory);
    }
    pipeline.close();
    storage = null;
    pipeline = null;
  }

  /** One producer: its own load and its calls in flight. */
  @State(Scope.Thread)
  public static class Producer {
    Load load;
    final ArrayDeque<CompletableFuture<MetricsBatchResult>> inFlight = new ArrayDeque<>();

    /** A new load per iteration, its timestamps shifted by the thread index. */
    @Setup(Level.Iteration)
    public void start(PipelineThroughputBenchmark bench, ThreadParams thread) {
      load = new Load(bench.startMillis, 10, thread.getThreadIndex());
    }

    /** Waits for the calls still in flight (the pipeline's stop stores them if it ran first). */
    @TearDown(Level.Iteration)
    public void finish() {
      while (!inFlight.isEmpty()) {
        check(inFlight.poll().join());
      }
    }

    MetricsBatchResult send(MetricsPipeline pipeline, boolean freshTags) {
      List<MetricsData> items = load.next(ITEMS_PER_CALL, freshTags);
      MetricsBatchResult oldest = null;
      if (inFlight.size() == CALLS_IN_FLIGHT) {
        oldest = check(inFlight.poll().join());
      }
      inFlight.add(pipeline.processBatch(items));
      return oldest;
    }

    private static MetricsBatchResult check(MetricsBatchResult result) {
      if (!result.allSucceeded()) {
        throw new IllegalStateException("items failed: " + result.failures().get(0));
      }
      return result;
    }
  }

  /** One producer, tag maps reused per series. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(POINTS_PER_CALL)
  public MetricsBatchResult reusedTags1Producer(Producer producer) {
    return producer.send(pipeline, false);
  }

  /** Two producers, tag maps reused per series. */
  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(POINTS_PER_CALL)
  public MetricsBatchResult reusedTags2Producers(Producer producer) {
    return producer.send(pipeline, false);
  }

  /** Four producers, tag maps reused per series. */
  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(POINTS_PER_CALL)
  public MetricsBatchResult reusedTags4Producers(Producer producer) {
    return producer.send(pipeline, false);
  }

  /** One producer, a fresh tag map for every point. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(POINTS_PER_CALL)
  public MetricsBatchResult freshTags1Producer(Producer producer) {
    return producer.send(pipeline, true);
  }

  /** Two producers, a fresh tag map for every point. */
  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(POINTS_PER_CALL)
  public MetricsBatchResult freshTags2Producers(Producer producer) {
    return producer.send(pipeline, true);
  }

  /** Four producers, a fresh tag map for every point. */
  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(POINTS_PER_CALL)
  public MetricsBatchResult freshTags4Producers(Producer producer) {
    return producer.send(pipeline, true);
  }
}
