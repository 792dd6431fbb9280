package org.metricspipeline.adapters.clickhouse;

import java.time.Duration;
import java.util.Set;
import org.metricspipeline.api.sink.TableSink;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.TableSinkProvider;

/**
 * Provides {@link ClickHouseTableSink} under the name {@code clickhouse}. Settings: {@code url}
 * (required), {@code database} [default], {@code username} [default], {@code password} [empty],
 * {@code timeout} [60s]; unknown keys are rejected.
 */
public final class ClickHouseTableSinkProvider implements TableSinkProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public ClickHouseTableSinkProvider() {}

  @Override
  public String name() {
    return ClickHouseTableSink.NAME;
  }

  @Override
  public TableSink create(AdapterConfig config) {
    config.requireOnlyKnownKeys("clickhouse table sink provider", Set.of("url", "database", "username", "password", "timeout"));
    String url = config.requireString("url");
    String database = config.getString("database").orElse("default");
    Duration timeout = config.getDuration("timeout", Duration.ofSeconds(60));
    TableSink[] sink = {null};
    AdapterConfig.apply("url", () -> sink[0] = ClickHouseTableSink.create(url, database,
        config.getString("username").orElse("default"), config.getString("password").orElse(""), timeout));
    return sink[0];
  }
}
