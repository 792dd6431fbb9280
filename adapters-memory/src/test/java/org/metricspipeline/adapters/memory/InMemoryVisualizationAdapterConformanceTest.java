package org.metricspipeline.adapters.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.testkit.VisualizationAdapterConformanceSuite;

/**
 * The built-in dashboards pass the visualization conformance kit, drawing from an in-memory store
 * holding an hour of {@code cpu_usage} for two hosts (so every data export has rows).
 */
class InMemoryVisualizationAdapterConformanceTest extends VisualizationAdapterConformanceSuite {

  private InMemoryStorageAdapter storage;

  @Override
  protected VisualizationAdapter createAdapter() {
    storage = InMemoryStorageAdapter.create();
    List<MetricsData> items = new ArrayList<>();
    for (int minute = 0; minute < 60; minute++) {
      for (String host : List.of("web-1", "web-2")) {
        items.add(MetricsData.builder().timestamp(CHART_START.plus(Duration.ofMinutes(minute))).metricType("system")
            .metric(Metric.of(CHART_METRIC, minute, Map.of("host", host))).build());
      }
    }
    storage.batchStore(items).join();
    return InMemoryVisualizationAdapter.builder().storage(storage)
        .clock(Clock.fixed(CHART_END, ZoneOffset.UTC)).build();
  }

  @Override
  protected void cleanUp(VisualizationAdapter adapter) {
    adapter.close();
    storage.close();
  }
}
