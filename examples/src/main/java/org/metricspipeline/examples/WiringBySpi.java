package org.metricspipeline.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.core.MetricsPipeline;

/**
 * Shows how application code builds adapters by name through {@link AdapterRegistry}, so the
 * choice of storage, channel and charts can come from configuration instead of code.
 *
 * <pre>{@code
 * java -cp examples/target/metrics-examples.jar org.metricspipeline.examples.WiringBySpi
 * }</pre>
 *
 * <p>The names ({@code memory} here; {@code clickhouse}, {@code sqs}, {@code http},
 * {@code metabase} once those adapters are on the class path) and the settings are plain strings.
 * Only the interfaces of {@code metrics-api} appear in the code.
 */
public final class WiringBySpi {

  static final String STORAGE = "memory";
  static final String INGESTION = "memory";
  static final String VISUALIZATION = "memory";
  static final int ITEMS = 60;
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

  private WiringBySpi() {}

  /** Runs the example and prints what it did. */
  public static void main(String[] args) {
    run(System.out);
  }

  /** Wires, feeds, stops, reads back; returns the figures it printed. */
  static Result run(PrintStream out) {
    AdapterRegistry registry = AdapterRegistry.using(WiringBySpi.class.getClassLoader());
    out.println("Providers found: storage " + registry.storageNames() + ", ingestion "
        + registry.ingestionNames() + ", visualization " + registry.visualizationNames());

    // The names and settings could come from a configuration file.
    StorageAdapter storage = AdapterRegistry.storage(STORAGE, AdapterConfig.of(Map.of("max-points", "1000000")));
    IngestionAdapter ingestion = AdapterRegistry.ingestion(INGESTION, AdapterConfig.of(Map.of("capacity", "1000")));

    String unknownName;
    try {
      AdapterRegistry.storage("no-such-store", AdapterConfig.empty());
      throw new IllegalStateException("an unknown provider name was accepted");
    } catch (ConfigurationException e) {
      unknownName = e.getMessage();
    }
    out.println("An unknown name fails clearly: " + unknownName);

    try (VisualizationAdapter charts = AdapterRegistry.visualization(VISUALIZATION, AdapterConfig.empty());
         MetricsPipeline pipeline = MetricsPipeline.builder()
             .storage(storage)
             .ingestion(ingestion)
             .processingInterval(Duration.ofMillis(50))
             .build()) {
      pipeline.startProcessing();

      Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(ITEMS));
      Map<String, String> tags = Map.of("service", "billing", "queue", "invoices");
      List<MetricsData> items = new ArrayList<>();
      for (int i = 0; i < ITEMS; i++) {
        items.add(MetricsData.builder()
            .timestamp(start.plus(Duration.ofMinutes(i)))
            .metricType("worker")
            .source("wiring-by-spi")
            .metric(new Metric("jobs_done", 10 + i % 7, "jobs", tags))
            .metric(new Metric("queue_depth", 100 - i, "jobs", tags))
            .build());
      }
      MetricsBatchResult accepted = ingestion.batchIngest(items).join();
      out.printf("Ingested %d items through the '%s' channel (%d refused)%n",
          accepted.successCount(), ingestion.name(), accepted.failureCount());

      // The channel is known only by its interface: wait on the pipeline's counters.
      EmbeddedStack.awaitTrue(() -> pipeline.stats().stored() >= accepted.successCount(), SETTLE_TIMEOUT,
          () -> "pipeline stored only " + pipeline.stats().stored() + " of " + accepted.successCount() + " items");
      pipeline.stopProcessing().join();

      long stored = pipeline.stats().stored();
      List<MetricsData> firstPage = storage.query(MetricsQuery.builder()
          .metricType("worker").metricNames("jobs_done").limit(3).build()).join();
      AggregationQuery totalJobs = AggregationQuery.builder("jobs_done", Aggregation.SUM).metricType("worker").build();
      double jobsDone = storage.aggregate(totalJobs).join().singleValue().orElse(0.0);
      out.printf("Stored %d items in '%s'; sum(jobs_done) = %.0f; first points:%n", stored, storage.name(), jobsDone);
      for (MetricsData item : firstPage) {
        out.printf("  %s  jobs_done %.0f%n", item.timestamp(), item.metrics().get(0).value());
      }

      charts.connect().join();
      Dashboard dashboard = charts.createDashboard(DashboardSpec.named("Workers")).join();
      Visualization chart = charts.createVisualization(dashboard.id(),
          VisualizationSpec.of("Jobs done", VisualizationType.LINE,
              totalJobs.toBuilder().step(Duration.ofMinutes(10)).build())).join();
      out.printf("Dashboard '%s' (%s) with chart '%s' on the '%s' visualization adapter%n",
          dashboard.name(), dashboard.id(), chart.spec().name(), charts.name());
      return new Result(storage.name(), ingestion.name(), charts.name(), accepted.successCount(), stored,
          jobsDone, firstPage, dashboard.id(), unknownName);
    }
  }

  /**
   * What the example did.
   *
   * @param storage the storage adapter's name
   * @param ingestion the ingestion adapter's name
   * @param visualization the visualization adapter's name
   * @param ingested items the channel accepted
   * @param stored items the pipeline stored
   * @param jobsDone sum(jobs_done) over everything stored
   * @param firstPage the first jobs_done points read back
   * @param dashboardId the dashboard created
   * @param unknownNameError the message of the error for an unknown provider name
   */
  record Result(String storage, String ingestion, String visualization, int ingested, long stored,
      double jobsDone, List<MetricsData> firstPage, String dashboardId, String unknownNameError) {}
}
