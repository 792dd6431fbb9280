package org.metricspipeline.adapters.clickhouse;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.adapters.clickhouse.internal.Schema;
import org.metricspipeline.adapters.clickhouse.internal.Store;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
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
import org.metricspipeline.clickhouse.sql.Sql;
import org.metricspipeline.core.QueryPlanner;

/**
 * Stores metrics in ClickHouse and answers every query by pushing the work into ClickHouse SQL, with
 * the semantics of {@link MetricsQuery}, {@link AggregationQuery} and core's {@code Aggregations}.
 * Talks HTTP through the official {@code com.clickhouse:client-v2}; works with ClickHouse 18.16 and
 * current releases.
 *
 * <pre>{@code
 * try (ClickHouseStorageAdapter storage = ClickHouseStorageAdapter.builder("http://127.0.0.1:8123")
 *     .database("metrics").table("metrics").build()) {
 *   storage.batchStore(items).join();
 * }
 * }</pre>
 *
 * <h2>Writes</h2>
 * {@link #batchStore} turns a batch into RowBinary and sends it as one streamed INSERT, split at item
 * boundaries when it exceeds {@link Builder#insertBatchRows} rows or {@link Builder#insertBatchBytes}
 * bytes. An INSERT of at most {@code max_insert_block_size} (1,048,576) rows is one block, which
 * MergeTree writes as one new part per day partition, each committed atomically: a failed insert
 * leaves nothing behind except, when the batch spans several days and the server stops between two
 * parts, the days already committed. Such an insert's outcome is unknown to the client, so its rows
 * carry an {@code insert_id}; when the pipeline retries the batch, the adapter recognises it, checks
 * what is there and completes it exactly once (see the module README). Every insert gets its id and
 * its query id before its first send and keeps them on every retry, and a retry never overlaps an
 * attempt still in flight (of this process, or still running on a server that was frozen). A server that cannot be reached
 * completes the future with {@link StorageUnavailableException}; an insert the server refuses is
 * reported per item in {@link MetricsBatchResult#failures()}.
 *
 * <h2>Threads</h2>
 * Every call returns at once and runs on the adapter's executor ({@link Builder#threads} threads named
 * {@code metrics-clickhouse-io-N}, a queue of {@link Builder#queueCapacity} calls; a full queue fails
 * the call with {@link OverloadedException}). {@link #close()} lets queued calls finish, then closes
 * the connection pool.
 */
public final class ClickHouseStorageAdapter
    implements StorageAdapter, RollupStorage, RetentionStorage, DiscoveryStorage {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "clickhouse";
  /** Default database. */
  public static final String DEFAULT_DATABASE = "metrics";
  /** Default raw table. */
  public static final String DEFAULT_TABLE = "metrics";
  /** Default user. */
  public static final String DEFAULT_USERNAME = "default";
  /** Default rows per INSERT. */
  public static final int DEFAULT_INSERT_BATCH_ROWS = 500_000;
  /** Largest rows per INSERT: ClickHouse's {@code max_insert_block_size}, so an insert is one block. */
  public static final int MAX_INSERT_BATCH_ROWS = 1_048_576;
  /** Default bytes per INSERT body. */
  public static final int DEFAULT_INSERT_BATCH_BYTES = 64 << 20;
  /** Largest bytes per INSERT body. */
  public static final int MAX_INSERT_BATCH_BYTES = 1 << 30;
  /** Default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Default socket (read) timeout: with the connect timeout under the pipeline's default store
   * timeout (30 s), so that the adapter ends a hung insert itself before the pipeline gives up on it.
   */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(20);
  /** Default time a call may take in all. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);
  /** Default time to wait for a DELETE mutation (rollup replacement, retention edges). */
  public static final Duration DEFAULT_MUTATION_TIMEOUT = Duration.ofSeconds(120);
  /** Default executor threads (and pooled connections). */
  public static final int DEFAULT_THREADS = 4;
  /** Default queued calls. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;
  /** Default sharding key on a cluster: a hash of the series, so a series lives on one shard. */
  public static final String DEFAULT_SHARDING_KEY = Schema.DEFAULT_SHARDING_KEY;
  /** Default insert quorum: 0, an insert answers once one replica of each shard stored it. */
  public static final int DEFAULT_INSERT_QUORUM = 0;
  /** Largest insert quorum accepted (replicas of one shard). */
  public static final int MAX_INSERT_QUORUM = 16;

  private final String url;
  private final Schema schema;
  private final Store store;
  private final ThreadPoolExecutor executor;
  private volatile boolean closed;

  private ClickHouseStorageAdapter(Builder b) {
    this.url = b.url;
    this.schema = new Schema(b.database, b.table,
        b.cluster.map(c -> new Schema.ClusterLayout(c, b.shardingKey, b.replicated)));
    Connection connection = new Connection(b.url, b.username, b.password, b.compressRequests,
        b.compressResponses, b.connectTimeout, b.socketTimeout, b.requestTimeout, b.threads + 1,
        b.cluster.isPresent() ? clusterSettings(b.socketTimeout) : Map.of());
    this.store = new Store(connection, schema, b.insertBatchRows, b.insertBatchBytes, b.mutationTimeout,
        b.clock, b.createSchema, b.insertQuorum, quorumSettings(b.insertQuorum, b.socketTimeout));
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(b.threads, b.threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(b.queueCapacity), r -> {
          Thread t = new Thread(r, "metrics-clickhouse-io-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * The settings sent with every request on a cluster: an INSERT into a Distributed table answers
   * only once every shard stored its rows ({@code insert_distributed_sync}); replicas are used in
   * their {@code remote_servers} order while they answer ({@code load_balancing=in_order}), so a
   * read goes to the replica the write went to; an {@code ON CLUSTER} statement waiting for a server
   * that is down gives up before the socket timeout.
   */
  private static Map<String, String> clusterSettings(Duration socketTimeout) {
    return Map.of("insert_distributed_sync", "1", "load_balancing", "in_order",
        "distributed_ddl_task_timeout", String.valueOf(Math.max(1, socketTimeout.toSeconds() / 2)));
  }

  /**
   * The settings sent with the raw INSERTs only, with an insert quorum: an INSERT answers once that
   * many replicas of each shard stored its rows ({@code insert_quorum}), and a quorum not reached
   * fails before the socket timeout ({@code insert_quorum_timeout}, 600 s by default), so that the
   * server, not the client's socket, reports it. Not with the rollups' INSERT ... SELECT: 18.16 neither
   * merges nor mutates the part last written with a quorum in a partition, which would hold up the
   * DELETE that replaces a rollup bucket.
   */
  private static Map<String, String> quorumSettings(int insertQuorum, Duration socketTimeout) {
    return insertQuorum < 2 ? Map.of() : Map.of("insert_quorum", String.valueOf(insertQuorum),
        "insert_quorum_timeout", String.valueOf(Math.max(1, socketTimeout.toMillis() / 2)));
  }

  /** A builder for the server at {@code url}, for example {@code http://127.0.0.1:8123}. */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The server URL. */
  public String url() {
    return url;
  }

  /** The raw table, as {@code database.table} (on a cluster, the Distributed table). */
  public String table() {
    return schema.database() + "." + schema.tableName();
  }

  /** The cluster the tables are spread over, when on a cluster. */
  public Optional<String> cluster() {
    return schema.cluster().map(Schema.ClusterLayout::name);
  }

  /**
   * Creates the database and tables when missing (also done by the first call that needs them).
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
   * computes in ClickHouse: sum, avg, min, max and count from raw points and rollup buckets in one
   * SQL statement; rate from raw points in SQL (per-series increases over sorted point arrays), and
   * over rollups by reading the buckets and merging them with core's {@code QueryPlanner.combine}.
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

  /** Drops the day partitions wholly before the cutoff, then deletes the rest with a mutation. */
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
   * Healthy when the server answers, the tables exist and a probe insert and a query succeed.
   * Details: {@code url}, {@code table}, {@code ping_ms}, {@code schema_version}, {@code insert_ms},
   * {@code query_ms}, {@code points}, {@code unsettled_inserts}; unhealthy with {@code reason}
   * otherwise (unreachable, schema missing, closed).
   */
  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (closed) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("clickhouse storage is closed"));
    }
    return run(store::health);
  }

  private <T> CompletableFuture<T> run(Supplier<T> work) {
    if (closed) {
      return CompletableFuture.failedFuture(new StorageUnavailableException("clickhouse storage is closed"));
    }
    CompletableFuture<T> future = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          future.complete(work.get());
        } catch (MetricsPipelineException e) {
          future.completeExceptionally(e);
        } catch (IllegalArgumentException e) {
          future.completeExceptionally(new MetricsPipelineException(e.getMessage(), e));
        } catch (RuntimeException e) {
          future.completeExceptionally(new MetricsPipelineException("clickhouse storage failed: " + e, e));
        }
      });
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(closed
          ? new StorageUnavailableException("clickhouse storage is closed")
          : new OverloadedException("clickhouse storage queue is full (" + executor.getQueue().size()
              + " calls waiting)", Duration.ofMillis(100)));
    }
    return future;
  }

  /** Lets queued calls finish (up to the request timeout), then closes the connection pool. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(DEFAULT_REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    store.close();
  }

  @Override
  public String toString() {
    return "ClickHouseStorageAdapter{url=" + url + ", table=" + table()
        + cluster().map(c -> ", cluster=" + c).orElse("") + "}";
  }

  /** Builds a {@link ClickHouseStorageAdapter}; setters reject values out of range, naming them. */
  public static final class Builder {
    private final String url;
    private String database = DEFAULT_DATABASE;
    private String table = DEFAULT_TABLE;
    private String username = DEFAULT_USERNAME;
    private String password = "";
    private boolean compressRequests;
    private boolean compressResponses;
    private int insertBatchRows = DEFAULT_INSERT_BATCH_ROWS;
    private int insertBatchBytes = DEFAULT_INSERT_BATCH_BYTES;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration mutationTimeout = DEFAULT_MUTATION_TIMEOUT;
    private int threads = DEFAULT_THREADS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private boolean createSchema = true;
    private Clock clock = Clock.systemUTC();
    private Optional<String> cluster = Optional.empty();
    private String shardingKey = DEFAULT_SHARDING_KEY;
    private boolean replicated = true;
    private int insertQuorum = DEFAULT_INSERT_QUORUM;

    private Builder(String url) {
      Objects.requireNonNull(url, "url");
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("url must be an http(s) URL such as http://127.0.0.1:8123, got '" + url + "'");
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("url must be an http(s) URL such as http://127.0.0.1:8123, got '" + url + "'");
      }
      this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The database [{@value ClickHouseStorageAdapter#DEFAULT_DATABASE}]; letters, digits, underscores. */
    public Builder database(String database) {
      Schema.checkName("database", database);
      this.database = database;
      return this;
    }

    /** The raw table [{@value ClickHouseStorageAdapter#DEFAULT_TABLE}]; rollup tables take it as prefix. */
    public Builder table(String table) {
      Schema.checkName("table", table);
      this.table = table;
      return this;
    }

    /** The user [{@value ClickHouseStorageAdapter#DEFAULT_USERNAME}]. */
    public Builder username(String username) {
      this.username = Objects.requireNonNull(username, "username");
      return this;
    }

    /** The password [empty]. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Compress INSERT bodies (HTTP compression) [false]. */
    public Builder compressRequests(boolean compress) {
      this.compressRequests = compress;
      return this;
    }

    /** Ask for compressed responses [false: ClickHouse 18.16 answers them with an empty body]. */
    public Builder compressResponses(boolean compress) {
      this.compressResponses = compress;
      return this;
    }

    /** Rows per INSERT, 1 to {@value ClickHouseStorageAdapter#MAX_INSERT_BATCH_ROWS} [{@value ClickHouseStorageAdapter#DEFAULT_INSERT_BATCH_ROWS}]. */
    public Builder insertBatchRows(int rows) {
      if (rows < 1 || rows > MAX_INSERT_BATCH_ROWS) {
        throw new IllegalArgumentException(
            "insertBatchRows must be between 1 and " + MAX_INSERT_BATCH_ROWS + ", got " + rows);
      }
      this.insertBatchRows = rows;
      return this;
    }

    /** Bytes per INSERT body, 1,024 to 1 GiB [64 MiB]; an item larger than this goes alone. */
    public Builder insertBatchBytes(int bytes) {
      if (bytes < 1024 || bytes > MAX_INSERT_BATCH_BYTES) {
        throw new IllegalArgumentException(
            "insertBatchBytes must be between 1024 and " + MAX_INSERT_BATCH_BYTES + ", got " + bytes);
      }
      this.insertBatchBytes = bytes;
      return this;
    }

    /** Connect timeout [5 s]. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Socket read timeout [20 s]. Keep {@code connectTimeout + socketTimeout} under the pipeline's
     * {@code storeTimeout} (30 s by default): an insert that hangs then fails here first, and its
     * retry checks what the server committed.
     */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = positive("socketTimeout", timeout);
      return this;
    }

    /** Time one statement may take in all [120 s]. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /** Time to wait for a DELETE mutation [120 s]. */
    public Builder mutationTimeout(Duration timeout) {
      this.mutationTimeout = positive("mutationTimeout", timeout);
      return this;
    }

    /** Executor threads, 1 to 64 [{@value ClickHouseStorageAdapter#DEFAULT_THREADS}]. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("threads must be between 1 and 64, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Calls that may wait for a thread, 1 to 1,000,000 [{@value ClickHouseStorageAdapter#DEFAULT_QUEUE_CAPACITY}]. */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1 || capacity > 1_000_000) {
        throw new IllegalArgumentException("queueCapacity must be between 1 and 1000000, got " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** Create the database and tables when missing [true]; false only checks they exist. */
    public Builder createSchema(boolean create) {
      this.createSchema = create;
      return this;
    }

    /**
     * Spread the tables over this cluster, a name from the servers' {@code remote_servers} [none:
     * one server]. The adapter then creates every table {@code ON CLUSTER} as a local table
     * {@code <name>_local} on each server with a {@code Distributed} table {@code <name>} in front,
     * inserts and reads through the Distributed tables, and runs mutations and partition drops on
     * the local tables {@code ON CLUSTER}. Needs the servers' {@code zookeeper} and
     * {@code distributed_ddl} config. The URL names the server the adapter talks to (any of them).
     */
    public Builder cluster(String cluster) {
      Sql.identifier("cluster", cluster);
      this.cluster = Optional.of(cluster);
      return this;
    }

    /**
     * On a cluster, the expression over the series columns ({@code metric_type, name, source,
     * unit, tag_keys, tag_values}) that picks a point's shard [{@value ClickHouseStorageAdapter#DEFAULT_SHARDING_KEY}].
     * It must give one series one shard: rollup buckets are sharded by it too, and their newest
     * version is picked per shard.
     */
    public Builder shardingKey(String expression) {
      Schema.checkShardingKey(expression);
      this.shardingKey = expression;
      return this;
    }

    /**
     * On a cluster, whether local tables are {@code Replicated*MergeTree} [true]: set it for a
     * cluster whose shards have several replicas ({@code internal_replication} true); false for one
     * replica per shard.
     */
    public Builder replicated(boolean replicated) {
      this.replicated = replicated;
      return this;
    }

    /**
     * On a replicated cluster, how many replicas of each shard must have stored an insert before it
     * succeeds [{@value ClickHouseStorageAdapter#DEFAULT_INSERT_QUORUM}: one replica, the others copy
     * the part afterwards]; 0 and 1 mean one replica, 2 to {@value ClickHouseStorageAdapter#MAX_INSERT_QUORUM}
     * need {@link #cluster} and {@link #replicated} true. Sent as the {@code insert_quorum} setting,
     * with {@code insert_quorum_timeout} at half the {@link #socketTimeout}: an insert whose quorum is
     * not reached in time fails (storage unavailable) and the pipeline retries it. Only the raw
     * INSERTs carry it. The setting reaches every shard through the Distributed table, so every shard
     * needs at least that many replicas: the first call fails naming this option when one has fewer.
     * On 18.16 (see the module README): the server refuses a quorum insert into a table while another
     * one runs, so the adapter sends its INSERTs one at a time; and 18.16 never mutates the part
     * last written with a quorum in a partition, so once a past day ended with a quorum insert every
     * DELETE on the raw table (retention of the cutoff's day, the exactly-once check's cleanup after
     * a partial commit) waits until that day is dropped: on 18.16, use it only where no such DELETE runs.
     */
    public Builder insertQuorum(int replicas) {
      if (replicas < 0 || replicas > MAX_INSERT_QUORUM) {
        throw new IllegalArgumentException("insertQuorum must be between 0 and " + MAX_INSERT_QUORUM
            + ", got " + replicas);
      }
      this.insertQuorum = replicas;
      return this;
    }

    /** The clock for watermark and version timestamps [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    private static Duration positive(String option, Duration d) {
      Objects.requireNonNull(d, option);
      if (d.isNegative() || d.isZero() || d.toMillis() < 1) {
        throw new IllegalArgumentException(option + " must be at least 1 ms, got " + d);
      }
      return d;
    }

    /** The adapter; connects lazily (the first call creates the schema). */
    public ClickHouseStorageAdapter build() {
      if (insertQuorum >= 2 && (cluster.isEmpty() || !replicated)) {
        throw new IllegalArgumentException("insertQuorum " + insertQuorum + " needs replicated tables:"
            + " set cluster and replicated(true), or an insertQuorum of 0 or 1");
      }
      return new ClickHouseStorageAdapter(this);
    }
  }
}
