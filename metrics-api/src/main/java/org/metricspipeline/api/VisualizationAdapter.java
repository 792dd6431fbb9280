package org.metricspipeline.api;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A place where metrics are charted: Metabase, or the library's own built-in dashboards.
 *
 * <p>Every method returns at once. An unknown dashboard id completes the future with
 * {@link NotFoundException}; an unsupported export format with {@link MetricsPipelineException}
 * naming the supported ones.
 */
public interface VisualizationAdapter extends AutoCloseable {

  /** The adapter's stable name, for example {@code memory} or {@code metabase}. */
  String name();

  /** Connects (logs in) to the backend. Other calls connect on first use when needed. */
  CompletableFuture<Void> connect();

  /** Creates a dashboard. */
  CompletableFuture<Dashboard> createDashboard(DashboardSpec spec);

  /** Creates a chart on a dashboard. */
  CompletableFuture<Visualization> createVisualization(String dashboardId, VisualizationSpec spec);

  /** Every dashboard. */
  CompletableFuture<List<Dashboard>> getDashboards();

  /** Every chart on a dashboard. */
  CompletableFuture<List<Visualization>> getVisualizations(String dashboardId);

  /** A dashboard exported in one of {@link #exportFormats()}. */
  CompletableFuture<byte[]> exportDashboard(String dashboardId, ExportFormat format);

  /** The export formats this adapter supports. */
  Set<ExportFormat> exportFormats();

  /** Reports whether the backend is reachable. */
  CompletableFuture<HealthCheckResult> healthCheck();

  /** Releases resources (connections, sessions). */
  @Override
  void close();
}
