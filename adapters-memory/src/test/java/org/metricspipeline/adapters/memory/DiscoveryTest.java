package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.metricspipeline.adapters.memory.Items.at;
import static org.metricspipeline.adapters.memory.Items.item;
import static org.metricspipeline.adapters.memory.Items.m;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.MetricPage;
import org.metricspipeline.api.timeseries.MetricSummary;
import org.metricspipeline.api.timeseries.TagValues;

class DiscoveryTest {

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();

  private void storeNames(String... names) {
    for (String n : names) {
      storage.store(item(1000, m(n, 1))).join();
    }
  }

  @Test
  void pagesThroughMetricsInNameOrder() {
    storeNames("e", "a", "d", "c", "b");

    MetricPage second = storage.listMetrics(new MetricListQuery(2, 2, "")).join();

    assertThat(second.metrics()).extracting(MetricSummary::name).containsExactly("c", "d");
    assertThat(second.total()).isEqualTo(5);
    assertThat(second.hasNext()).isTrue();
  }

  @Test
  void aPageAfterTheLastIsEmpty() {
    storeNames("a", "b");

    MetricPage page = storage.listMetrics(new MetricListQuery(3, 2, "")).join();

    assertThat(page.metrics()).isEmpty();
    assertThat(page.hasNext()).isFalse();
  }

  @Test
  void searchMatchesASubstringIgnoringCase() {
    storeNames("cpu_usage", "CPU_temp", "memory");

    MetricPage page = storage.listMetrics(new MetricListQuery(1, 10, "cpu")).join();

    assertThat(page.metrics()).extracting(MetricSummary::name).containsExactly("CPU_temp", "cpu_usage");
    assertThat(page.total()).isEqualTo(2);
  }

  @Test
  void infoHasTypesUnitsCountsFirstAndLastSeen() {
    storage.store(item(5000, "system", "", new Metric("cpu", 1, "%", Items.tags("host", "a")))).join();
    storage.store(item(1000, "app", "", new Metric("cpu", 2, "", Items.tags("host", "b")))).join();
    storage.store(item(3000, "app", "", new Metric("cpu", 3, "", Items.tags("host", "b")))).join();

    MetricSummary s = storage.metricInfo("cpu", 10).join().orElseThrow().summary();

    assertThat(s.metricTypes()).containsExactly("app", "system");
    assertThat(s.units()).containsExactly("", "%");
    assertThat(s.seriesCount()).isEqualTo(2);
    assertThat(s.pointCount()).isEqualTo(3);
    assertThat(s.firstSeen()).isEqualTo(at(1000));
    assertThat(s.lastSeen()).isEqualTo(at(5000));
  }

  @Test
  void infoListsDistinctTagValuesUpToTheLimit() {
    for (String host : List.of("h3", "h1", "h2", "h1")) {
      storage.store(item(1000, m("cpu", 1, "host", host, "dc", "eu"))).join();
    }

    var tags = storage.metricInfo("cpu", 2).join().orElseThrow().tags();

    assertThat(tags.get("host")).isEqualTo(new TagValues(List.of("h1", "h2"), 3));
    assertThat(tags.get("host").truncated()).isTrue();
    assertThat(tags.get("dc")).isEqualTo(new TagValues(List.of("eu"), 1));
  }

  @Test
  void infoOfAnUnknownMetricIsEmpty() {
    assertThat(storage.metricInfo("nope", 10).join()).isEmpty();
  }

  @Test
  void metricsWhosePointsWereAllDeletedAreNotListed() {
    storeNames("old");
    storage.store(item(10_000, m("new", 1))).join();

    storage.deleteRawBefore(at(5000)).join();

    assertThat(storage.listMetrics(MetricListQuery.firstPage()).join().metrics())
        .extracting(MetricSummary::name).containsExactly("new");
  }
}
