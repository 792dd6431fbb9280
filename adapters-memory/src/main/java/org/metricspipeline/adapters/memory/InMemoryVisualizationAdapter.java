package org.metricspipeline.adapters.memory;

import java.time.Clock;
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

/**
 * Dashboards and charts kept in memory: the seeds' "mock" visualization adapter, for tests and for
 * applications that chart through the library's own export.
 *
 * <pre>{@code
 * InMemoryVisualizationAdapter charts = InMemoryVisualizationAdapter.builder().storage(storage).build();
 * Dashboard d = charts.createDashboard(DashboardSpec.named("Hosts")).join();
 * charts.createVisualization(d.id(), VisualizationSpec.of("CPU", VisualizationType.LINE,
 *     AggregationQuery.builder("cpu_usage", Aggregation.AVG).groupBy("host").build())).join();
 * byte[] json = charts.exportDashboard(d.id(), ExportFormat.JSON).join();
 * }</pre>
 *
 * <p>Ids are generated in creation order: {@code dashboard-1}, {@code dashboard-2}, ...,
 * {@code visualization-1}, ... Lists come back in creation order. An unknown dashboard id completes
 * the future with {@link NotFoundException}.
 *
 * <p>Export: {@link ExportFormat#JSON} always (the definitions; with a
 * {@link Builder#storage(StorageAdapter) storage}, also each chart's data, computed by running its
 * query against that store at export time). {@link ExportFormat#CSV} holds only data, so it is
 * offered only with a storage. Other formats complete exceptionally with a
 * {@link MetricsPipelineException} naming the supported ones; {@link #exportFormats()} tells.
 *
 * <p>Thread-safe. Work runs on the caller's thread, except that an export completes when the
 * storage answers its queries.
 */
public final class InMemoryVisualizationAdapter implements VisualizationAdapter {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "memory";

  private final Optional<StorageAdapter> storage;
  private final Clock clock;
  private final Map<String, Dashboard> dashboards = new LinkedHashMap<>();
  private final Map<String, List<Visualization>> charts = new LinkedHashMap<>();
  private long nextDashboard = 1;
  private long nextVisualization = 1;
  private boolean closed;

  private InMemoryVisualizationAdapter(Builder b) {
    this.storage = Optional.ofNullable(b.storage);
    this.clock = b.clock;
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
    return closed ? closed() : CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Dashboard> createDashboard(DashboardSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (closed) {
      return closed();
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
      return closed();
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
      return closed();
    }
    return CompletableFuture.completedFuture(List.copyOf(dashboards.values()));
  }

  @Override
  public synchronized CompletableFuture<List<Visualization>> getVisualizations(String dashboardId) {
    Objects.requireNonNull(dashboardId, "dashboardId");
    if (closed) {
      return closed();
    }
    List<Visualization> list = charts.get(dashboardId);
    return list == null ? notFound(dashboardId) : CompletableFuture.completedFuture(List.copyOf(list));
  }

  @Override
  public CompletableFuture<byte[]> exportDashboard(String dashboardId, ExportFormat format) {
    Objects.requireNonNull(dashboardId, "dashboardId");
    Objects.requireNonNull(format, "format");
    Dashboard dashboard;
    List<Visualization> list;
    synchronized (this) {
      if (closed) {
        return closed();
      }
      dashboard = dashboards.get(dashboardId);
      if (dashboard == null) {
        return notFound(dashboardId);
      }
      list = List.copyOf(charts.get(dashboardId));
    }
    Set<ExportFormat> supported = exportFormats();
    if (!supported.contains(format)) {
      return CompletableFuture.failedFuture(new MetricsPipelineException("export format "
          + format.wireName() + " is not supported by the memory visualization adapter"
          + (storage.isEmpty() && format == ExportFormat.CSV ? " without a storage adapter" : "")
          + "; supported: " + supported.stream().map(ExportFormat::wireName).collect(Collectors.joining(", "))));
    }
    List<CompletableFuture<Chart>> futures = new ArrayList<>(list.size());
    for (Visualization v : list) {
      if (storage.isPresent()) {
        futures.add(storage.get().aggregate(v.spec().query())
            .thenApply(r -> new Chart(v, Optional.<AggregationResult>of(r))));
      } else {
        futures.add(CompletableFuture.completedFuture(new Chart(v, Optional.empty())));
      }
    }
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(unused -> {
      List<Chart> done = futures.stream().map(CompletableFuture::join).toList();
      return format == ExportFormat.JSON
          ? DashboardExporter.json(dashboard, done, clock.instant())
          : DashboardExporter.csv(done);
    });
  }

  /** {@code json}, plus {@code csv} when built with a storage. */
  @Override
  public Set<ExportFormat> exportFormats() {
    return storage.isPresent()
        ? Set.copyOf(EnumSet.of(ExportFormat.JSON, ExportFormat.CSV))
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

  private static <T> CompletableFuture<T> closed() {
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

    private Builder() {}

    /** The store whose data exports include (optional; the caller keeps owning and closing it). */
    public Builder storage(StorageAdapter storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** The clock stamping exports ({@code exported_at}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The adapter. */
    public InMemoryVisualizationAdapter build() {
      return new InMemoryVisualizationAdapter(this);
    }
  }
}
