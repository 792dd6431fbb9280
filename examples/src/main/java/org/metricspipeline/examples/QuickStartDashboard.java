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
import org.metricspipeline.guard.MetricsCollector;

/**
 * The quick start's dashboard: the synthetic hosts' metrics, one chart of each type, then the
 * guard's own metrics as its {@link MetricsCollector} records them through the pipeline into the
 * same store (every {@link QuickStartServer#COLLECTOR_INTERVAL}). Callers add more charts through
 * {@code extra}.
 */
final class QuickStartDashboard {

  /** The dashboard's name. */
  static final String NAME = "Quick start: synthetic hosts and the guard";
  /**
   * The step of the guard's rate charts: several collections per bucket (a rate needs two points
   * of a series at different instants in its bucket), whatever step the page's range would pick.
   */
  static final Duration GUARD_RATE_STEP = Duration.ofMinutes(1);

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

  /**
   * The charts of the guard's collector's metrics (type {@value MetricsCollector#METRIC_TYPE}): the
   * pipeline's stored items per second, its queue depth, HTTP requests per second by endpoint path,
   * and the guard's health checks per second.
   */
  static List<VisualizationSpec> guardCharts() {
    return List.of(
        chart("Guard: pipeline items stored per second", VisualizationType.LINE,
            guard("metrics_pipeline_items_stored_total", Aggregation.RATE).step(GUARD_RATE_STEP).build()),
        chart("Guard: pipeline queue depth (items)", VisualizationType.AREA,
            guard("metrics_pipeline_queue_items", Aggregation.MAX).build()),
        chart("Guard: HTTP requests per second by path", VisualizationType.LINE,
            guard("metrics_http_requests_total", Aggregation.RATE).groupBy("path").step(GUARD_RATE_STEP).build()),
        chart("Guard: health checks per second", VisualizationType.SCALAR,
            guard("metrics_guard_checks_total", Aggregation.RATE).build()));
  }

  /** Every chart of the dashboard before {@code extra}: the synthetic ones, then the guard's. */
  static List<VisualizationSpec> charts() {
    List<VisualizationSpec> all = new ArrayList<>(syntheticCharts());
    all.addAll(guardCharts());
    return List.copyOf(all);
  }

  /** Creates the dashboard with the synthetic charts, the guard's, then {@code extra} ones, in order. */
  static Dashboard create(InMemoryVisualizationAdapter charts, List<VisualizationSpec> extra) {
    Objects.requireNonNull(extra, "extra");
    Dashboard d = charts.createDashboard(new DashboardSpec(NAME,
        "The quick start's synthetic hour (4 hosts x 3 metrics every 10 s, and a latency pattern series),"
            + " then the pipeline's and the guard's own metrics, recorded every "
            + QuickStartServer.COLLECTOR_INTERVAL.toSeconds() + " s.",
        Map.of())).join();
    List<VisualizationSpec> all = new ArrayList<>(charts());
    all.addAll(extra);
    for (VisualizationSpec spec : all) {
      charts.createVisualization(d.id(), spec).join();
    }
    return d;
  }

  private static AggregationQuery.Builder guard(String metric, Aggregation function) {
    return AggregationQuery.builder(metric, function).metricType(MetricsCollector.METRIC_TYPE);
  }

  private static VisualizationSpec chart(String name, VisualizationType type, AggregationQuery query) {
    return VisualizationSpec.of(name, type, query);
  }
}
