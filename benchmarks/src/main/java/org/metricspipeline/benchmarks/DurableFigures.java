package org.metricspipeline.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.metricspipeline.adapters.memory.FsyncPolicy;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.OverflowPolicy;

/**
 * The durable store's figures, each beside its memory-only peer in the same run: 10 million points
 * in 1,000 series ({@code cpu_usage}, 100 hosts x 10 cores), 10 s apart, values with two decimals
 * (a sine plus Gaussian noise). Per run: pipeline throughput ({@code processBatch}, 100 items of 10
 * points per call) into the memory-only store, the durable store with the default fsync policy and
 * with fsync per batch; on-disk bytes per point after close; in-memory bytes per point after
 * sealing; restart (open) time; the avg query with a 1-minute step over all points on compressed
 * chunks vs uncompressed ones. Prints each run, then the medians.
 *
 * <pre>{@code
 * java -Xmx3g -cp benchmarks/target/benchmarks.jar org.metricspipeline.benchmarks.DurableFigures [runs] [dir]
 * }</pre>
 */
public final class DurableFigures {

  static final int HOSTS = 100;
  static final int CORES = 10;
  static final int TICKS = 10_000;
  static final long POINTS = (long) HOSTS * CORES * TICKS;
  static final int ITEMS_PER_CALL = 100;
  /** processBatch calls in flight: enough to keep the pipeline's writers busy. */
  static final int IN_FLIGHT = 8;

  private DurableFigures() {}

  /** Runs the figures {@code runs} times (default 2) in {@code dir} (default target/bench-durable). */
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    Path dir = Path.of(args.length > 1 ? args[1] : "benchmarks/target/bench-durable");
    Map<String, List<Double>> all = new LinkedHashMap<>();
    for (int run = 1; run <= runs; run++) {
      Map<String, Double> figures = run(dir);
      System.out.println("== run " + run);
      figures.forEach((k, v) -> {
        System.out.printf(Locale.ROOT, "  %-55s %,14.2f%n", k, v);
        all.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      });
    }
    System.out.println("== medians of " + runs + " runs");
    all.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-55s %,14.2f%n", k, median(v)));
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static Map<String, Double> run(Path dir) throws Exception {
    Map<String, Double> f = new LinkedHashMap<>();
    long start = Instant.now().minus(Duration.ofDays(3)).toEpochMilli() / 60_000 * 60_000;
    deleteRecursively(dir);

    double[] compressedQuery = new double[1];
    double memory = feedThroughPipeline(InMemoryStorageAdapter.builder().maxPoints(POINTS).build(), start, s -> {
      f.put("memory-only: in-memory bytes/point after sealing (goal <= 4)", s.memoryStats().bytesPerPoint());
      compressedQuery[0] = queryMillis(s, start);
    });
    f.put("memory-only: pipeline points/s", memory);
    double rawQuery;
    try (InMemoryStorageAdapter s = InMemoryStorageAdapter.builder().maxPoints(POINTS)
        .compressSealedChunks(false).build()) {
      feedDirectly(s, start);
      rawQuery = queryMillis(s, start);
    }
    f.put("avg 1m step over 10M points, uncompressed chunks: ms", rawQuery);
    f.put("avg 1m step over 10M points, compressed chunks: ms", compressedQuery[0]);
    f.put("  ratio compressed / uncompressed (goal <= 1.5)", compressedQuery[0] / rawQuery);

    Path interval = dir.resolve("interval");
    double durable = feedThroughPipeline(InMemoryStorageAdapter.builder().maxPoints(POINTS).dataDir(interval).build(),
        start, s -> { });
    f.put("durable, fsync every 1s (default): pipeline points/s", durable);
    f.put("  ratio to memory-only (goal >= 0.8)", durable / memory);
    long chunkBytes = sizeOf(interval.resolve("chunks"));
    f.put("on-disk bytes/point after close, whole dir (goal <= 2.0)", (double) sizeOf(interval) / POINTS);
    f.put("on-disk bytes/point, chunk files only", (double) chunkBytes / POINTS);

    long opened = System.nanoTime();
    try (InMemoryStorageAdapter s = InMemoryStorageAdapter.builder().maxPoints(POINTS).dataDir(interval).build()) {
      f.put("restart: seconds to open 10M points (goal < 5)", (System.nanoTime() - opened) / 1e9);
      if (s.loadedPoints() != POINTS) {
        throw new IllegalStateException("restart loaded " + s.loadedPoints() + " of " + POINTS + " points");
      }
      f.put("restarted: in-memory bytes/point (goal <= 4)", s.memoryStats().bytesPerPoint());
      f.put("restarted: avg 1m step over 10M points: ms", queryMillis(s, start));
    }

    Path batch = dir.resolve("batch");
    double perBatch = feedThroughPipeline(InMemoryStorageAdapter.builder().maxPoints(POINTS).dataDir(batch)
        .fsync(FsyncPolicy.BATCH).build(), start, s -> { });
    f.put("durable, fsync per batch: pipeline points/s", perBatch);
    f.put("  ratio to memory-only", perBatch / memory);
    deleteRecursively(dir);
    return f;
  }

  /** The items of one tick: per host, 10 cores of cpu_usage. */
  private static final class Data {
    private final Random random = new Random(42);
    private final List<Map<String, String>> tags = new ArrayList<>();
    private final long start;

    Data(long start) {
      this.start = start;
      for (int h = 0; h < HOSTS; h++) {
        for (int c = 0; c < CORES; c++) {
          tags.add(Map.of("host", "host-" + h, "core", Integer.toString(c)));
        }
      }
    }

    List<MetricsData> tick(int t) {
      List<MetricsData> items = new ArrayList<>(HOSTS);
      Instant at = Instant.ofEpochMilli(start + t * 10_000L);
      for (int h = 0; h < HOSTS; h++) {
        List<Metric> metrics = new ArrayList<>(CORES);
        for (int c = 0; c < CORES; c++) {
          int s = h * CORES + c;
          double v = 50 + 20 * Math.sin(2 * Math.PI * t / 360.0 + s) + random.nextGaussian();
          metrics.add(new Metric("cpu_usage", Math.round(v * 100) / 100.0, "percent", tags.get(s)));
        }
        items.add(new MetricsData(at, "system", metrics, "bench", Map.of()));
      }
      return items;
    }
  }

  /**
   * Feeds every point through {@code processBatch}; runs {@code after} on the store, then closes
   * the pipeline (which closes the store); returns points per second.
   */
  private static double feedThroughPipeline(InMemoryStorageAdapter storage, long start,
      Consumer<InMemoryStorageAdapter> after) {
    Data data = new Data(start);
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).batchSize(ITEMS_PER_CALL)
        .processingInterval(Duration.ofMillis(10)).overflowPolicy(OverflowPolicy.block(Duration.ofMinutes(1)))
        .build()) {
      pipeline.startProcessing();
      long began = System.nanoTime();
      ArrayDeque<CompletableFuture<MetricsBatchResult>> inFlight = new ArrayDeque<>();
      for (int t = 0; t < TICKS; t++) {
        inFlight.add(pipeline.processBatch(data.tick(t)));
        if (inFlight.size() == IN_FLIGHT || t == TICKS - 1) {
          while (!inFlight.isEmpty()) {
            MetricsBatchResult r = inFlight.poll().join();
            if (!r.allSucceeded()) {
              throw new IllegalStateException("refused: " + r.failures().get(0));
            }
          }
        }
      }
      double perSecond = POINTS / ((System.nanoTime() - began) / 1e9);
      after.accept(storage);
      pipeline.stopProcessing().join();
      return perSecond;
    }
  }

  private static void feedDirectly(InMemoryStorageAdapter storage, long start) {
    Data data = new Data(start);
    for (int t = 0; t < TICKS; t++) {
      storage.batchStore(data.tick(t)).join();
    }
  }

  /** The median of 15 timed runs (after 5 warm-up runs) of avg with a 1-minute step over every point. */
  private static double queryMillis(InMemoryStorageAdapter storage, long start) {
    AggregationQuery q = AggregationQuery.builder("cpu_usage", Aggregation.AVG)
        .range(TimeRange.between(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + TICKS * 10_000L)))
        .step(Duration.ofMinutes(1)).build();
    double[] ms = new double[15];
    for (int i = -5; i < ms.length; i++) {
      long began = System.nanoTime();
      storage.aggregate(q).join();
      if (i >= 0) {
        ms[i] = (System.nanoTime() - began) / 1e6;
      }
    }
    Arrays.sort(ms);
    return ms[ms.length / 2];
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
