package org.metricspipeline.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.micrometer.PipelineMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One publication step of {@code meters} Micrometer meters: {@link PipelineMeterRegistry} mapping
 * them and storing them through a pipeline into the in-memory store (the step's future completes
 * once stored), beside Micrometer's Prometheus registry rendering a scrape of the same meters.
 * Meters: 60% counters, 20% gauges, 20% timers (count, sum, max), each with three tags, the shape
 * of a service's HTTP, pool and cache metrics. Run with {@code benchmarks/micrometer.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MicrometerStepBenchmark {

  @Param("10000")
  int meters;

  private PipelineMeterRegistry pipelineRegistry;
  private PrometheusMeterRegistry prometheus;
  private InMemoryStorageAdapter storage;
  private MetricsPipeline pipeline;
  private final AtomicLong gaugeValue = new AtomicLong(42);

  @Setup(Level.Iteration)
  public void setUp() {
    storage = InMemoryStorageAdapter.builder().maxPoints(200_000_000).build();
    pipeline = MetricsPipeline.builder().storage(storage).batchSize(1_000).queueCapacity(100_000)
        .processingInterval(Duration.ofMillis(1)).build();
    pipeline.startProcessing();
    pipelineRegistry = PipelineMeterRegistry.builder(pipeline).start(false).source("bench").build();
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    register(pipelineRegistry);
    register(prometheus);
    checkMeters();
  }

  private void register(MeterRegistry registry) {
    for (int i = 0; i < meters; i++) {
      // name i % 50 and uri i / 50: every meter distinct
      Tags tags = Tags.of("uri", "/api/v1/resource/" + (i / 50), "status", Integer.toString(200 + i % 5),
          "instance", "host-" + (i % 7));
      switch (i % 5) {
        case 0, 1, 2 -> {
          Counter c = registry.counter("http.client.calls." + (i % 50), tags);
          c.increment(i);
        }
        case 3 -> registry.gauge("pool.size." + (i % 50), tags, gaugeValue, AtomicLong::get);
        default -> {
          Timer t = registry.timer("http.server.requests." + (i % 50), tags);
          t.record(i % 100, TimeUnit.MILLISECONDS);
        }
      }
    }
  }

  private void checkMeters() {
    if (pipelineRegistry.getMeters().size() != meters || prometheus.getMeters().size() != meters) {
      throw new IllegalStateException("expected " + meters + " distinct meters");
    }
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    pipelineRegistry.close();
    prometheus.close();
    pipeline.close();
  }

  /** One step of our registry: map every meter, validate, queue and store; returns once stored. */
  @Benchmark
  public MetricsBatchResult pipelineStep() {
    MetricsBatchResult r = pipelineRegistry.flush().join();
    if (!r.allSucceeded()) {
      throw new IllegalStateException("refused: " + r.failures().get(0).reason());
    }
    return r;
  }

  /** The peer: one Prometheus scrape of the same meters, rendered as text. */
  @Benchmark
  public String prometheusScrape() {
    return prometheus.scrape();
  }
}
