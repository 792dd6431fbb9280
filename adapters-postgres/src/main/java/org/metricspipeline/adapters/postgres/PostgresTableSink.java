package org.metricspipeline.adapters.postgres;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.metricspipeline.adapters.postgres.internal.Connections;
import org.metricspipeline.adapters.postgres.internal.SinkTables;
import org.metricspipeline.adapters.postgres.internal.Sql;
import org.metricspipeline.adapters.postgres.internal.Worker;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.sink.ColumnMapping;
import org.metricspipeline.api.sink.TableSink;
import org.metricspipeline.api.sink.TableSpec;

/**
 * Writes rows into PostgreSQL tables (seed 002's {@code PostgreSQLSink}): {@link #createTable} with
 * the type mapping of {@link org.metricspipeline.api.sink.ColumnType} ({@code text}, {@code integer},
 * {@code bigint}, {@code real}, {@code double precision}, {@code boolean}, {@code timestamptz},
 * {@code date}, {@code jsonb}, {@code text[]}) and the key as primary key; {@link #writeBatch} by
 * binary {@code COPY} in one transaction (all rows or none); {@link #query} in a {@code READ ONLY}
 * transaction with every {@code ?} bound as a parameter.
 *
 * <pre>{@code
 * try (PostgresTableSink sink = PostgresTableSink.builder(jdbcUrl).schema("analytics").build()) {
 *   sink.createTable(TableSpec.of("events_per_minute", List.of(
 *       Column.required("window_start", ColumnType.TIMESTAMP), Column.of("device_type", ColumnType.STRING),
 *       Column.of("event_count", ColumnType.LONG)), List.of("window_start", "device_type"))).join();
 *   sink.writeBatch("events_per_minute", rows, ColumnMapping.of(Map.of(
 *       "window.start", "window_start", "device_type", "device_type", "count", "event_count"))).join();
 * }
 * }</pre>
 */
public final class PostgresTableSink implements TableSink {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "postgres";
  /** Default schema. */
  public static final String DEFAULT_SCHEMA = "public";
  /** Default executor threads (and connections). */
  public static final int DEFAULT_THREADS = 2;
  /** Default queued calls. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;

  private final Connections connections;
  private final SinkTables tables;
  private final String schema;
  private final Worker worker;

  private PostgresTableSink(Builder b) {
    this.schema = b.schema;
    this.connections = new Connections(b.url, b.username, b.password, b.connectTimeout, b.socketTimeout, b.threads);
    this.tables = new SinkTables(connections, b.schema);
    this.worker = new Worker("postgres sink", "metrics-postgres-sink", b.threads, b.queueCapacity);
  }

  /** A builder for the server at {@code url} ({@code jdbc:postgresql://host:port/database}). */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletableFuture<Void> createTable(TableSpec table) {
    Objects.requireNonNull(table, "table");
    return run(() -> {
      tables.create(table);
      return null;
    });
  }

  @Override
  public CompletableFuture<Long> writeBatch(String table, List<? extends Map<String, ?>> rows, ColumnMapping mapping) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(mapping, "mapping");
    List<? extends Map<String, ?>> copy = List.copyOf(rows);
    return run(() -> tables.write(table, copy, mapping));
  }

  @Override
  public CompletableFuture<List<Map<String, Object>>> query(String sql, List<?> params) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(params, "params");
    List<?> copy = List.copyOf(params);
    return run(() -> tables.query(sql, copy));
  }

  /** Healthy when the server answers; details {@code url}, {@code schema}, {@code ping_ms}. */
  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (worker.isClosed()) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("postgres sink is closed"));
    }
    return run(() -> {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("url", connections.url());
      details.put("schema", schema);
      long t0 = System.nanoTime();
      try {
        tables.ping();
        details.put("ping_ms", (System.nanoTime() - t0) / 1_000_000.0);
        return HealthCheckResult.healthy(details);
      } catch (MetricsPipelineException e) {
        details.put("reason", e.getMessage());
        return new HealthCheckResult(HealthStatus.UNHEALTHY, details);
      }
    });
  }

  private <T> CompletableFuture<T> run(Supplier<T> work) {
    return worker.run(work);
  }

  /** Lets queued calls finish (up to a minute), then closes the connections. */
  @Override
  public void close() {
    if (worker.close(Duration.ofMinutes(1))) {
      connections.close();
    }
  }

  /** Builds a {@link PostgresTableSink}; setters reject values out of range, naming them. */
  public static final class Builder {
    private final String url;
    private String schema = DEFAULT_SCHEMA;
    private String username = "";
    private String password = "";
    private Duration connectTimeout = PostgresStorageAdapter.DEFAULT_CONNECT_TIMEOUT;
    private Duration socketTimeout = PostgresStorageAdapter.DEFAULT_SOCKET_TIMEOUT;
    private int threads = DEFAULT_THREADS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;

    private Builder(String url) {
      // the storage adapter's builder checks the URL the same way
      PostgresStorageAdapter.builder(url);
      this.url = url;
    }

    /** The schema of the tables [{@value PostgresTableSink#DEFAULT_SCHEMA}]. */
    public Builder schema(String schema) {
      Sql.identifier("schema", schema);
      this.schema = schema;
      return this;
    }

    /** The user [from the URL]. */
    public Builder username(String username) {
      this.username = Objects.requireNonNull(username, "username");
      return this;
    }

    /** The password [from the URL]. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Connect timeout, whole seconds [5 s]. */
    public Builder connectTimeout(Duration timeout) {
      PostgresStorageAdapter.builder(url).connectTimeout(timeout);
      this.connectTimeout = timeout;
      return this;
    }

    /** Socket read timeout, whole seconds [120 s]. */
    public Builder socketTimeout(Duration timeout) {
      PostgresStorageAdapter.builder(url).socketTimeout(timeout);
      this.socketTimeout = timeout;
      return this;
    }

    /** Executor threads and connections, 1 to 64 [{@value PostgresTableSink#DEFAULT_THREADS}]. */
    public Builder threads(int threads) {
      PostgresStorageAdapter.builder(url).threads(threads);
      this.threads = threads;
      return this;
    }

    /** Calls that may wait, 1 to 1,000,000 [{@value PostgresTableSink#DEFAULT_QUEUE_CAPACITY}]. */
    public Builder queueCapacity(int capacity) {
      PostgresStorageAdapter.builder(url).queueCapacity(capacity);
      this.queueCapacity = capacity;
      return this;
    }

    /** The sink; connects lazily. */
    public PostgresTableSink build() {
      return new PostgresTableSink(this);
    }
  }
}
