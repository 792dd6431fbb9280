package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.metricspipeline.adapters.memory.Items.at;
import static org.metricspipeline.adapters.memory.Items.item;
import static org.metricspipeline.adapters.memory.Items.m;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.TimeRange;

class InMemoryStorageAdapterAggregateTest {

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().pointsPerChunk(16).build();

  @AfterEach
  void close() {
    storage.close();
  }

  private void store(MetricsData... items) {
    assertThat(storage.batchStore(List.of(items)).join().allSucceeded()).isTrue();
  }

  private AggregationResult aggregate(AggregationQuery.Builder query) {
    return storage.aggregate(query.build()).join();
  }

  private static AggregationQuery.Builder q(String name, Aggregation f) {
    return AggregationQuery.builder(name, f);
  }

  @Test
  void computesEveryFunctionOverAllPointsWithoutStep() {
    store(item(1, m("v", 3)), item(2, m("v", 5)), item(3, m("v", 10)));

    assertThat(aggregate(q("v", Aggregation.COUNT)).singleValue()).contains(3.0);
    assertThat(aggregate(q("v", Aggregation.SUM)).singleValue()).contains(18.0);
    assertThat(aggregate(q("v", Aggregation.AVG)).singleValue()).contains(6.0);
    assertThat(aggregate(q("v", Aggregation.MIN)).singleValue()).contains(3.0);
    assertThat(aggregate(q("v", Aggregation.MAX)).singleValue()).contains(10.0);
  }

  @Test
  void startsTheSingleBucketAtTheRangeStartWhenBounded() {
    store(item(1_500, m("v", 1)), item(1_700, m("v", 2)));

    Bucket bounded = aggregate(q("v", Aggregation.SUM).range(TimeRange.from(at(1_000))))
        .groups().get(0).buckets().get(0);
    Bucket unbounded = aggregate(q("v", Aggregation.SUM)).groups().get(0).buckets().get(0);

    assertThat(bounded).isEqualTo(new Bucket(at(1_000), 3, 2));
    assertThat(unbounded).isEqualTo(new Bucket(at(1_500), 3, 2));
  }

  @Test
  void alignsBucketsToMultiplesOfTheStepSinceTheEpoch() {
    store(item(59_999, m("v", 1)), item(60_000, m("v", 2)), item(119_999, m("v", 4)),
        item(120_000, m("v", 8)));

    List<Bucket> buckets = aggregate(q("v", Aggregation.SUM).step(Duration.ofMinutes(1)))
        .groups().get(0).buckets();

    assertThat(buckets).containsExactly(new Bucket(at(0), 1, 1), new Bucket(at(60_000), 6, 2),
        new Bucket(at(120_000), 8, 1));
  }

  @Test
  void alignsBucketsBeforeTheEpochDownwards() {
    store(item(-1, m("v", 1)), item(-1_000, m("v", 2)), item(-1_001, m("v", 4)));

    List<Bucket> buckets = aggregate(q("v", Aggregation.SUM).step(Duration.ofSeconds(1)))
        .groups().get(0).buckets();

    assertThat(buckets).containsExactly(new Bucket(at(-2_000), 4, 1), new Bucket(at(-1_000), 3, 2));
  }

  @Test
  void leavesEmptyBucketsOut() {
    store(item(0, m("v", 1)), item(10_000, m("v", 2)));

    List<Bucket> buckets = aggregate(q("v", Aggregation.COUNT).step(Duration.ofSeconds(1)))
        .groups().get(0).buckets();

    assertThat(buckets).extracting(Bucket::start).containsExactly(at(0), at(10_000));
  }

  @Test
  void putsPointsWithoutAGroupByTagInTheEmptyValueGroupAndOrdersGroupsByValue() {
    store(item(1, m("v", 1, "host", "b")), item(2, m("v", 2, "host", "a")), item(3, m("v", 4)),
        item(4, m("v", 8, "host", "a", "dc", "x")));

    List<GroupResult> groups = aggregate(q("v", Aggregation.SUM).groupBy("host")).groups();

    assertThat(groups).extracting(GroupResult::key)
        .containsExactly(Map.of("host", ""), Map.of("host", "a"), Map.of("host", "b"));
    assertThat(groups).extracting(GroupResult::value).containsExactly(4.0, 10.0, 1.0);
  }

  @Test
  void ordersGroupsByTheirKeyValuesInGroupByOrder() {
    store(item(1, m("v", 1, "a", "2", "b", "1")), item(1, m("v", 1, "a", "1", "b", "2")),
        item(1, m("v", 1, "a", "1", "b", "1")));

    List<GroupResult> groups = aggregate(q("v", Aggregation.COUNT).groupBy("b", "a")).groups();

    assertThat(groups).extracting(g -> g.key().get("b") + g.key().get("a"))
        .containsExactly("11", "12", "21");
  }

  @Test
  void computesRateAsTheDocumentedExample() {
    store(item(0, m("c", 10)), item(10_000, m("c", 20)), item(20_000, m("c", 5)), item(30_000, m("c", 15)));

    Bucket bucket = aggregate(q("c", Aggregation.RATE)).groups().get(0).buckets().get(0);

    assertThat(bucket.value()).isCloseTo(25.0 / 30, within(1e-12));
    assertThat(bucket.count()).isEqualTo(4);
  }

  @Test
  void sumsTheRatesOfTheSeriesOfAGroup() {
    store(item(0, m("c", 0, "host", "a"), m("c", 100, "host", "b")),
        item(10_000, m("c", 10, "host", "a"), m("c", 150, "host", "b")));

    double rate = aggregate(q("c", Aggregation.RATE)).singleValue().orElseThrow();

    assertThat(rate).isCloseTo(1.0 + 5.0, within(1e-12));
  }

  @Test
  void treatsEachSourceAsItsOwnSeriesForRate() {
    store(item(0, "t", "s1", m("c", 0)), item(0, "t", "s2", m("c", 1_000)),
        item(10_000, "t", "s1", m("c", 10)), item(10_000, "t", "s2", m("c", 1_010)));

    double rate = aggregate(q("c", Aggregation.RATE)).singleValue().orElseThrow();

    assertThat(rate).isCloseTo(2.0, within(1e-12)); // not a reset between the sources
  }

  @Test
  void leavesOutRateBucketsWhereNoSeriesHasTwoPointsAtDifferentTimes() {
    store(item(0, m("c", 1, "host", "a")), item(0, m("c", 2, "host", "a")), item(500, m("c", 1, "host", "b")),
        item(60_000, m("c", 1)), item(70_000, m("c", 3)));

    AggregationResult result = aggregate(q("c", Aggregation.RATE).step(Duration.ofMinutes(1)).groupBy("host"));

    assertThat(result.groups()).hasSize(1);
    assertThat(result.groups().get(0).key()).isEqualTo(Map.of("host", ""));
    assertThat(result.groups().get(0).buckets()).containsExactly(new Bucket(at(60_000), 0.2, 2));
  }

  @Test
  void computesRateOverLatePointsInTimeOrder() {
    store(item(20_000, m("c", 30)), item(0, m("c", 10)), item(10_000, m("c", 20)));

    assertThat(aggregate(q("c", Aggregation.RATE)).singleValue().orElseThrow()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void filtersByMetricTypeTagsAndRange() {
    store(item(1, "a", "", m("v", 1, "host", "x")), item(2, "b", "", m("v", 2, "host", "x")),
        item(3, "a", "", m("v", 4, "host", "y")), item(4, "a", "", m("v", 8, "host", "x")));

    double sum = aggregate(q("v", Aggregation.SUM).metricType("a").tag("host", "x")
        .range(TimeRange.until(at(4)))).singleValue().orElseThrow();

    assertThat(sum).isEqualTo(1.0);
  }

  @Test
  void saysTheAnswerCameFromRawData() {
    store(item(1, m("v", 1)));

    assertThat(aggregate(q("v", Aggregation.SUM)).sources()).containsExactly("raw");
  }

  @Test
  void answersAnUnknownMetricWithNoGroups() {
    store(item(1, m("v", 1)));

    AggregationResult result = aggregate(q("nope", Aggregation.COUNT));

    assertThat(result.groups()).isEmpty();
    assertThat(result.singleValue()).isEmpty();
  }

  @Test
  void bucketsSparseDataWithATinyStep() {
    store(item(0, m("v", 1)), item(86_400_000L * 365, m("v", 2)));

    List<Bucket> buckets = aggregate(q("v", Aggregation.MAX).step(Duration.ofMillis(1))).groups().get(0).buckets();

    assertThat(buckets).containsExactly(new Bucket(at(0), 1, 1), new Bucket(at(86_400_000L * 365), 2, 1));
  }
}
