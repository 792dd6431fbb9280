package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.core.WindowedAggregator.WindowResult;

class StreamingJobTest {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  /** A clock the test moves (core's tests cannot use the testkit's). */
  static final class MovingClock extends Clock {
    private volatile Instant now = T0;

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Seed 002's example aggregation: page views per device type per minute, 10 s watermark. */
  private static Map<String, Object> seedConfig() {
    return Map.of("aggregations", List.of(Map.of("name", "events_per_minute", "type", "count", "metric", "event",
        "event_type", "page_view", "window", Map.of("type", "tumbling", "duration", "1 minute"),
        "group_by", List.of("device_type"), "watermark", "10 seconds")));
  }

  private static MetricsData view(long seconds, String device) {
    return MetricsData.of(T0.plusSeconds(seconds), "page_view", List.of(Metric.of("event", 1, Map.of("device_type", device))));
  }

  private record Seen(long batchId, List<WindowResult> results) {}

  @Test
  void aggregatesPerSeedConfigAndHandsEachBatchWithItsIdToForeachBatch() {
    List<Seen> seen = new CopyOnWriteArrayList<>();
    StreamingJob job = StreamingJob.builder("views").config(seedConfig())
        .output(WindowOutput.foreachBatch("collect", (results, id) -> seen.add(new Seen(id, results))))
        .clock(new MovingClock()).build();

    job.accept(view(5, "mobile"));
    job.accept(view(20, "mobile"));
    job.accept(view(30, "desktop"));
    job.accept(view(75, "mobile")); // watermark 65 s: the first minute closes
    job.trigger();
    job.accept(view(140, "tv")); // watermark 130 s: the second minute closes
    job.trigger();

    assertThat(seen).extracting(Seen::batchId).containsExactly(0L, 1L);
    assertThat(seen.get(0).results()).extracting(r -> r.group().get("device_type") + "=" + (long) r.value())
        .containsExactlyInAnyOrder("mobile=2", "desktop=1");
    assertThat(seen.get(0).results()).allSatisfy(r -> assertThat(r.start()).isEqualTo(T0));
    assertThat(seen.get(1).results()).extracting(r -> r.group().get("device_type") + "=" + (long) r.value())
        .containsExactly("mobile=1");
  }

  @Test
  void stopFlushesOpenWindowsWhenAskedAndDiscardsThemOtherwise() throws Exception {
    List<WindowResult> flushed = new CopyOnWriteArrayList<>();
    StreamingJob flushing = StreamingJob.builder("a").config(seedConfig())
        .output(WindowOutput.foreachBatch("collect", (results, id) -> flushed.addAll(results))).build();
    flushing.accept(view(5, "mobile"));
    flushing.stop(true).get(10, TimeUnit.SECONDS);
    assertThat(flushed).hasSize(1);
    assertThat(flushing.status().state()).isEqualTo(StreamingJob.State.STOPPED);
    assertThat(flushing.awaitTermination(Duration.ofSeconds(1))).isTrue();

    List<WindowResult> discarded = new CopyOnWriteArrayList<>();
    StreamingJob discarding = StreamingJob.builder("b").config(seedConfig())
        .output(WindowOutput.foreachBatch("collect", (results, id) -> discarded.addAll(results))).build();
    discarding.accept(view(5, "mobile"));
    discarding.accept(view(6, "tv"));
    discarding.stop(false).get(10, TimeUnit.SECONDS);
    assertThat(discarded).isEmpty();
    assertThat(discarding.status().discardedOpenWindows()).isEqualTo(2);
  }

  @Test
  void retriesAFailingOutputOnTheClockWithoutLosingAResultAndReportsIt() {
    MovingClock clock = new MovingClock();
    AtomicInteger down = new AtomicInteger(7);
    List<Long> written = new CopyOnWriteArrayList<>();
    RetryPolicy retry = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofSeconds(1))
        .maxBackoff(Duration.ofSeconds(8)).jitter(0).build();
    StreamingJob job = StreamingJob.builder("retry").config(seedConfig()).clock(clock).retryPolicy(retry)
        .output(WindowOutput.foreachBatch("flaky", (results, id) -> {
          if (down.getAndDecrement() > 0) {
            throw new StorageUnavailableException("sink down");
          }
          written.add(id);
        })).build();

    for (int minute = 0; minute < 4; minute++) {
      job.accept(view(minute * 60L + 1, "mobile"));
      job.accept(view(minute * 60L + 71, "mobile"));
      job.trigger();
    }
    assertThat(job.status().outputs().get(0).errors()).isEqualTo(1);
    job.trigger(); // not yet: the retry waits for the backoff on the job's clock
    assertThat(job.status().outputs().get(0).errors()).isEqualTo(1);

    for (int i = 0; i < 6; i++) {
      clock.advance(Duration.ofSeconds(10));
      job.trigger();
    }
    assertThat(job.healthCheck().join().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(job.status().outputs().get(0).lastError()).hasValueSatisfying(e -> assertThat(e).contains("sink down"));

    for (int i = 0; i < 6; i++) {
      clock.advance(Duration.ofSeconds(10));
      job.trigger();
    }
    assertThat(written).containsExactly(0L, 1L, 2L, 3L);
    assertThat(job.status().outputs().get(0).pendingResults()).isZero();
    assertThat(job.healthCheck().join().status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void refusesResultsBeyondThePendingBoundAndSaysSo() {
    StreamingJob job = StreamingJob.builder("bounded").config(seedConfig()).maxPendingResults(2)
        .output(WindowOutput.foreachBatch("down", (results, id) -> {
          throw new StorageUnavailableException("down");
        })).build();

    for (int minute = 0; minute < 5; minute++) {
      job.accept(view(minute * 60L + 1, "mobile"));
      job.accept(view(minute * 60L + 71, "mobile"));
      job.trigger();
    }

    assertThat(job.status().overflowedResults()).as("5 windows, 2 kept waiting").isEqualTo(3);
    assertThat(job.healthCheck().join().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void teeFeedsWhatStorageAcceptedAndKeepsTheStoresInterfaces() {
    FakeStorage fake = new FakeStorage().rejectItemsWhere(d -> d.source().equals("bad"));
    List<WindowResult> out = new CopyOnWriteArrayList<>();
    StreamingJob job = StreamingJob.builder("tee").config(seedConfig())
        .output(WindowOutput.foreachBatch("collect", (results, id) -> out.addAll(results))).build();
    StorageAdapter teed = job.tee(fake);

    MetricsData bad = new MetricsData(T0.plusSeconds(3), "page_view",
        List.of(Metric.of("event", 1, Map.of("device_type", "mobile"))), "bad", Map.of());
    teed.batchStore(List.of(view(1, "mobile"), bad, view(2, "mobile"))).join();
    teed.store(view(80, "tv")).join();
    job.trigger();

    assertThat(out).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(2.0));
    assertThat(teed).isInstanceOf(SelfMeasuring.class);
    assertThat(((SelfMeasuring) teed).measurements()).extracting(Measurement::name)
        .contains("metrics_streaming_items_total", "metrics_sink_writes_total");
  }

  @Test
  void writesEachBatchToStorageAsADerivedMetric() {
    FakeStorage fake = new FakeStorage();
    StreamingJob job = StreamingJob.builder("derived").config(seedConfig())
        .output(WindowOutput.storage(fake, "page_view_rollup")).build();
    job.accept(view(1, "mobile"));
    job.accept(view(80, "mobile"));
    job.trigger();

    assertThat(fake.stored).singleElement().satisfies(d -> {
      assertThat(d.metricType()).isEqualTo("page_view_rollup");
      assertThat(d.timestamp()).isEqualTo(T0);
      assertThat(d.metrics()).containsExactly(Metric.of("events_per_minute", 1, Map.of("device_type", "mobile")));
    });
    assertThat(job.sinkMetrics().sinkRows("memory:page_view_rollup", "page_view_rollup")
        + job.sinkMetrics().sinkRows(fake.name() + ":page_view_rollup", "page_view_rollup")).isEqualTo(1);
  }

  @Test
  void rejectsBadConfigNamingTheEntry() {
    List<Map<String, Object>> bad = new ArrayList<>();
    bad.add(Map.of("name", "x", "type", "median", "metric", "e", "window", Map.of("duration", "1 minute")));
    assertThatThrownBy(() -> StreamingJob.builder("j").config(Map.of("aggregations", bad)))
        .hasMessageContaining("aggregations[0]").hasMessageContaining("type");
    assertThatThrownBy(() -> StreamingJob.builder("j").config(Map.of("aggregations", List.of(Map.of("name", "x",
        "type", "count", "metric", "e", "window", Map.of("duration", "a while"))))))
        .hasMessageContaining("window.duration");
  }

  @Test
  void timerMeasuresUserCodeAndSinkMetricsExportIt() {
    SinkMetrics metrics = new SinkMetrics();
    Duration took;
    try (SinkMetrics.Timer t = SinkMetrics.timer()) {
      took = t.elapsed();
      metrics.produceSuccess("page_view", took);
    }
    metrics.produceError("page_view");
    metrics.sinkWrite("postgres", "events", 10, Duration.ofMillis(5), true);
    metrics.sinkWrite("postgres", "events", 10, Duration.ofMillis(5), false);

    assertThat(metrics.measurements()).anySatisfy(m -> {
      assertThat(m.name()).isEqualTo("metrics_sink_rows_total");
      assertThat(m.value()).isEqualTo(10);
    }).anySatisfy(m -> {
      assertThat(m.name()).isEqualTo("metrics_producer_events_total");
      assertThat(m.labels()).containsEntry("outcome", "error");
    });
    assertThat(metrics.sinkWrites("postgres", "events", false)).isEqualTo(1);
  }
}
