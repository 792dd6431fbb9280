package org.metricspipeline.adapters.postgres;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.metricspipeline.adapters.postgres.internal.Connections;
import org.metricspipeline.adapters.postgres.internal.Schema;
import org.metricspipeline.adapters.postgres.internal.Sql;
import org.metricspipeline.adapters.postgres.internal.Store;
import org.metricspipeline.adapters.postgres.internal.Worker;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.DiscoveryStorage;
import org.metricspipeline.api.timeseries.MetricInfo;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.MetricPage;
import org.metricspipeline.api.timeseries.RetentionStorage;
import org.metricspipeline.api.timeseries.RollupBucket;
import org.metricspipeline.api.timeseries.RollupInfo;
import org.metricspipeline.api.timeseries.RollupQuery;
import org.metricspipeline.api.timeseries.RollupStorage;
import org.metricspipeline.core.QueryPlanner;

/**
 * Stores metrics in PostgreSQL and answers every query by pushing the work into SQL, with the
 * semantics of {@link MetricsQuery}, {@link AggregationQuery} and core's {@code Aggregations}.
 * Talks to the server through the official JDBC driver ({@code org.postgresql:postgresql}); works
 * with PostgreSQL 12 to 17 (tested on Debian's 15) and needs no extension.
 *
 * <pre>{@code
 * try (PostgresStorageAdapter storage = PostgresStorageAdapter
 *     .builder("jdbc:postgresql://127.0.0.1:5432/metrics").username("metrics").password(secret)
 *     .build()) {
 *   storage.batchStore(items).join();
 * }
 * }</pre>
 *
 * <h2>Writes</h2>
 * {@link #batchStore} encodes a batch in PostgreSQL's binary {@code COPY} format and copies it in one
 * transaction that also records the batch's insert id: the batch is stored whole or not at all. When
 * the outcome of a transaction is unknown (the connection broke, the server stopped), the adapter
 * remembers the batch by content; when the pipeline retries it, the recorded insert id says whether
 * the first attempt committed, so the batch is stored exactly once (see the module README). A server
 * that cannot be reached completes the future with {@link StorageUnavailableException}; an item the
 * store cannot hold (a timestamp beyond epoch milliseconds, NUL in a text field) is reported per item
 * in {@link MetricsBatchResult#failures()}.
 *
 * <h2>Threads</h2>
 * Every call returns at once and runs on the adapter's executor ({@link Builder#threads} threads named
 * {@code metrics-postgres-io-N}, each with at most one pooled connection, a queue of
 * {@link Builder#queueCapacity} calls; a full queue fails the call with {@link OverloadedException}).
 * {@link #close()} lets queued calls finish, then closes the connections.
 */
public final class PostgresStorageAdapter
    implements StorageAdapter, RollupStorage, RetentionStorage, DiscoveryStorage {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "postgres";
  /** Default schema (namespace). */
  public static final String DEFAULT_SCHEMA = "metrics";
  /** Default raw table. */
  public static final String DEFAULT_TABLE = "metrics";
  /** Default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Default socket (read) timeout. */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(120);
  /** Default executor threads (and pooled connections). */
  public static final int DEFAULT_THREADS = 4;
  /** Default queued calls. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;
  /** Default rows deleted per retention transaction. */
  public static final int DEFAULT_RETENTION_BATCH_ROWS = 50_000;
  private static final Duration CLOSE_TIMEOUT = Duration.ofMinutes(2);

  private final Schema schema;
  private final Connections connections;
  private final Store store;
  private final Worker worker;

  private PostgresStorageAdapter(Builder b) {
    this.schema = new Schema(b.schema, b.table);
    this.connections = new Connections(b.url, b.username, b.password, b.connectTimeout, b.socketTimeout, b.threads);
    this.store = new Store(connections, schema, b.clock, b.createSchema, b.retentionBatchRows);
    this.worker = new Worker("postgres storage", "metrics-postgres-io", b.threads, b.queueCapacity);
  }

  /**
   * A builder for the server at {@code url}, a JDBC URL such as
   * {@code jdbc:postgresql://127.0.0.1:5432/metrics} (credentials may be in the URL as
   * {@code ?user=...&password=...} or given with {@link Builder#username} and {@link Builder#password}).
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The server URL, without credentials. */
  public String url() {
    return connections.url();
  }

  /** The raw table, as {@code schema.table}. */
  public String table() {
    return schema.schemaName() + "." + schema.tableName();
  }

  /**
   * Creates the schema and tables when missing (also done by the first call that needs them).
   * Completes exceptionally with {@link StorageUnavailableException} when the server is unreachable.
   */
  public CompletableFuture<Void> createSchema() {
    return run(() -> {
      store.ensureSchema();
      return null;
    });
  }

  @Override
  public CompletableFuture<Void> store(MetricsData data) {
    Objects.requireNonNull(data, "data");
    return batchStore(List.of(data)).thenApply(result -> {
      if (!result.allSucceeded()) {
        throw new MetricsPipelineException(result.failures().get(0).reason());
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchStore(List<MetricsData> batch) {
    Objects.requireNonNull(batch, "batch");
    List<MetricsData> copy = List.copyOf(batch);
    return run(() -> store.store(copy));
  }

  @Override
  public CompletableFuture<List<MetricsData>> query(MetricsQuery query) {
    Objects.requireNonNull(query, "query");
    return run(() -> store.query(query));
  }

  /**
   * Plans with core's {@code QueryPlanner.plan} (coarsest exact rollup, raw after its watermark) and
   * computes in PostgreSQL: sum, avg, min, max and count from raw points and rollup buckets in one
   * SQL statement; rate from raw points in SQL (window functions: {@code lag} over each series'
   * points in time order), and over rollups by reading the buckets and merging them with core's
   * {@code QueryPlanner.combine}.
   */
  @Override
  public CompletableFuture<AggregationResult> aggregate(AggregationQuery query) {
    Objects.requireNonNull(query, "query");
    return QueryPlanner.plan(query, this).thenCompose(plan -> run(() -> store.aggregate(query, plan)));
  }

  @Override
  public CompletableFuture<Long> rollup(Resolution resolution, TimeRange range) {
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(range, "range");
    return run(() -> store.rollup(resolution, range));
  }

  @Override
  public CompletableFuture<List<RollupBucket>> readRollups(RollupQuery query) {
    Objects.requireNonNull(query, "query");
    return run(() -> store.readRollups(query));
  }

  @Override
  public CompletableFuture<List<RollupBucket>> computeRollups(RollupQuery query) {
    Objects.requireNonNull(query, "query");
    return run(() -> store.computeRollups(query));
  }

  @Override
  public CompletableFuture<Optional<Instant>> rollupWatermark(Resolution resolution) {
    Objects.requireNonNull(resolution, "resolution");
    return run(() -> store.watermark(resolution));
  }

  @Override
  public CompletableFuture<List<RollupInfo>> listRollups() {
    return run(store::listRollups);
  }

  /** Deletes the points before the cutoff in batches of {@link Builder#retentionBatchRows} rows. */
  @Override
  public CompletableFuture<Long> deleteRawBefore(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    return run(() -> store.deleteRawBefore(cutoff));
  }

  @Override
  public CompletableFuture<Long> deleteRollupsBefore(Resolution resolution, Instant cutoff) {
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(cutoff, "cutoff");
    return run(() -> store.deleteRollupsBefore(resolution, cutoff));
  }

  @Override
  public CompletableFuture<MetricPage> listMetrics(MetricListQuery query) {
    Objects.requireNonNull(query, "query");
    return run(() -> store.listMetrics(query));
  }

  @Override
  public CompletableFuture<Optional<MetricInfo>> metricInfo(String metricName, int maxTagValues) {
    Objects.requireNonNull(metricName, "metricName");
    return run(() -> store.metricInfo(metricName, maxTagValues));
  }

  /**
   * Healthy when the server answers, the tables exist and a query succeeds. Details: {@code url},
   * {@code table}, {@code ping_ms}, {@code schema_version}, {@code points_estimate} (the planner's
   * estimate), {@code query_ms}, {@code unsettled_inserts}; unhealthy with {@code reason} otherwise
   * (unreachable, schema missing, closed).
   */
  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (worker.isClosed()) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("postgres storage is closed"));
    }
    return run(store::health);
  }

  private <T> CompletableFuture<T> run(Supplier<T> work) {
    return worker.run(work);
  }

  /** Lets queued calls finish (up to two minutes), then closes the connections. */
  @Override
  public void close() {
    if (worker.close(CLOSE_TIMEOUT)) {
      store.close();
    }
  }

  @Override
  public String toString() {
    return "PostgresStorageAdapter{url=" + url() + ", table=" + table() + "}";
  }

  /** Builds a {@link PostgresStorageAdapter}; setters reject values out of range, naming them. */
  public static final class Builder {
    private final String url;
    private String schema = DEFAULT_SCHEMA;
    private String table = DEFAULT_TABLE;
    private String username = "";
    private String password = "";
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
    private int threads = DEFAULT_THREADS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int retentionBatchRows = DEFAULT_RETENTION_BATCH_ROWS;
    private boolean createSchema = true;
    private Clock clock = Clock.systemUTC();

    private Builder(String url) {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "url must be a PostgreSQL JDBC URL such as jdbc:postgresql://127.0.0.1:5432/metrics, got '"
                + url.replaceAll("password=[^&]*", "password=***") + "'");
      }
      this.url = url;
    }

    /** The schema (namespace) holding the tables [{@value PostgresStorageAdapter#DEFAULT_SCHEMA}]. */
    public Builder schema(String schema) {
      Sql.identifier("schema", schema);
      this.schema = schema;
      return this;
    }

    /** The raw table [{@value PostgresStorageAdapter#DEFAULT_TABLE}]; the other tables take it as prefix. */
    public Builder table(String table) {
      Sql.identifier("table", table);
      this.table = table;
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

    /** Connect (and login) timeout, whole seconds [5 s]. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = seconds("connectTimeout", timeout);
      return this;
    }

    /** Socket read timeout, whole seconds [120 s]: the longest a statement may run. */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = seconds("socketTimeout", timeout);
      return this;
    }

    /** Executor threads and connections, 1 to 64 [{@value PostgresStorageAdapter#DEFAULT_THREADS}]. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("threads must be between 1 and 64, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Calls that may wait for a thread, 1 to 1,000,000 [{@value PostgresStorageAdapter#DEFAULT_QUEUE_CAPACITY}]. */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1 || capacity > 1_000_000) {
        throw new IllegalArgumentException("queueCapacity must be between 1 and 1000000, got " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** Rows deleted per retention transaction, 100 to 10,000,000 [{@value PostgresStorageAdapter#DEFAULT_RETENTION_BATCH_ROWS}]. */
    public Builder retentionBatchRows(int rows) {
      if (rows < 100 || rows > 10_000_000) {
        throw new IllegalArgumentException("retentionBatchRows must be between 100 and 10000000, got " + rows);
      }
      this.retentionBatchRows = rows;
      return this;
    }

    /** Create the schema and tables when missing [true]; false only checks they exist. */
    public Builder createSchema(boolean create) {
      this.createSchema = create;
      return this;
    }

    /** The clock for watermark and insert-id timestamps [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    private static Duration seconds(String option, Duration d) {
      Objects.requireNonNull(d, option);
      if (d.toSeconds() < 1 || d.toSeconds() > 86_400) {
        throw new IllegalArgumentException(option + " must be between 1 s and 1 day, got " + d);
      }
      return d;
    }

    /** The adapter; connects lazily (the first call creates the schema). */
    public PostgresStorageAdapter build() {
      return new PostgresStorageAdapter(this);
    }
  }
}
