package org.metricspipeline.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.StorageAdapter;

class AdapterRegistryTest {

  private final AdapterRegistry registry = AdapterRegistry.using(getClass().getClassLoader());

  @Test
  void createsAStorageAdapterByName() {
    StorageAdapter storage = registry.createStorage("alpha", AdapterConfig.of(Map.of("size", "3")));

    assertThat(storage.name()).isEqualTo("alpha:[size]");
  }

  @Test
  void createsAnIngestionAdapterByNameThroughTheStaticShortcut() {
    assertThat(AdapterRegistry.ingestion("queue", AdapterConfig.empty()).name()).isEqualTo("queue:[]");
  }

  @Test
  void listsTheKnownNamesSorted() {
    assertThat(registry.storageNames()).containsExactly("alpha", "beta", "twin");
    assertThat(registry.ingestionNames()).containsExactly("queue");
    assertThat(registry.visualizationNames()).isEmpty();
  }

  @Test
  void failsOnAnUnknownNameListingTheKnownOnes() {
    assertThatThrownBy(() -> registry.createStorage("gamma", AdapterConfig.empty()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("unknown storage provider 'gamma'; known: alpha, beta, twin");
  }

  @Test
  void saysWhenNoProviderOfAKindIsOnTheClassPath() {
    assertThatThrownBy(() -> registry.createVisualization("metabase", AdapterConfig.empty()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown visualization provider 'metabase'; known: none");
  }

  @Test
  void failsWhenTwoProvidersShareAName() {
    assertThatThrownBy(() -> registry.createStorage("twin", AdapterConfig.empty()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("2 storage providers are named 'twin'")
        .hasMessageContaining("TwinOne").hasMessageContaining("TwinTwo");
  }

  @Test
  void passesProviderConfigurationErrorsThrough() {
    assertThatThrownBy(() -> registry.createStorage("alpha", AdapterConfig.of(Map.of("size", "big"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("setting 'size' must be an integer, got 'big'");
  }
}
