package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;

class MemoryProvidersTest {

  @Test
  void findsTheMemoryStorageByName() {
    try (StorageAdapter storage = AdapterRegistry.storage("memory", AdapterConfig.empty())) {
      assertThat(storage).isInstanceOf(InMemoryStorageAdapter.class);
      assertThat(((InMemoryStorageAdapter) storage).maxPoints()).isEqualTo(InMemoryStorageAdapter.DEFAULT_MAX_POINTS);
    }
  }

  @Test
  void appliesStorageSettings() {
    try (StorageAdapter storage = AdapterRegistry.storage("memory",
        AdapterConfig.of(Map.of("max-points", "1_000", "points-per-chunk", "64")))) {
      InMemoryStorageAdapter memory = (InMemoryStorageAdapter) storage;
      assertThat(memory.maxPoints()).isEqualTo(1_000);
      assertThat(memory.pointsPerChunk()).isEqualTo(64);
    }
  }

  @Test
  void boundsTheSeriesWithTheMaxSeriesSetting() {
    try (StorageAdapter storage = AdapterRegistry.storage("memory", AdapterConfig.of(Map.of("max-series", "1")))) {
      MetricsBatchResult result = storage.batchStore(List.of(
          MetricsData.of(Instant.ofEpochMilli(1), "t", List.of(Metric.of("a", 1))),
          MetricsData.of(Instant.ofEpochMilli(2), "t", List.of(Metric.of("b", 1))))).join();
      assertThat(result.failures()).singleElement().satisfies(f ->
          assertThat(f.reason()).startsWith("series limit reached: maxSeries=1"));
    }
    assertThatThrownBy(() -> AdapterRegistry.storage("memory", AdapterConfig.of(Map.of("max-series", "0"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'max-series'");
  }

  @Test
  void makesTheStoreDurableWithADataDirSetting(@TempDir Path dir) {
    StorageAdapter durable = new MemoryStorageProvider().create(AdapterConfig.of(Map.of(
        "data-dir", dir.toString(), "fsync", "batch", "fsync-interval", "250ms", "max-disk-bytes", "2000000")));
    try {
      assertThat(((InMemoryStorageAdapter) durable).dataDir()).contains(dir);
    } finally {
      durable.close();
    }
    StorageAdapter memoryOnly = new MemoryStorageProvider().create(AdapterConfig.of(Map.of("data-dir", "none")));
    assertThat(((InMemoryStorageAdapter) memoryOnly).dataDir()).isEmpty();
    memoryOnly.close();
  }

  @Test
  void namesTheSettingThatIsOutOfRange() {
    assertThatThrownBy(() -> AdapterRegistry.storage("memory", AdapterConfig.of(Map.of("max-points", "0"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'max-points'")
        .hasMessageContaining(">= 1");
    assertThatThrownBy(() -> AdapterRegistry.ingestion("memory", AdapterConfig.of(Map.of("capacity", "lots"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'capacity'");
  }

  @Test
  void rejectsUnknownSettingsListingTheKnownOnes() {
    assertThatThrownBy(() -> AdapterRegistry.storage("memory", AdapterConfig.of(Map.of("maxpoints", "5"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("maxpoints").hasMessageContaining("max-points, max-series, points-per-chunk");
    assertThatThrownBy(() -> AdapterRegistry.visualization("memory", AdapterConfig.of(Map.of("x", "1"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("known: none");
  }

  @Test
  void findsTheMemoryChannelByNameWithItsSettings() {
    try (IngestionAdapter channel = AdapterRegistry.ingestion("memory",
        AdapterConfig.of(Map.of("capacity", "1", "retry-after", "2s")))) {
      channel.ingest(MetricsData.of(Instant.EPOCH, "system",
          List.of(Metric.of("a", 1)))).join();

      assertThat(channel).isInstanceOf(InMemoryIngestionAdapter.class);
      assertThat(channel.ingest(MetricsData.of(Instant.EPOCH, "system",
          List.of(Metric.of("a", 2))))).isCompletedExceptionally();
      assertThatThrownBy(() -> channel.ingest(MetricsData.of(Instant.EPOCH,
          "system", List.of(Metric.of("a", 3)))).join())
          .cause().isInstanceOf(OverloadedException.class)
          .satisfies(e -> assertThat(((OverloadedException) e).retryAfter()).isEqualTo(Duration.ofSeconds(2)));
    }
  }

  @Test
  void findsTheMemoryVisualizationByName() {
    try (VisualizationAdapter charts = AdapterRegistry.visualization("memory", AdapterConfig.empty())) {
      assertThat(charts).isInstanceOf(InMemoryVisualizationAdapter.class);
    }
  }

  @Test
  void listsMemoryAmongTheKnownProviders() {
    AdapterRegistry registry = AdapterRegistry.using(getClass().getClassLoader());

    assertThat(registry.storageNames()).contains("memory");
    assertThat(registry.ingestionNames()).contains("memory");
    assertThat(registry.visualizationNames()).contains("memory");
  }
}
