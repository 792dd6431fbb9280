package org.metricspipeline.adapters.postgres;

import java.util.Set;
import org.metricspipeline.api.sink.TableSink;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.TableSinkProvider;

/**
 * Provides {@link PostgresTableSink} under the name {@code postgres}. Settings: {@code url}
 * (required), {@code schema}, {@code username}, {@code password}, {@code threads}; unknown keys are
 * rejected.
 */
public final class PostgresTableSinkProvider implements TableSinkProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public PostgresTableSinkProvider() {}

  @Override
  public String name() {
    return PostgresTableSink.NAME;
  }

  @Override
  public TableSink create(AdapterConfig config) {
    config.requireOnlyKnownKeys("postgres table sink provider", Set.of("url", "schema", "username", "password", "threads"));
    String url = config.requireString("url");
    PostgresTableSink.Builder[] b = {null};
    AdapterConfig.apply("url", () -> b[0] = PostgresTableSink.builder(url));
    PostgresTableSink.Builder builder = b[0];
    config.getString("schema").ifPresent(v -> AdapterConfig.apply("schema", () -> builder.schema(v)));
    config.getString("username").ifPresent(builder::username);
    config.getString("password").ifPresent(builder::password);
    int threads = config.getInt("threads", PostgresTableSink.DEFAULT_THREADS);
    AdapterConfig.apply("threads", () -> builder.threads(threads));
    return builder.build();
  }
}
