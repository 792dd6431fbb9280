package org.metricspipeline.adapters.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.metricspipeline.adapters.memory.internal.DashboardExporter;
import org.metricspipeline.adapters.memory.internal.DashboardExporter.Chart;
import org.metricspipeline.adapters.memory.internal.dashboard.Assets;
import org.metricspipeline.adapters.memory.internal.dashboard.ChartData;
import org.metricspipeline.adapters.memory.internal.dashboard.ChartQuery;
import org.metricspipeline.adapters.memory.internal.dashboard.DashboardEndpoints;
import org.metricspipeline.adapters.memory.internal.dashboard.DashboardPages;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.ExportFormat;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.NotFoundException;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.core.http.HttpEndpoint;

/**
 * Dashboards and charts kept in memory and served by the library itself: live web pages drawn from
 * the store's queries, and exports as JSON, CSV, SVG and standalone HTML.
 *
 * <pre>{@code
 * InMemoryVisualizationAdapter charts = InMemoryVisualizationAdapter.builder().storage(storage).build();
 * Dashboard d = charts.createDashboard(DashboardSpec.named("Hosts")).join();
 * charts.createVisualization(d.id(), VisualizationSpec.of("CPU", VisualizationType.LINE,
 *     AggregationQuery.builder("cpu_usage", Aggregation.AVG).groupBy("host").build())).join();
 * HttpIngestionAdapter http = HttpIngestionAdapter.builder().storage(storage)
 *     .endpoints(charts.endpoints()).build();          // http://127.0.0.1:8080/dashboards/dashboard-1
 * byte[] html = charts.exportDashboard(d.id(), ExportFormat.HTML, TimeRange.between(start, end)).join();
 * }</pre>
 *
 * <p>Ids are generated in creation order: {@code dashboard-1}, {@code dashboard-2}, ...,
 * {@code visualization-1}, ... Lists come back in creation order. An unknown dashboard id completes
 * the future with {@link NotFoundException}.
 *
 * <p>What each chart type draws (the query a chart runs is its spec's query over the page's or
 * export's window): {@code line} and {@code area} are time series with the query's step or an
 * automatic one (at most 120 buckets), whichever is coarser; {@code bar} is a time series when the
 * query has a step, else one bar per group; {@code pie} and {@code table} show one value per group;
 * {@code scalar} one value over everything (its group-by is ignored). At most 20 groups are drawn.
 *
 * <p>Export: {@link ExportFormat#JSON} always (the definitions; with a
 * {@link Builder#storage(StorageAdapter) storage}, also each chart's data, computed by running its
 * query against that store at export time). {@link ExportFormat#CSV}, {@link ExportFormat#SVG} and
 * {@link ExportFormat#HTML} need data, so they are offered only with a storage. Other formats
 * complete exceptionally with a {@link MetricsPipelineException} naming the supported ones;
 * {@link #exportFormats()} tells.
 *
 * <p>Thread-safe. Work runs on the caller's thread, except that exports and pages complete when the
 * storage answers their queries.
 */
public final class InMemoryVisualizationAdapter implements VisualizationAdapter {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "memory";

  /** How often dashboard pages reload their data when not set. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

  private final Optional<StorageAdapter> storage;
  private final Clock clock;
  private final List<HttpEndpoint> endpoints;
  private final Map<String, Dashboard> dashboards = new LinkedHashMap<>();
  private final Map<String, List<Visualization>> charts = new LinkedHashMap<>();
  private long nextDashboard = 1;
  private long nextVisualization = 1;
  private boolean closed;

  private InMemoryVisualizationAdapter(Builder b) {
    this.storage = Optional.ofNullable(b.storage);
    this.clock = b.clock;
    this.endpoints = new DashboardEndpoints(new DashboardEndpoints.Backend() {
      @Override
      public CompletableFuture<List<Dashboard>> dashboards() {
        return getDashboards();
      }

      @Override
      public CompletableFuture<List<Visualization>> visualizations(String dashboardId) {
        return getVisualizations(dashboardId);
      }

      @Override
      public CompletableFuture<List<ChartData>> chartData(String dashboardId, Optional<TimeRange> window) {
        return run(dashboardId, window).thenApply(r -> r.chartData());
      }

      @Override
      public Set<ExportFormat> formats() {
        return exportFormats();
      }

      @Override
      public CompletableFuture<byte[]> export(String dashboardId, ExportFormat format, Optional<TimeRange> window) {
        return InMemoryVisualizationAdapter.this.export(dashboardId, format, window);
      }
    }, b.clock, b.refreshInterval).endpoints();
  }

  /** A builder: no storage, the system UTC clock. */
  public static Builder builder() {
    return new Builder();
  }

  /** An adapter without storage (JSON export of definitions only). */
  public static InMemoryVisualizationAdapter create() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public synchronized CompletableFuture<Void> connect() {
    return closed ? closedFuture() : CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Dashboard> createDashboard(DashboardSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (closed) {
      return closedFuture();
    }
    Dashboard d = new Dashboard("dashboard-" + nextDashboard++, spec);
    dashboards.put(d.id(), d);
    charts.put(d.id(), new ArrayList<>());
    return CompletableFuture.completedFuture(d);
  }

  @Override
  public synchronized CompletableFuture<Visualization> createVisualization(
      String dashboardId, VisualizationSpec spec) {
    Objects.requireNonNull(dashboardId, "dashboardId");
    Objects.requireNonNull(spec, "spec");
    if (closed) {
      return closedFuture();
    }
    List<Visualization> list = charts.get(dashboardId);
    if (list == null) {
      return notFound(dashboardId);
    }
    Visualization v = new Visualization("visualization-" + nextVisualization++, dashboardId, spec);
    list.add(v);
    return CompletableFuture.completedFuture(v);
  }

  @Override
  public synchronized CompletableFuture<List<Dashboard>> getDashboards() {
    if (closed) {
      return closedFuture();
    }
    return CompletableFuture.completedFuture(List.copyOf(dashboards.values()));
  }

  @Override
  public synchronized CompletableFuture<List<Visualization>> getVisualizations(String dashboardId) {
    Objects.requireNonNull(dashboardId, "dashboardId");
    if (closed) {
      return closedFuture();
    }
    List<Visualization> list = charts.get(dashboardId);
    return list == null ? notFound(dashboardId) : CompletableFuture.completedFuture(List.copyOf(list));
  }

  /**
   * Exports a dashboard, each chart's query run over its own range (see {@link #exportDashboard(String,
   * ExportFormat, TimeRange)} for a window).
   */
  @Override
  public CompletableFuture<byte[]> exportDashboard(String dashboardId, ExportFormat format) {
    return export(dashboardId, format, Optional.empty());
  }

  /**
   * Exports a dashboard with every chart's query run over {@code window} instead of its own range,
   * as the dashboard page shows it: {@code json} (definition plus data), {@code csv} (data),
   * {@code svg} (every chart drawn into one image) or {@code html} (a standalone snapshot with
   * inline styles and SVG, no script and no external reference, that opens offline).
   */
  public CompletableFuture<byte[]> exportDashboard(String dashboardId, ExportFormat format, TimeRange window) {
    return export(dashboardId, format, Optional.of(Objects.requireNonNull(window, "window")));
  }

  private CompletableFuture<byte[]> export(String dashboardId, ExportFormat format, Optional<TimeRange> window) {
    Objects.requireNonNull(dashboardId, "dashboardId");
    Objects.requireNonNull(format, "format");
    Set<ExportFormat> supported = exportFormats();
    if (!supported.contains(format)) {
      return CompletableFuture.failedFuture(new MetricsPipelineException("export format "
          + format.wireName() + " is not supported by the memory visualization adapter"
          + (storage.isEmpty() && format != ExportFormat.JSON ? " without a storage adapter" : "")
          + "; supported: " + supported.stream().map(ExportFormat::wireName).sorted()
          .collect(Collectors.joining(", "))));
    }
    return run(dashboardId, window).thenApply(run -> {
      Instant now = clock.instant();
      return switch (format) {
        case JSON -> DashboardExporter.json(run.dashboard(), run.charts(), now);
        case CSV -> DashboardExporter.csv(run.charts());
        case SVG -> DashboardPages.svg(run.dashboard(), run.chartData(), label(window),
            now.truncatedTo(ChronoUnit.SECONDS));
        case HTML -> DashboardPages.html(run.dashboard(), run.chartData(), label(window),
            now.truncatedTo(ChronoUnit.SECONDS), Assets.css());
        default -> throw new IllegalStateException("unreachable: " + format);
      };
    });
  }

  private static String label(Optional<TimeRange> window) {
    return window.map(DashboardPages::rangeLabel).orElse("each chart's own range");
  }

  /** A dashboard and its charts, each with the answer to its resolved query (when a store answered). */
  private record Run(Dashboard dashboard, List<Chart> charts) {

    List<ChartData> chartData() {
      return charts.stream().map(c -> ChartData.of(c.visualization(), c.data().orElseThrow())).toList();
    }
  }

  /** Runs every chart's query, over the window when given, against the storage. */
  private CompletableFuture<Run> run(String dashboardId, Optional<TimeRange> window) {
    Dashboard dashboard;
    List<Visualization> list;
    synchronized (this) {
      if (closed) {
        return closedFuture();
      }
      dashboard = dashboards.get(dashboardId);
      if (dashboard == null) {
        return notFound(dashboardId);
      }
      list = List.copyOf(charts.get(dashboardId));
    }
    List<CompletableFuture<Chart>> futures = new ArrayList<>(list.size());
    for (Visualization v : list) {
      if (storage.isPresent()) {
        futures.add(storage.get().aggregate(ChartQuery.resolve(v.spec(), window))
            .thenApply(r -> new Chart(v, Optional.<AggregationResult>of(r))));
      } else {
        futures.add(CompletableFuture.completedFuture(new Chart(v, Optional.empty())));
      }
    }
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(unused -> new Run(dashboard, futures.stream().map(CompletableFuture::join).toList()));
  }

  /**
   * The endpoints serving these dashboards as web pages, to mount on the HTTP adapter
   * ({@code HttpIngestionAdapter.builder().endpoints(charts.endpoints())}) or any web stack through
   * core's {@code EndpointRouter}: {@code GET /dashboards} (list), {@code GET /dashboards/{id}} (a
   * dashboard whose charts reload every {@link Builder#refreshInterval refresh interval}, with a
   * time-range picker), {@code GET /dashboards/assets/{file}}, {@code GET /api/v1/dashboards},
   * {@code GET /api/v1/dashboards/{id}/data?range=1h} (or {@code start=&end=}) and
   * {@code GET /api/v1/dashboards/{id}/export?format=svg[&range=1h]}.
   *
   * @throws IllegalStateException when built without a storage: the pages draw live queries
   */
  public List<HttpEndpoint> endpoints() {
    if (storage.isEmpty()) {
      throw new IllegalStateException(
          "dashboard endpoints draw live queries: build the adapter with .storage(...)");
    }
    return endpoints;
  }

  /** {@code json}, plus {@code csv}, {@code svg} and {@code html} when built with a storage. */
  @Override
  public Set<ExportFormat> exportFormats() {
    return storage.isPresent()
        ? Set.copyOf(EnumSet.of(ExportFormat.JSON, ExportFormat.CSV, ExportFormat.SVG, ExportFormat.HTML))
        : Set.of(ExportFormat.JSON);
  }

  /** Healthy with the numbers of dashboards and charts; unhealthy once closed. */
  @Override
  public synchronized CompletableFuture<HealthCheckResult> healthCheck() {
    if (closed) {
      return CompletableFuture.completedFuture(
          HealthCheckResult.unhealthy("memory visualization adapter is closed"));
    }
    int visualizations = charts.values().stream().mapToInt(List::size).sum();
    return CompletableFuture.completedFuture(HealthCheckResult.healthy(Map.of(
        "dashboards", dashboards.size(),
        "visualizations", visualizations,
        "storage", storage.map(StorageAdapter::name).orElse("none"))));
  }

  /** Forgets every dashboard; later calls fail. The storage, owned by the caller, stays open. */
  @Override
  public synchronized void close() {
    closed = true;
    dashboards.clear();
    charts.clear();
  }

  private static <T> CompletableFuture<T> notFound(String dashboardId) {
    return CompletableFuture.failedFuture(new NotFoundException("no dashboard with id '" + dashboardId + "'"));
  }

  private static <T> CompletableFuture<T> closedFuture() {
    return CompletableFuture.failedFuture(
        new MetricsPipelineException("memory visualization adapter is closed"));
  }

  @Override
  public String toString() {
    return "InMemoryVisualizationAdapter{storage=" + storage.map(StorageAdapter::name).orElse("none") + "}";
  }

  /** Builds an {@link InMemoryVisualizationAdapter}. */
  public static final class Builder {
    private StorageAdapter storage;
    private Clock clock = Clock.systemUTC();
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;

    private Builder() {}

    /** The store whose data exports include (optional; the caller keeps owning and closing it). */
    public Builder storage(StorageAdapter storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** The clock stamping exports ({@code exported_at}) and ending the pages' relative windows ("last 1h"). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How often dashboard pages reload their charts' data, 1 s to 1 h [{@link #DEFAULT_REFRESH_INTERVAL}]. */
    public Builder refreshInterval(Duration interval) {
      Objects.requireNonNull(interval, "refreshInterval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("refreshInterval must be between 1s and 1h, got " + interval);
      }
      this.refreshInterval = interval;
      return this;
    }

    /** The adapter. */
    public InMemoryVisualizationAdapter build() {
      return new InMemoryVisualizationAdapter(this);
    }
  }
}
