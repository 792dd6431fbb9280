package org.metricspipeline.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code avg} with a 1-minute step over 10 million points in {@link InMemoryStorageAdapter}, answered
 * from raw points and from the 1m rollup (issue goal: under 40 ms from raw, under 5 ms from the
 * rollup). Points are 1 s apart, split over {@code series} series of one metric.
 *
 * <p>The heap is pre-touched ({@code -XX:+AlwaysPreTouch}): otherwise a fork whose young generation
 * G1 sized large keeps allocating each query's 14 MB result on never-touched pages, and measures the
 * kernel faulting them in (about 40 ms a query) rather than the query (see {@link QueryCpuTime}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch",
    "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Dslf4j.internal.verbosity=WARN"})
@State(Scope.Benchmark)
public class MemoryAvgBenchmark {

  static final int POINTS = 10_000_000;
  static final int ITEMS_PER_BATCH = 1000;

  /** How many series the points are spread over. */
  @Param({"1", "100"})
  public int series;

  private InMemoryStorageAdapter storage;
  private AggregationQuery fromRaw;
  private AggregationQuery fromRollup;

  /** Stores the points and rolls them up at 1m. */
  @Setup(Level.Trial)
  public void load() {
    storage = InMemoryStorageAdapter.builder().maxPoints(2L * POINTS).build();
    long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    int perSeries = POINTS / series;
    List<Map<String, String>> tags = new ArrayList<>();
    for (int s = 0; s < series; s++) {
      tags.add(Map.of("host", "host-" + s));
    }
    List<MetricsData> batch = new ArrayList<>(ITEMS_PER_BATCH);
    for (int i = 0; i < perSeries; i++) {
      Instant ts = Instant.ofEpochMilli(start + i * 1000L);
      List<Metric> metrics = new ArrayList<>(series);
      for (int s = 0; s < series; s++) {
        metrics.add(new Metric("cpu_usage", (i * 7 + s) % 100, "", tags.get(s)));
      }
      batch.add(MetricsData.of(ts, "system", metrics));
      if (batch.size() == ITEMS_PER_BATCH) {
        storage.batchStore(batch).join();
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      storage.batchStore(batch).join();
    }
    long end = start + perSeries * 1000L;
    long endAligned = end - Math.floorMod(end, 3_600_000L) + 3_600_000L;
    Instant rangeEnd = Instant.ofEpochMilli(endAligned);
    storage.rollup(Resolution.ONE_MINUTE, TimeRange.until(rangeEnd)).join();
    AggregationQuery base = AggregationQuery.builder("cpu_usage", Aggregation.AVG)
        .range(TimeRange.between(Instant.ofEpochMilli(start), rangeEnd))
        .step(Duration.ofMinutes(1)).build();
    fromRaw = base.toBuilder().source(QuerySource.RAW).build();
    fromRollup = base.toBuilder().source(QuerySource.ROLLUP_1M).build();
  }

  /** The query answered from raw points. */
  @Benchmark
  public AggregationResult fromRaw() {
    return storage.aggregate(fromRaw).join();
  }

  /** The same query answered from the 1m rollup. */
  @Benchmark
  public AggregationResult fromRollup() {
    return storage.aggregate(fromRollup).join();
  }
}
