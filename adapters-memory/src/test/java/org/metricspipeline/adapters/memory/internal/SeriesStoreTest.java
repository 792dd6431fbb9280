package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

class SeriesStoreTest {

  private static MetricsData item(long millis, Metric... metrics) {
    return MetricsData.of(Instant.ofEpochMilli(millis), "node", List.of(metrics));
  }

  private static List<Double> values(Series series) {
    SeriesSnapshot snap = series.snapshot();
    List<Double> values = new ArrayList<>();
    for (long p = 0; p < snap.endPosition(); p = snap.next(p)) {
      values.add(snap.valueAt(p));
    }
    return values;
  }

  @Test
  void storesABatchsPointsPerSeriesInTimeOrderEvenWhenItemsArriveOutOfOrder() {
    SeriesStore store = new SeriesStore(1_000, 64);
    store.storeAll(List.of(
        item(3_000, Metric.of("a", 3), Metric.of("b", 30)),
        item(1_000, Metric.of("a", 1), Metric.of("b", 10)),
        item(2_000, Metric.of("b", 20), Metric.of("a", 2))));

    assertThat(store.seriesNamed("a")).singleElement().satisfies(s -> assertThat(values(s)).containsExactly(1.0, 2.0, 3.0));
    assertThat(store.seriesNamed("b")).singleElement().satisfies(s -> assertThat(values(s)).containsExactly(10.0, 20.0, 30.0));
    assertThat(store.pointCount()).isEqualTo(6);
  }

  @Test
  void storesEveryPointOfABatchLargerThanOneGroupingRound() {
    SeriesStore store = new SeriesStore(1_000_000, 1024);
    List<MetricsData> batch = new ArrayList<>();
    int series = 7;
    int items = 12_000; // 84,000 points: more than one round of grouping
    for (int i = 0; i < items; i++) {
      Metric[] metrics = new Metric[series];
      for (int m = 0; m < series; m++) {
        metrics[m] = Metric.of("m", i, Map.of("s", String.valueOf(m)));
      }
      batch.add(item(1_000L + i, metrics));
    }

    assertThat(store.storeAll(batch).allSucceeded()).isTrue();

    assertThat(store.allSeries()).hasSize(series).allSatisfy(s -> {
      List<Double> values = values(s);
      assertThat(values).hasSize(items);
      for (int i = 0; i < items; i++) {
        assertThat(values.get(i)).isEqualTo((double) i);
      }
    });
  }

  @Test
  void pointsWaitingInTheHeadAreInTheirSeriesForEveryReaderAndAFullHeadDrainsOnItsOwn() {
    int seriesCount = 5_000; // ordinals past 2^11: the head's sort takes two passes
    int rounds = SeriesStore.MAX_HEAD_POINTS / seriesCount + 3; // more points than the head holds
    SeriesStore store = new SeriesStore(10_000_000, 256);
    List<Map<String, String>> tags = new ArrayList<>();
    for (int k = 0; k < seriesCount; k++) {
      tags.add(Map.of("k", String.valueOf(k)));
    }
    for (int r = 0; r < rounds; r++) {
      List<MetricsData> batch = new ArrayList<>();
      for (int i = 0; i < seriesCount / 100; i++) {
        Metric[] metrics = new Metric[100];
        for (int m = 0; m < 100; m++) {
          // series in a shuffled order each round, each one's value its round
          int k = (int) ((i * 100L + m) * 7919 % seriesCount);
          metrics[m] = Metric.of("m", r, tags.get(k));
        }
        batch.add(item(1_000L * (r + 1), metrics));
      }
      assertThat(store.storeAll(batch).allSucceeded()).isTrue();
      if (r == 1) {
        // a reader mid-way sees the first two rounds of every series
        assertThat(store.seriesNamed("m")).hasSize(seriesCount)
            .allSatisfy(s -> assertThat(values(s)).containsExactly(0.0, 1.0));
      }
    }

    List<Double> expected = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      expected.add((double) r);
    }
    assertThat(store.allSeries()).hasSize(seriesCount)
        .allSatisfy(s -> assertThat(values(s)).isEqualTo(expected));
    assertThat(store.pointCount()).isEqualTo((long) rounds * seriesCount);
  }

  @Test
  void writersStoringAtOnceLoseNoPointAndKeepEachSeriesInOrder() throws Exception {
    int seriesCount = 3_000;
    int writers = 4;
    // per writer, 1,500 points each: several staging rounds, and more points than the head's two
    // buffers hold, so that writers find both full and wait for a drain
    int batches = (int) (2L * SeriesStore.MAX_HEAD_POINTS / (writers * 1_500)) + 10;
    SeriesStore store = new SeriesStore(100_000_000, 128);
    List<Map<String, String>> tags = new ArrayList<>();
    for (int k = 0; k < seriesCount; k++) {
      tags.add(Map.of("k", String.valueOf(k)));
    }
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int w = 0; w < writers; w++) {
      int writer = w;
      threads.add(new Thread(() -> {
        try {
          for (int b = 0; b < batches; b++) {
            List<MetricsData> batch = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
              Metric[] metrics = new Metric[100];
              for (int m = 0; m < 100; m++) {
                int k = (int) (((long) b * 1_500 + i * 100 + m) % seriesCount);
                // each writer its own metric name, values counting up per series
                metrics[m] = Metric.of("w" + writer, b * 1_500 + i * 100 + m, tags.get(k));
              }
              batch.add(item(1_000L * (b * 15 + i + 1), metrics));
            }
            assertThat(store.storeAll(batch).allSucceeded()).isTrue();
          }
        } catch (Throwable t) {
          errors.add(t);
        }
      }));
    }
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread reader = new Thread(() -> {
      try {
        while (writing.get()) {
          // a reader drains the head while writers swap its buffers: every series still in order
          for (Series series : store.seriesNamed("w0")) {
            assertThat(values(series)).isSorted();
          }
        }
      } catch (Throwable t) {
        errors.add(t);
      }
    });
    threads.forEach(Thread::start);
    reader.start();
    for (Thread t : threads) {
      t.join();
    }
    writing.set(false);
    reader.join();

    assertThat(errors).isEmpty();
    assertThat(store.pointCount()).isEqualTo((long) writers * batches * 1_500);
    for (int w = 0; w < writers; w++) {
      List<Series> named = store.seriesNamed("w" + w);
      assertThat(named).hasSize(seriesCount);
      long points = 0;
      for (Series series : named) {
        List<Double> values = values(series);
        assertThat(values).isSorted(); // time order is arrival order here
        points += values.size();
      }
      assertThat(points).isEqualTo((long) batches * 1_500);
    }
  }

  @Test
  void givesTheHeadsGrownBuffersBackOnlyOnceWritesHavePausedAndKeepsEveryPoint() {
    SeriesStore store = new SeriesStore(10_000_000, 64);
    Map<String, String> tags = Map.of("host", "a");
    for (int batch = 0; batch < 50; batch++) { // 50,000 points: the head's buffers grow past their start
      Metric[] metrics = new Metric[1_000];
      for (int m = 0; m < metrics.length; m++) {
        metrics[m] = Metric.of("m" + m, batch, tags);
      }
      assertThat(store.storeAll(List.of(item(1_000L * (batch + 1), metrics))).allSucceeded()).isTrue();
    }
    long now = System.nanoTime();
    assertThat(store.trimIfIdle(now, 3_600_000_000_000L)).as("written within the hour").isFalse();
    assertThat(store.trimIfIdle(now + 3_000_000_000L, 2_000_000_000L)).as("paused for 2 s").isTrue();
    assertThat(store.trimIfIdle(now + 4_000_000_000L, 2_000_000_000L)).as("already small").isFalse();

    Metric[] more = new Metric[1_000];
    for (int m = 0; m < more.length; m++) {
      more[m] = Metric.of("m" + m, 50, tags);
    }
    assertThat(store.storeAll(List.of(item(51_000L, more))).allSucceeded()).isTrue();
    assertThat(store.pointCount()).isEqualTo(51_000);
    for (Series series : store.allSeries()) {
      assertThat(values(series)).hasSize(51).isSorted();
    }
  }

  @Test
  void storesTheContextOfAStoredItemButNotOfOneThatDidNotFit() {
    SeriesStore store = new SeriesStore(2, 64);
    MetricsData fits = new MetricsData(Instant.ofEpochMilli(1_000), "node", List.of(Metric.of("a", 1)),
        "", Map.of("k", "v1"));
    MetricsData tooBig = new MetricsData(Instant.ofEpochMilli(2_000), "node",
        List.of(Metric.of("a", 2), Metric.of("b", 2)), "", Map.of("k", "v2"));

    assertThat(store.storeAll(List.of(fits, tooBig)).failures()).singleElement()
        .satisfies(f -> assertThat(f.index()).isEqualTo(1));

    assertThat(store.context(1_000, "node", "")).contains(Map.of("k", "v1"));
    assertThat(store.context(2_000, "node", "")).isEmpty();
    assertThat(store.pointCount()).isEqualTo(1);
  }

  /** Sweeps of 1,000-point batches (10 hosts x 100 metrics) over {@code hosts} hosts; the cache counts of the last sweep. */
  private static long[] sweeps(SeriesStore store, int hosts, int sweeps, boolean freshMaps) {
    List<Map<String, String>> tags = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      tags.add(Map.of("host", "host-" + h));
    }
    long[] before = store.identityCacheCounts();
    for (int sweep = 0; sweep < sweeps; sweep++) {
      before = store.identityCacheCounts();
      for (int first = 0; first < hosts; first += 10) {
        List<MetricsData> batch = new ArrayList<>();
        for (int h = first; h < first + 10; h++) {
          List<Metric> metrics = new ArrayList<>();
          for (int m = 0; m < 100; m++) {
            Map<String, String> t = freshMaps ? Map.of("host", "host-" + h) : tags.get(h);
            metrics.add(Metric.of("m" + (m < 10 ? "0" : "") + m, sweep, t));
          }
          batch.add(item(1_000L * (sweep + 1), metrics.toArray(Metric[]::new)));
        }
        assertThat(store.storeAll(batch).allSucceeded()).isTrue();
      }
    }
    long[] after = store.identityCacheCounts();
    return new long[] {after[0] - before[0], after[1] - before[1]};
  }

  @Test
  void theIdentityCacheFindsAlmostEverySeriesOfAProducerThatReusesItsTagMapsAtHighCardinality() {
    SeriesStore store = new SeriesStore(10_000_000, 64);
    long[] last = sweeps(store, 1_000, 3, false); // 100,000 series, the cache grown past them

    assertThat(store.seriesCount()).isEqualTo(100_000);
    assertThat(last[0]).as("lookups through the cache in the last sweep").isEqualTo(100_000);
    // names m00..m99 hash to neighbours: unmixed, they collided in the two-way table (91% answered)
    assertThat(last[1]).as("answered by it").isGreaterThan(98_000);
    for (Series s : store.seriesNamed("m42")) {
      assertThat(values(s)).containsExactly(0.0, 1.0, 2.0);
    }
  }

  @Test
  void theIdentityCacheFillsForSeriesRestoredFromADataDirectoryUnderOtherMapInstances() {
    SeriesStore store = new SeriesStore(10_000_000, 64);
    for (int h = 0; h < 1_000; h++) {
      for (int m = 0; m < 100; m++) { // as a restart restores them: maps of its own
        store.restoreSeries("node", "", "m" + (m < 10 ? "0" : "") + m, "", Map.copyOf(Map.of("host", "host-" + h)));
      }
    }
    long[] last = sweeps(store, 1_000, 2, false);

    assertThat(store.seriesCount()).isEqualTo(100_000);
    assertThat(last[1]).as("answered by the cache in the second sweep of the producer's own maps").isGreaterThan(90_000);
  }

  @Test
  void theIdentityCacheStepsAsideForAProducerThatBuildsItsTagMapsAfresh() {
    SeriesStore store = new SeriesStore(10_000_000, 64);
    long[] last = sweeps(store, 200, 3, true);

    assertThat(store.seriesCount()).isEqualTo(20_000);
    // each batch probes 512 lookups, then goes straight to the index
    assertThat(last[0]).as("lookups through the cache in the last sweep").isLessThanOrEqualTo(20 * 512);
    assertThat(last[1]).isZero();
  }

  @Test
  void oneTagMapInstanceSharedByDifferentNamesUnitsTypesAndSourcesMakesDistinctSeries() {
    SeriesStore store = new SeriesStore(1_000, 64);
    Map<String, String> tags = Map.of("host", "a");
    for (int round = 0; round < 2; round++) {
      store.storeAll(List.of(
          MetricsData.of(Instant.ofEpochMilli(1_000 + round), "t1", List.of(
              new Metric("x", 1, "", tags), new Metric("y", 2, "", tags), new Metric("x", 3, "ms", tags))),
          new MetricsData(Instant.ofEpochMilli(1_000 + round), "t2", List.of(new Metric("x", 4, "", tags)), "src", Map.of())));
    }
    assertThat(store.seriesCount()).isEqualTo(4);
    assertThat(store.seriesNamed("x")).extracting(SeriesStoreTest::values)
        .containsExactlyInAnyOrder(List.of(1.0, 1.0), List.of(3.0, 3.0), List.of(4.0, 4.0));
  }
}
