package org.metricspipeline.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.metricspipeline.adapters.memory.InMemoryVisualizationAdapter;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;

/**
 * The quick start's dashboard: the synthetic hosts' metrics, one chart of each type. Other
 * components add their own charts through {@code extra} (for example the guard's metrics, once it
 * records them in the same store).
 */
final class QuickStartDashboard {

  /** The dashboard's name. */
  static final String NAME = "Quick start: synthetic hosts";

  private QuickStartDashboard() {}

  /** The charts of the synthetic data: cpu, memory, request rate, latency. */
  static List<VisualizationSpec> syntheticCharts() {
    return List.of(
        chart("CPU usage by host (%)", VisualizationType.LINE,
            AggregationQuery.builder(SyntheticMetrics.CPU, Aggregation.AVG).groupBy("host").build()),
        chart("Memory used by host", VisualizationType.AREA,
            AggregationQuery.builder(SyntheticMetrics.MEMORY, Aggregation.AVG).groupBy("host").build()),
        chart("HTTP requests per second by host (5 min)", VisualizationType.BAR,
            AggregationQuery.builder(SyntheticMetrics.REQUESTS, Aggregation.RATE).groupBy("host")
                .step(Duration.ofMinutes(5)).build()),
        chart("Share of requests by region", VisualizationType.PIE,
            AggregationQuery.builder(SyntheticMetrics.REQUESTS, Aggregation.RATE).groupBy("region").build()),
        chart("Peak CPU by host and region (%)", VisualizationType.TABLE,
            AggregationQuery.builder(SyntheticMetrics.CPU, Aggregation.MAX).groupBy("host", "region").build()),
        chart("Average latency (ms)", VisualizationType.SCALAR,
            AggregationQuery.builder(QuickStart.PATTERN_METRIC, Aggregation.AVG).build()),
        chart("Latency (ms), " + QuickStart.PATTERN_METRIC + " pattern series", VisualizationType.LINE,
            AggregationQuery.builder(QuickStart.PATTERN_METRIC, Aggregation.AVG).groupBy("pattern").build()));
  }

  /** Creates the dashboard with the synthetic charts, then {@code extra} ones, in order. */
  static Dashboard create(InMemoryVisualizationAdapter charts, List<VisualizationSpec> extra) {
    Objects.requireNonNull(extra, "extra");
    Dashboard d = charts.createDashboard(new DashboardSpec(NAME,
        "The quick start's synthetic hour: 4 hosts x 3 metrics every 10 s, and a latency pattern series.",
        Map.of())).join();
    List<VisualizationSpec> all = new ArrayList<>(syntheticCharts());
    all.addAll(extra);
    for (VisualizationSpec spec : all) {
      charts.createVisualization(d.id(), spec).join();
    }
    return d;
  }

  private static VisualizationSpec chart(String name, VisualizationType type, AggregationQuery query) {
    return VisualizationSpec.of(name, type, query);
  }
}
