package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.metricspipeline.adapters.memory.Items.at;
import static org.metricspipeline.adapters.memory.Items.item;
import static org.metricspipeline.adapters.memory.Items.m;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.core.JobStatus;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetentionPolicy;
import org.metricspipeline.core.RollupSettings;
import org.metricspipeline.core.TimeSeriesEngine;
import org.metricspipeline.testkit.MutableClock;

/** The rollup and retention jobs, driven directly with a clock the test moves. */
class TimeSeriesJobsTest {

  private static final long MIN = 60_000;
  private static final long DAY = 86_400_000;
  private static final Instant T0 = Instant.parse("2025-12-03T12:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();

  private TimeSeriesEngine engine(RollupSettings rollups) {
    return TimeSeriesEngine.builder(storage).clock(clock).rollups(rollups)
        .retention(RetentionPolicy.defaults()).build();
  }

  private List<RollupBucket> oneMinuteBuckets() {
    return storage.readRollups(RollupQuery.of("cpu", Resolution.ONE_MINUTE, TimeRange.all())).join();
  }

  private long t(long plusMillis) {
    return T0.toEpochMilli() + plusMillis;
  }

  @Test
  void rollsUpOnlyBucketsClosedBeforeNowMinusTheLateness() {
    storage.store(item(t(10), m("cpu", 1))).join();
    storage.store(item(t(MIN + 10), m("cpu", 2))).join();
    storage.store(item(t(2 * MIN + 10), m("cpu", 3))).join();
    clock.set(T0.plusMillis(3 * MIN + 30_000)); // now - 1 min lateness = 2:30 → closed up to 2:00
    TimeSeriesEngine e = engine(RollupSettings.builder().resolutions(Resolution.ONE_MINUTE).build());

    JobStatus status = e.runRollupsNow();

    assertThat(status.lastError()).isEmpty();
    assertThat(oneMinuteBuckets()).extracting(RollupBucket::startMillis).containsExactly(t(0), t(MIN));
    assertThat(storage.rollupWatermark(Resolution.ONE_MINUTE).join()).contains(T0.plusMillis(2 * MIN));
  }

  @Test
  void runningTheRollupJobAgainChangesNothing() {
    for (int i = 0; i < 30; i++) {
      storage.store(item(t(i * 20_000L), m("cpu", i))).join();
    }
    clock.set(T0.plusMillis(20 * MIN));
    TimeSeriesEngine e = engine(RollupSettings.defaults());
    e.runRollupsNow();
    List<RollupBucket> first = oneMinuteBuckets();

    JobStatus second = e.runRollupsNow();

    assertThat(oneMinuteBuckets()).isEqualTo(first);
    assertThat(second.runs()).isEqualTo(2);
  }

  @Test
  void lateDataInsideTheLatenessWindowIsRolledUpOnTheNextRun() {
    storage.store(item(t(10), m("cpu", 1))).join();
    clock.set(T0.plusMillis(2 * MIN)); // closed up to 1:00
    TimeSeriesEngine e = engine(RollupSettings.builder().resolutions(Resolution.ONE_MINUTE).build());
    e.runRollupsNow();
    storage.store(item(t(20_000), m("cpu", 5))).join(); // late by 1:40 into the closed 0:00 bucket
    clock.advance(Duration.ofSeconds(30));

    e.runRollupsNow();

    assertThat(oneMinuteBuckets()).singleElement()
        .satisfies(b -> assertThat(b.count()).isEqualTo(2))
        .satisfies(b -> assertThat(b.sum()).isEqualTo(6));
  }

  @Test
  void plannerAnswersEqualRawAnswersAfterTheJobRan() {
    for (int i = 0; i < 500; i++) {
      storage.store(item(t(i * 7_000L), m("cpu", i % 17, "host", i % 3 == 0 ? "a" : "b"))).join();
    }
    clock.set(T0.plusMillis(45 * MIN));
    engine(RollupSettings.defaults()).runRollupsNow();
    AggregationQuery q = AggregationQuery.builder("cpu", Aggregation.AVG).groupBy("host")
        .between(T0, T0.plusMillis(60 * MIN)).step(Duration.ofMinutes(5)).build();

    var planned = storage.aggregate(q).join();
    var raw = storage.aggregate(q.toBuilder().source(QuerySource.RAW).build()).join();

    assertThat(planned.sources()).containsExactly("5m", "raw");
    assertThat(planned.groups()).isEqualTo(raw.groups());
  }

  @Test
  void retentionKeepsRawPointsAtExactlyTheCutoff() {
    long now = t(10 * DAY);
    storage.store(item(now - 7 * DAY - 1, m("cpu", 1))).join();
    storage.store(item(now - 7 * DAY, m("cpu", 2))).join();
    storage.store(item(now - 1, m("cpu", 3))).join();
    clock.set(Instant.ofEpochMilli(now));

    JobStatus status = engine(RollupSettings.defaults()).runRetentionNow();

    assertThat(status.lastResult()).isEqualTo(1);
    assertThat(storage.aggregate(AggregationQuery.builder("cpu", Aggregation.SUM).build()).join()
        .singleValue()).contains(5.0);
    assertThat(storage.memoryStats().points()).isEqualTo(2);
  }

  @Test
  void retentionKeepsRollupBucketsEndingAfterTheCutoff() {
    long now = t(40 * DAY) + 30_000; // cutoff for 1m is now - 30 d, 30 s into a minute
    storage.store(item(now - 30 * DAY - MIN, m("cpu", 1))).join();  // its bucket ends before the cutoff
    storage.store(item(now - 30 * DAY - 1000, m("cpu", 2))).join(); // bucket straddles the cutoff
    storage.rollup(Resolution.ONE_MINUTE, TimeRange.until(at(t(41 * DAY)))).join();
    clock.set(Instant.ofEpochMilli(now));

    engine(RollupSettings.defaults()).runRetentionNow();

    assertThat(oneMinuteBuckets()).singleElement().satisfies(b -> assertThat(b.sum()).isEqualTo(2));
  }

  @Test
  void pipelineReportsTheJobsInItsHealth() {
    clock.set(T0.plusMillis(10 * MIN));
    try (MetricsPipeline p = MetricsPipeline.builder().storage(storage).clock(clock)
        .rollups(RollupSettings.defaults()).retention(RetentionPolicy.defaults()).build()) {
      p.timeSeries().orElseThrow().runRollupsNow();

      var health = p.healthCheck().join();

      @SuppressWarnings("unchecked")
      var jobs = (java.util.Map<String, java.util.Map<String, Object>>) health.details().get("jobs");
      assertThat(jobs.get("rollup")).containsEntry("runs", 1L).containsKey("last_run_at")
          .containsKey("last_duration_ms").doesNotContainKey("last_error");
      assertThat(jobs.get("retention")).containsEntry("runs", 0L);
    }
  }

  @Test
  void aFailingJobReportsItsErrorAndDegradesHealth() {
    TimeSeriesEngine e = engine(RollupSettings.defaults());
    storage.close();

    JobStatus status = e.runRollupsNow();

    assertThat(status.lastError()).hasValueSatisfying(err -> assertThat(err).contains("closed"));
    assertThat(status.failures()).isEqualTo(1);
    assertThat(e.health().status()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void startedJobsStopOnClose() {
    Set<Thread> others = jobThreads(); // other tests' engines may still be closing theirs
    TimeSeriesEngine e = engine(RollupSettings.defaults());
    e.start();
    Set<Thread> ours = jobThreads();
    ours.removeAll(others);
    assertThat(ours).as("the started engine's jobs thread").hasSize(1);

    e.close(); // joins its thread before returning

    assertThat(ours).noneMatch(Thread::isAlive);
  }

  private static Set<Thread> jobThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("metrics-timeseries-jobs") && t.isAlive()) {
        threads.add(t);
      }
    }
    return threads;
  }
}
