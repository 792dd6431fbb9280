package org.metricspipeline.adapters.metabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetabaseVisualizationProviderTest {

  FakeMetabase fake;

  @BeforeEach
  void start() throws IOException {
    fake = new FakeMetabase();
  }

  @AfterEach
  void stop() throws IOException {
    fake.close();
    assertThat(fake.violations()).isEmpty();
  }

  Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    s.put("url", fake.url());
    s.put("username", FakeMetabase.USER);
    s.put("password", FakeMetabase.PASSWORD);
    return s;
  }

  static VisualizationAdapter create(Map<String, String> settings) {
    return AdapterRegistry.visualization("metabase", AdapterConfig.of(settings));
  }

  @Test
  void serviceLoaderFindsTheProviderByName() {
    assertThat(AdapterRegistry.using(getClass().getClassLoader()).visualizationNames()).contains("metabase");
  }

  @Test
  void everyKeyReachesTheAdapter() {
    Map<String, String> s = settings();
    s.put("database-name", "CH metrics");
    s.put("clickhouse-host", "ch.internal");
    s.put("clickhouse-port", "8124");
    s.put("clickhouse-user", "reader");
    s.put("clickhouse-password", "ch-pw-Secret");
    s.put("clickhouse-database", "prod_metrics");
    s.put("clickhouse-table", "points");
    s.put("connect-timeout", "2s");
    s.put("read-timeout", "30s");
    s.put("call-timeout", "1m");
    s.put("max-retries", "0");
    s.put("retry-backoff", "0ms");
    s.put("threads", "1");
    s.put("max-queued-calls", "10");

    try (VisualizationAdapter adapter = create(s)) {
      adapter.connect().join();
      adapter.createDashboard(DashboardSpec.named("From config")).join();

      assertThat(adapter.name()).isEqualTo("metabase");
      assertThat(adapter.toString()).contains("CH metrics").contains("ch.internal:8124/prod_metrics.points")
          .doesNotContain("ch-pw-Secret").doesNotContain(FakeMetabase.PASSWORD);
    }
    assertThat(fake.databases.values()).singleElement().satisfies(db -> {
      assertThat(db.path("name").asText()).isEqualTo("CH metrics");
      assertThat(db.path("details").path("user").asText()).isEqualTo("reader");
      assertThat(db.path("details").path("port").asInt()).isEqualTo(8124);
      assertThat(db.path("details").path("dbname").asText()).isEqualTo("prod_metrics");
    });
    assertThat(fake.calls()).contains("DELETE /api/session");
  }

  @Test
  void anApiKeyWorksInsteadOfAUser() {
    Map<String, String> s = new HashMap<>(Map.of("url", fake.url(), "api-key", FakeMetabase.API_KEY));
    try (VisualizationAdapter adapter = create(s)) {
      adapter.connect().join();
    }
    assertThat(fake.calls()).first().isEqualTo("GET /api/user/current");
  }

  @Test
  void badSettingsAreConfigurationErrorsNamingTheKey() {
    Map<String, String> noUrl = settings();
    noUrl.remove("url");
    assertThatThrownBy(() -> create(noUrl)).isInstanceOf(ConfigurationException.class).hasMessageContaining("'url'");

    Map<String, String> both = settings();
    both.put("api-key", "k");
    assertThatThrownBy(() -> create(both)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'api-key'").hasMessageContaining("exclude each other");

    Map<String, String> none = new HashMap<>(Map.of("url", fake.url()));
    assertThatThrownBy(() -> create(none)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'username'");

    Map<String, String> noPassword = settings();
    noPassword.remove("password");
    assertThatThrownBy(() -> create(noPassword)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'password'");

    for (String[] bad : new String[][] {{"clickhouse-port", "0"}, {"clickhouse-table", "a b"},
        {"read-timeout", "soon"}, {"threads", "many"}, {"url", "metabase:3000"}}) {
      Map<String, String> s = settings();
      s.put(bad[0], bad[1]);
      assertThatThrownBy(() -> create(s)).as(bad[0]).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("'" + bad[0] + "'");
    }

    Map<String, String> unknown = settings();
    unknown.put("pasword", "typo");
    assertThatThrownBy(() -> create(unknown)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("pasword").hasMessageNotContaining("typo");
  }
}
