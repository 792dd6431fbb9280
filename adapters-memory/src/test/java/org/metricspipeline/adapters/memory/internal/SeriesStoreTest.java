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
}
