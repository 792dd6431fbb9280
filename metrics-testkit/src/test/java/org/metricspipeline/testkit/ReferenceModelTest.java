package org.metricspipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.metricspipeline.testkit.Items.SECOND;
import static org.metricspipeline.testkit.Items.T0;
import static org.metricspipeline.testkit.Items.at;
import static org.metricspipeline.testkit.Items.item;
import static org.metricspipeline.testkit.Items.m;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.SeriesId;

/** The suite's oracle gives the documented examples' answers (so a store is never judged by a wrong model). */
class ReferenceModelTest {

  private final ReferenceModel model = new ReferenceModel();

  @Test
  void givesTheDocumentedRateExample() {
    model.addAll(List.of(item(0, m("c", 10)), item(10 * SECOND, m("c", 20)), item(20 * SECOND, m("c", 5)),
        item(30 * SECOND, m("c", 15))));

    List<GroupResult> groups = model.aggregate(AggregationQuery.builder("c", Aggregation.RATE).build());

    assertThat(groups).singleElement().satisfies(g -> {
      assertThat(g.buckets()).singleElement().satisfies(b -> {
        assertThat(b.start()).isEqualTo(at(0));
        assertThat(b.value()).isCloseTo(25.0 / 30, within(1e-12));
        assertThat(b.count()).isEqualTo(4);
      });
    });
  }

  @Test
  void givesTheDocumentedFunctionExamplesPerGroupAndStep() {
    model.addAll(List.of(item(0, m("v", 3, "host", "a")), item(30 * SECOND, m("v", 5, "host", "a")),
        item(70 * SECOND, m("v", 10, "host", "a")), item(0, m("v", 1))));
    AggregationQuery.Builder avg = AggregationQuery.builder("v", Aggregation.AVG).groupBy("host");

    assertThat(model.aggregate(avg.build())).containsExactly(
        new GroupResult(Map.of("host", ""), List.of(new Bucket(at(0), 1, 1))),
        new GroupResult(Map.of("host", "a"), List.of(new Bucket(at(0), 6, 3))));
    assertThat(model.aggregate(avg.step(Duration.ofMinutes(1)).range(TimeRange.from(at(1))).build()))
        .containsExactly(new GroupResult(Map.of("host", "a"),
            List.of(new Bucket(at(0), 5, 1), new Bucket(at(60 * SECOND), 10, 1))));
  }

  @Test
  void rollsUpTheDocumentedCounterExample() {
    model.addAll(List.of(item(0, m("c", 10)), item(50 * SECOND, m("c", 20)), item(70 * SECOND, m("c", 5)),
        item(110 * SECOND, m("c", 15))));
    SeriesId series = new SeriesId(Items.TYPE, "", "c", "", Map.of());

    Map<SeriesId, List<RollupBucket>> buckets =
        model.rollups(RollupQuery.of("c", Resolution.ONE_MINUTE, TimeRange.all()));

    assertThat(buckets).containsOnlyKeys(series);
    assertThat(buckets.get(series)).containsExactly(
        new RollupBucket(series, Resolution.ONE_MINUTE, T0, 2, 30, 10, 20, T0, 10, T0 + 50_000, 20, 10),
        new RollupBucket(series, Resolution.ONE_MINUTE, T0 + 60_000, 2, 20, 5, 15, T0 + 70_000, 5, T0 + 110_000,
            15, 10));
  }

  @Test
  void ordersAndGroupsQueryResultsAsDocumented() {
    model.addAll(List.of(item(5, "b", "", m("x", 1)), item(5, "a", "", m("x", 2, "k", "\uD83D\uDE00"),
        m("x", 3, "k", "\uFF21")), item(4, "z", "", m("z", 9))));

    List<MetricsData> items = model.query(MetricsQuery.builder().offset(1).build());

    assertThat(items).containsExactly(
        MetricsData.of(at(5), "a", List.of(new Metric("x", 3, "", Map.of("k", "\uFF21")),
            new Metric("x", 2, "", Map.of("k", "\uD83D\uDE00")))),
        MetricsData.of(at(5), "b", List.of(Metric.of("x", 1))));
  }
}
