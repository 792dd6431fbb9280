package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;

class ClickHouseProvidersTest {

  @Test
  void theProviderIsFoundByNameAndBuildsFromSettings() {
    try (StorageAdapter s = AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "database", "db_1", "table", "points", "insert-batch-rows", "1000",
        "connect-timeout", "250ms", "threads", "2")))) {
      assertThat(s).isInstanceOf(ClickHouseStorageAdapter.class);
      assertThat(s.name()).isEqualTo("clickhouse");
      assertThat(((ClickHouseStorageAdapter) s).table()).isEqualTo("db_1.points");
    }
  }

  @Test
  void badSettingsFailNamingTheKey() {
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of())))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("url");
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "table", "x; DROP")))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'table'").hasMessageContaining("must match");
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "insert-batch-rows", "2000000")))).hasMessageContaining("insert-batch-rows")
        .hasMessageContaining("1048576");
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "colour", "red")))).hasMessageContaining("colour");
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of("url", "ftp://x"))))
        .hasMessageContaining("url must be an http(s) URL");
  }

  @Test
  void clusterSettingsAreReadAndCheckedNamingTheKey() {
    try (StorageAdapter s = AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "cluster", "metrics_cluster", "sharding-key", "cityHash64(name)",
        "replicated", "false")))) {
      assertThat(((ClickHouseStorageAdapter) s).cluster()).contains("metrics_cluster");
      assertThat(s.toString()).contains("cluster=metrics_cluster");
    }
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "cluster", "a b")))).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cluster");
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "cluster", "c", "sharding-key", "name); DROP TABLE x; --'"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("shardingKey");
    try (ClickHouseStorageAdapter one = ClickHouseStorageAdapter.builder("http://127.0.0.1:1").build()) {
      assertThat(one.cluster()).isEmpty();
    }
  }

  @Test
  void insertQuorumIsReadAndAcceptedOnlyWithReplicatedTables() {
    try (StorageAdapter s = AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "cluster", "metrics_cluster", "insert-quorum", "2")))) {
      assertThat(((ClickHouseStorageAdapter) s).cluster()).contains("metrics_cluster");
    }
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "cluster", "c", "replicated", "false", "insert-quorum", "2"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'insert-quorum'")
        .hasMessageContaining("needs replicated tables");
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "insert-quorum", "2"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'insert-quorum'")
        .hasMessageContaining("set cluster");
    assertThatThrownBy(() -> AdapterRegistry.storage("clickhouse", AdapterConfig.of(Map.of(
        "url", "http://127.0.0.1:1", "cluster", "c", "insert-quorum", "-1"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("insertQuorum must be between 0 and 16");
    try (ClickHouseStorageAdapter one = ClickHouseStorageAdapter.builder("http://127.0.0.1:1").insertQuorum(1)
        .build()) {
      assertThat(one.cluster()).isEmpty();
    }
  }

  @Test
  void builderRejectsOutOfRangeValuesNamingTheOption() {
    ClickHouseStorageAdapter.Builder b = ClickHouseStorageAdapter.builder("http://127.0.0.1:1");
    assertThatThrownBy(() -> b.threads(0)).hasMessageContaining("threads must be between 1 and 64");
    assertThatThrownBy(() -> b.insertBatchBytes(10)).hasMessageContaining("insertBatchBytes");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO)).hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> b.database("1x")).hasMessageContaining("database must match");
  }

  @Test
  void anUnreachableServerFailsCallsWithStorageUnavailableAndHealthUnhealthy() {
    try (ClickHouseStorageAdapter s = ClickHouseStorageAdapter.builder("http://127.0.0.1:1")
        .connectTimeout(Duration.ofMillis(200)).build()) {
      assertThat(s.query(MetricsQuery.builder().build())).failsWithin(Duration.ofSeconds(10))
          .withThrowableThat().withCauseInstanceOf(StorageUnavailableException.class)
          .withMessageContaining("unreachable");
      var health = s.healthCheck().join();
      assertThat(health.isHealthy()).isFalse();
      assertThat(String.valueOf(health.details().get("reason"))).contains("unreachable");
    }
  }
}
