package org.metricspipeline.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.sink.TableSink;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;

class PostgresProvidersTest {

  private static final String NOWHERE = "jdbc:postgresql://127.0.0.1:1/metrics";

  @Test
  void theProvidersAreFoundByNameAndBuildFromSettings() {
    try (StorageAdapter s = AdapterRegistry.storage("postgres", AdapterConfig.of(Map.of(
        "url", NOWHERE, "schema", "s_1", "table", "points", "connect-timeout", "2s", "threads", "2")))) {
      assertThat(s).isInstanceOf(PostgresStorageAdapter.class);
      assertThat(s.name()).isEqualTo("postgres");
      assertThat(((PostgresStorageAdapter) s).table()).isEqualTo("s_1.points");
    }
    try (TableSink sink = AdapterRegistry.tableSink("postgres", AdapterConfig.of(Map.of("url", NOWHERE)))) {
      assertThat(sink).isInstanceOf(PostgresTableSink.class);
    }
  }

  @Test
  void badSettingsFailNamingTheKey() {
    assertThatThrownBy(() -> AdapterRegistry.storage("postgres", AdapterConfig.of(Map.of())))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("url");
    assertThatThrownBy(() -> AdapterRegistry.storage("postgres", AdapterConfig.of(Map.of(
        "url", NOWHERE, "table", "x; DROP")))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'table'").hasMessageContaining("must match");
    assertThatThrownBy(() -> AdapterRegistry.storage("postgres", AdapterConfig.of(Map.of(
        "url", NOWHERE, "colour", "red")))).hasMessageContaining("colour");
    assertThatThrownBy(() -> AdapterRegistry.storage("postgres", AdapterConfig.of(Map.of(
        "url", "jdbc:mysql://x/y?password=secret")))).hasMessageContaining("jdbc:postgresql")
        .hasMessageNotContaining("secret");
  }

  @Test
  void builderRejectsOutOfRangeValuesNamingTheOption() {
    PostgresStorageAdapter.Builder b = PostgresStorageAdapter.builder(NOWHERE);
    assertThatThrownBy(() -> b.threads(0)).hasMessageContaining("threads must be between 1 and 64");
    assertThatThrownBy(() -> b.retentionBatchRows(10)).hasMessageContaining("retentionBatchRows");
    assertThatThrownBy(() -> b.socketTimeout(Duration.ZERO)).hasMessageContaining("socketTimeout");
    assertThatThrownBy(() -> b.schema("1x")).hasMessageContaining("schema must match");
  }

  @Test
  void anUnreachableServerFailsCallsWithStorageUnavailableAndHealthUnhealthy() {
    try (PostgresStorageAdapter s = PostgresStorageAdapter.builder(NOWHERE).connectTimeout(Duration.ofSeconds(1)).build()) {
      assertThat(s.query(MetricsQuery.builder().build())).failsWithin(Duration.ofSeconds(20))
          .withThrowableThat().withCauseInstanceOf(StorageUnavailableException.class)
          .withMessageContaining("cannot connect");
      var health = s.healthCheck().join();
      assertThat(health.isHealthy()).isFalse();
      assertThat(String.valueOf(health.details().get("reason"))).contains("cannot connect");
    }
  }
}
