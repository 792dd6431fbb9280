package org.metricspipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.ExportFormat;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.NotFoundException;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;

/**
 * The conformance suite every {@link VisualizationAdapter} must pass: dashboards, charts on them,
 * exports in each format the adapter declares in {@link VisualizationAdapter#exportFormats()}, the
 * health check, and clear errors for unknown dashboard ids ({@link NotFoundException} naming the id)
 * and unsupported formats ({@link MetricsPipelineException} naming the format and the supported
 * ones).
 *
 * <pre>{@code
 * class MyVisualizationAdapterConformanceTest extends VisualizationAdapterConformanceSuite {
 *   @Override
 *   protected VisualizationAdapter createAdapter() {
 *     return MyVisualizationAdapter.builder().url(server.url()).build();
 *   }
 * }
 * }</pre>
 *
 * <p>Hooks: {@link #createAdapter()} (required) returns a new adapter whose backend holds no
 * dashboard yet, called before every test; {@link #cleanUp(VisualizationAdapter)} releases it
 * (closes it unless overridden); {@link #timeout()} bounds every call. Exports run the charts'
 * queries: when the adapter reads a store, give it data for {@link #CHART_METRIC} between
 * {@link #CHART_START} and {@link #CHART_END} (tags {@code host}), so that data exports have rows.
 * An export format the adapter does not declare has its test skipped, with the reason.
 *
 * <p>Export checks are about shape, not layout: JSON is an object or array naming the dashboard;
 * CSV has a header line and names the chart; XLSX is a ZIP (an Office Open XML package); SVG is an
 * {@code <svg>} document; HTML is a page naming the dashboard.
 */
public abstract class VisualizationAdapterConformanceSuite {

  /** Default longest wait for one call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** The metric the suite's charts draw. */
  public static final String CHART_METRIC = "cpu_usage";
  /** Start of the range the suite's charts draw. */
  public static final Instant CHART_START = Instant.parse("2026-11-23T00:00:00Z");
  /** End of the range the suite's charts draw. */
  public static final Instant CHART_END = Instant.parse("2026-11-24T00:00:00Z");

  private VisualizationAdapter adapter;

  /** A new adapter whose backend holds no dashboard; called before every test. */
  protected abstract VisualizationAdapter createAdapter();

  /** Releases a test's adapter after the test; closes it unless overridden. */
  protected void cleanUp(VisualizationAdapter adapter) {
    adapter.close();
  }

  /** The longest wait for one call to complete [{@link #DEFAULT_TIMEOUT}]. */
  protected Duration timeout() {
    return DEFAULT_TIMEOUT;
  }

  /** The adapter of the running test. */
  protected final VisualizationAdapter adapter() {
    return adapter;
  }

  @BeforeEach
  void openAdapter() {
    adapter = createAdapter();
    assertThat(adapter).as("createAdapter()").isNotNull();
  }

  @AfterEach
  void closeAdapter() {
    if (adapter != null) {
      cleanUp(adapter);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** Waits for {@code future} up to {@link #timeout()}; fails the test when it fails or times out. */
  protected final <T> T await(CompletableFuture<T> future) {
    return Futures.await(future, timeout());
  }

  /** What the future failed with; fails the test when the call throws, completes normally or hangs. */
  protected final Throwable failureOf(java.util.function.Supplier<? extends CompletableFuture<?>> call) {
    return Futures.failureOf(call, timeout());
  }

  /** A line chart of {@link #CHART_METRIC}: 1-minute average per host over the suite's range. */
  public static VisualizationSpec cpuLine(String name) {
    return new VisualizationSpec(name, VisualizationType.LINE,
        AggregationQuery.builder(CHART_METRIC, Aggregation.AVG).between(CHART_START, CHART_END)
            .groupBy("host").step(Duration.ofMinutes(1)).build(),
        "average CPU per host", Map.of("owner", "kit"));
  }

  /** A single number: the total of {@link #CHART_METRIC} over the suite's range. */
  public static VisualizationSpec total(String name) {
    return VisualizationSpec.of(name, VisualizationType.SCALAR,
        AggregationQuery.builder(CHART_METRIC, Aggregation.SUM).between(CHART_START, CHART_END).build());
  }

  private Dashboard dashboard(String name) {
    return await(adapter.createDashboard(new DashboardSpec(name, "made by the conformance kit", Map.of("team", "kit"))));
  }

  /** A dashboard with a line chart and a number, for the export tests. */
  private Dashboard chartedDashboard() {
    Dashboard d = dashboard("Kit export");
    await(adapter.createVisualization(d.id(), cpuLine("Kit CPU by host")));
    await(adapter.createVisualization(d.id(), total("Kit CPU total")));
    return d;
  }

  /** An id no dashboard of a new backend has. */
  private static final String UNKNOWN_ID = "987654321";

  private void assertNotFoundNaming(Throwable t, String id) {
    assertThat(t).as("the failure for unknown dashboard id %s", id).isInstanceOf(NotFoundException.class);
    assertThat(t.getMessage()).as("the message of %s", t).contains(id);
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void hasAName() {
    assertThat(adapter.name()).isNotBlank();
  }

  @Test
  void connects() {
    await(adapter.connect());
  }

  /** createDashboard and getDashboards. */
  @Nested
  class Dashboards {

    @Test
    void aNewBackendHasNoDashboards() {
      assertThat(await(adapter.getDashboards())).isEmpty();
    }

    @Test
    void createsADashboardWithAnIdAndItsNameAndDescription() {
      Dashboard d = dashboard("Kit servers");
      assertThat(d.id()).isNotBlank();
      assertThat(d.name()).isEqualTo("Kit servers");
      assertThat(d.spec().description()).isEqualTo("made by the conformance kit");
    }

    @Test
    void listsEveryCreatedDashboardWithDistinctIds() {
      Dashboard a = dashboard("Kit A");
      Dashboard b = dashboard("Kit B");
      assertThat(a.id()).isNotEqualTo(b.id());
      List<Dashboard> all = await(adapter.getDashboards());
      assertThat(all).extracting(Dashboard::id).containsExactlyInAnyOrder(a.id(), b.id());
      assertThat(all).extracting(Dashboard::name).containsExactlyInAnyOrder("Kit A", "Kit B");
    }

    @Test
    void keepsNamesWithSpacesQuotesAndNonAsciiLetters() {
      String name = "Kit \"ünïcode\" — 東京 <b>&amp;</b>";
      Dashboard d = dashboard(name);
      assertThat(d.name()).isEqualTo(name);
      assertThat(await(adapter.getDashboards())).extracting(Dashboard::name).contains(name);
    }
  }

  /** createVisualization and getVisualizations. */
  @Nested
  class Visualizations {

    @Test
    void createsAChartOnADashboard() {
      Dashboard d = dashboard("Kit charts");
      Visualization v = await(adapter.createVisualization(d.id(), cpuLine("Kit CPU")));
      assertThat(v.id()).isNotBlank();
      assertThat(v.dashboardId()).isEqualTo(d.id());
      assertThat(v.spec().name()).isEqualTo("Kit CPU");
      assertThat(v.spec().type()).isEqualTo(VisualizationType.LINE);
    }

    @Test
    void listsADashboardsChartsWithTheirNamesAndTypes() {
      Dashboard d = dashboard("Kit charts");
      Visualization line = await(adapter.createVisualization(d.id(), cpuLine("Kit CPU")));
      Visualization number = await(adapter.createVisualization(d.id(), total("Kit total")));
      List<Visualization> all = await(adapter.getVisualizations(d.id()));
      assertThat(all).extracting(Visualization::id).containsExactlyInAnyOrder(line.id(), number.id());
      assertThat(all).allSatisfy(v -> assertThat(v.dashboardId()).isEqualTo(d.id()));
      assertThat(all).extracting(v -> v.spec().name() + ":" + v.spec().type())
          .containsExactlyInAnyOrder("Kit CPU:LINE", "Kit total:SCALAR");
    }

    @Test
    void chartsStayOnTheirOwnDashboard() {
      Dashboard a = dashboard("Kit A");
      Dashboard b = dashboard("Kit B");
      Visualization onA = await(adapter.createVisualization(a.id(), cpuLine("Kit on A")));
      assertThat(await(adapter.getVisualizations(a.id()))).extracting(Visualization::id).containsExactly(onA.id());
      assertThat(await(adapter.getVisualizations(b.id()))).isEmpty();
    }
  }

  /** Unknown dashboard ids fail with NotFoundException naming the id. */
  @Nested
  class UnknownIds {

    @Test
    void chartsOfAnUnknownDashboardAreNotFound() {
      assertNotFoundNaming(failureOf(() -> adapter.getVisualizations(UNKNOWN_ID)), UNKNOWN_ID);
    }

    @Test
    void aChartOnAnUnknownDashboardIsNotFoundAndNotCreated() {
      assertNotFoundNaming(failureOf(() -> adapter.createVisualization(UNKNOWN_ID, cpuLine("Kit lost"))), UNKNOWN_ID);
      assertThat(await(adapter.getDashboards())).isEmpty();
    }

    @Test
    void exportingAnUnknownDashboardIsNotFound() {
      Set<ExportFormat> formats = adapter.exportFormats();
      assertThat(formats).as("exportFormats()").isNotEmpty();
      for (ExportFormat f : formats) {
        assertNotFoundNaming(failureOf(() -> adapter.exportDashboard(UNKNOWN_ID, f)), UNKNOWN_ID);
      }
    }
  }

  /** exportDashboard in each declared format; undeclared formats refused naming the supported ones. */
  @Nested
  class Exports {

    private byte[] export(ExportFormat format) {
      Assumptions.assumeTrue(adapter.exportFormats().contains(format), () -> adapter.name() + " does not declare "
          + format.wireName() + " in exportFormats(): its " + format.wireName() + " export test is skipped");
      Dashboard d = chartedDashboard();
      byte[] out = await(adapter.exportDashboard(d.id(), format));
      assertThat(out).as("%s export", format.wireName()).isNotEmpty();
      return out;
    }

    private static String text(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void declaresAtLeastOneFormat() {
      assertThat(adapter.exportFormats()).isNotEmpty();
    }

    @Test
    void exportsJsonNamingTheDashboardAndItsCharts() {
      String json = text(export(ExportFormat.JSON)).strip();
      assertThat(json).as("a JSON document").matches("(?s)^[\\[{].*[\\]}]$");
      assertThat(json).contains("Kit export", "Kit CPU by host", "Kit CPU total");
    }

    @Test
    void exportsCsvWithAHeaderAndTheChartsRows() {
      String csv = text(export(ExportFormat.CSV));
      String[] lines = csv.split("\r?\n");
      assertThat(lines.length).as("lines of %s", csv).isGreaterThan(1);
      assertThat(lines[0]).as("the header line").contains(",");
      assertThat(csv).contains("Kit CPU by host");
    }

    @Test
    void exportsXlsxAsAnOfficeOpenXmlPackage() {
      byte[] xlsx = export(ExportFormat.XLSX);
      assertThat(xlsx).as("a ZIP archive").startsWith('P', 'K', 3, 4);
    }

    @Test
    void exportsSvgAsAnSvgDocument() {
      String svg = text(export(ExportFormat.SVG));
      assertThat(svg).contains("<svg").contains("</svg>");
    }

    @Test
    void exportsHtmlAsAPageNamingTheDashboard() {
      String html = text(export(ExportFormat.HTML));
      assertThat(html.toLowerCase(Locale.ROOT)).contains("<html").contains("</html>");
      assertThat(html).contains("Kit export");
    }

    @Test
    void refusesEveryUndeclaredFormatNamingItAndTheSupportedOnes() {
      Set<ExportFormat> supported = adapter.exportFormats();
      Dashboard d = chartedDashboard();
      for (ExportFormat f : ExportFormat.values()) {
        if (supported.contains(f)) {
          continue;
        }
        Throwable t = failureOf(() -> adapter.exportDashboard(d.id(), f));
        assertThat(t).as("exporting as undeclared %s", f.wireName()).isInstanceOf(MetricsPipelineException.class)
            .isNotInstanceOf(NotFoundException.class);
        assertThat(t.getMessage().toLowerCase(Locale.ROOT)).as("the message of %s", t).contains(f.wireName());
        for (ExportFormat s : supported) {
          assertThat(t.getMessage().toLowerCase(Locale.ROOT)).as("the message of %s names supported %s", t, s.wireName())
              .contains(s.wireName());
        }
      }
    }
  }

  /** The health check. */
  @Nested
  class Health {

    @Test
    void aWorkingBackendIsHealthy() {
      HealthCheckResult h = await(adapter.healthCheck());
      assertThat(h.status()).as("health: %s", h.details()).isEqualTo(HealthStatus.HEALTHY);
    }
  }
}
