package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.metricspipeline.adapters.memory.Items.item;
import static org.metricspipeline.adapters.memory.Items.m;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.ExportFormat;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.NotFoundException;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;

class InMemoryVisualizationAdapterTest {

  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
  private final InMemoryVisualizationAdapter charts = InMemoryVisualizationAdapter.builder()
      .storage(storage).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  @AfterEach
  void close() {
    charts.close();
    storage.close();
  }

  private static VisualizationSpec cpuByHost() {
    return VisualizationSpec.of("CPU, by host", VisualizationType.LINE,
        AggregationQuery.builder("cpu", Aggregation.SUM).groupBy("host").step(Duration.ofMinutes(1)).build());
  }

  @Test
  void createsDashboardsAndChartsWithGeneratedIdsInOrder() {
    Dashboard a = charts.createDashboard(DashboardSpec.named("A")).join();
    Dashboard b = charts.createDashboard(new DashboardSpec("B", "second", Map.of("owner", "ops"))).join();
    Visualization v = charts.createVisualization(b.id(), cpuByHost()).join();

    assertThat(a.id()).isEqualTo("dashboard-1");
    assertThat(charts.getDashboards().join()).containsExactly(a, b);
    assertThat(v.id()).isEqualTo("visualization-1");
    assertThat(v.dashboardId()).isEqualTo(b.id());
    assertThat(charts.getVisualizations(b.id()).join()).containsExactly(v);
    assertThat(charts.getVisualizations(a.id()).join()).isEmpty();
  }

  @Test
  void failsWithNotFoundForAnUnknownDashboard() {
    assertThatThrownBy(() -> charts.getVisualizations("dashboard-9").join())
        .cause().isInstanceOf(NotFoundException.class).hasMessageContaining("dashboard-9");
    assertThatThrownBy(() -> charts.createVisualization("dashboard-9", cpuByHost()).join())
        .cause().isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> charts.exportDashboard("dashboard-9", ExportFormat.JSON).join())
        .cause().isInstanceOf(NotFoundException.class);
  }

  @Test
  void exportsTheDefinitionAndEachChartsDataAsJson() throws Exception {
    storage.batchStore(List.of(item(60_000, m("cpu", 1, "host", "a"), m("cpu", 2, "host", "b")),
        item(61_000, m("cpu", 4, "host", "a")))).join();
    Dashboard d = charts.createDashboard(DashboardSpec.named("Hosts")).join();
    charts.createVisualization(d.id(), cpuByHost()).join();

    JsonNode json = new ObjectMapper().readTree(charts.exportDashboard(d.id(), ExportFormat.JSON).join());

    assertThat(json.at("/dashboard/name").asText()).isEqualTo("Hosts");
    assertThat(json.at("/exported_at").asText()).isEqualTo(NOW.toString());
    JsonNode chart = json.at("/visualizations/0");
    assertThat(chart.at("/type").asText()).isEqualTo("line");
    assertThat(chart.at("/query/function").asText()).isEqualTo("sum");
    assertThat(chart.at("/query/step_millis").asLong()).isEqualTo(60_000);
    assertThat(chart.at("/data/sources/0").asText()).isEqualTo("raw");
    assertThat(chart.at("/data/groups/0/key/host").asText()).isEqualTo("a");
    assertThat(chart.at("/data/groups/0/buckets/0/value").asDouble()).isEqualTo(5.0);
    assertThat(chart.at("/data/groups/0/buckets/0/count").asLong()).isEqualTo(2);
    assertThat(chart.at("/data/groups/1/buckets/0/start").asText()).isEqualTo("1970-01-01T00:01:00Z");
  }

  @Test
  void exportsEachBucketAsACsvRow() {
    storage.batchStore(List.of(item(60_000, m("cpu", 1, "host", "a"), m("cpu", 2, "host", "b")))).join();
    Dashboard d = charts.createDashboard(DashboardSpec.named("Hosts")).join();
    charts.createVisualization(d.id(), cpuByHost()).join();

    String csv = new String(charts.exportDashboard(d.id(), ExportFormat.CSV).join(), StandardCharsets.UTF_8);

    assertThat(csv.split("\r\n")).containsExactly(
        "visualization_id,visualization_name,group,bucket_start,value,count",
        "visualization-1,\"CPU, by host\",host=a,1970-01-01T00:01:00Z,1.0,1",
        "visualization-1,\"CPU, by host\",host=b,1970-01-01T00:01:00Z,2.0,1");
  }

  @Test
  void failsForUnsupportedFormatsNamingTheSupportedOnes() {
    Dashboard d = charts.createDashboard(DashboardSpec.named("Hosts")).join();

    assertThatThrownBy(() -> charts.exportDashboard(d.id(), ExportFormat.XLSX).join())
        .cause().isExactlyInstanceOf(MetricsPipelineException.class)
        .hasMessageContaining("xlsx").hasMessageContaining("supported: ").hasMessageContaining("json")
        .hasMessageContaining("csv");
    assertThat(charts.exportFormats()).containsExactlyInAnyOrder(
        ExportFormat.JSON, ExportFormat.CSV, ExportFormat.SVG, ExportFormat.HTML);
  }

  @Test
  void exportsDefinitionsOnlyWithoutAStorage() throws Exception {
    try (InMemoryVisualizationAdapter plain = InMemoryVisualizationAdapter.create()) {
      Dashboard d = plain.createDashboard(DashboardSpec.named("Plain")).join();
      plain.createVisualization(d.id(), cpuByHost()).join();

      JsonNode json = new ObjectMapper().readTree(plain.exportDashboard(d.id(), ExportFormat.JSON).join());

      assertThat(json.at("/visualizations/0/name").asText()).isEqualTo("CPU, by host");
      assertThat(json.at("/visualizations/0").has("data")).isFalse();
      assertThat(plain.exportFormats()).containsExactly(ExportFormat.JSON);
      assertThatThrownBy(() -> plain.exportDashboard(d.id(), ExportFormat.CSV).join())
          .cause().hasMessageContaining("without a storage adapter");
    }
  }

  @Test
  void reportsCountsInTheHealthCheckAndFailsOnceClosed() {
    charts.createDashboard(DashboardSpec.named("A")).join();

    assertThat(charts.healthCheck().join().details()).containsEntry("dashboards", 1)
        .containsEntry("visualizations", 0).containsEntry("storage", "memory");

    charts.close();

    assertThat(charts.healthCheck().join().isHealthy()).isFalse();
    assertThatThrownBy(() -> charts.getDashboards().join()).cause().hasMessageContaining("closed");
  }
}
