package org.metricspipeline.adapters.clickhouse;

import java.util.Set;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.StorageProvider;

/**
 * Provides {@link ClickHouseStorageAdapter} under the name {@code clickhouse}.
 *
 * <p>Settings: {@value #URL} (required, e.g. {@code http://127.0.0.1:8123}), {@value #DATABASE},
 * {@value #TABLE}, {@value #USERNAME}, {@value #PASSWORD}, {@value #COMPRESS_REQUESTS},
 * {@value #COMPRESS_RESPONSES}, {@value #INSERT_BATCH_ROWS}, {@value #INSERT_BATCH_BYTES},
 * {@value #CONNECT_TIMEOUT}, {@value #SOCKET_TIMEOUT}, {@value #REQUEST_TIMEOUT},
 * {@value #MUTATION_TIMEOUT}, {@value #THREADS}, {@value #QUEUE_CAPACITY}, {@value #CREATE_SCHEMA},
 * {@value #CLUSTER}, {@value #SHARDING_KEY}, {@value #REPLICATED};
 * each as its {@link ClickHouseStorageAdapter.Builder} setter. Unknown keys are rejected.
 */
public final class ClickHouseStorageProvider implements StorageProvider {

  /** Setting: the server's HTTP URL (required). */
  public static final String URL = "url";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#database}. */
  public static final String DATABASE = "database";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#table}. */
  public static final String TABLE = "table";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#username}. */
  public static final String USERNAME = "username";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#password}. */
  public static final String PASSWORD = "password";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#compressRequests}. */
  public static final String COMPRESS_REQUESTS = "compress-requests";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#compressResponses}. */
  public static final String COMPRESS_RESPONSES = "compress-responses";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#insertBatchRows}. */
  public static final String INSERT_BATCH_ROWS = "insert-batch-rows";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#insertBatchBytes}. */
  public static final String INSERT_BATCH_BYTES = "insert-batch-bytes";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#connectTimeout}. */
  public static final String CONNECT_TIMEOUT = "connect-timeout";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#socketTimeout}. */
  public static final String SOCKET_TIMEOUT = "socket-timeout";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#requestTimeout}. */
  public static final String REQUEST_TIMEOUT = "request-timeout";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#mutationTimeout}. */
  public static final String MUTATION_TIMEOUT = "mutation-timeout";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#threads}. */
  public static final String THREADS = "threads";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#queueCapacity}. */
  public static final String QUEUE_CAPACITY = "queue-capacity";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#createSchema}. */
  public static final String CREATE_SCHEMA = "create-schema";

  /** Setting: {@link ClickHouseStorageAdapter.Builder#cluster}. */
  public static final String CLUSTER = "cluster";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#shardingKey}. */
  public static final String SHARDING_KEY = "sharding-key";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#replicated}. */
  public static final String REPLICATED = "replicated";
  /** Setting: {@link ClickHouseStorageAdapter.Builder#insertQuorum}. */
  public static final String INSERT_QUORUM = "insert-quorum";

  /** Used by {@link java.util.ServiceLoader}. */
  public ClickHouseStorageProvider() {}

  @Override
  public String name() {
    return ClickHouseStorageAdapter.NAME;
  }

  @Override
  public StorageAdapter create(AdapterConfig config) {
    config.requireOnlyKnownKeys("clickhouse storage provider", Set.of(URL, DATABASE, TABLE, USERNAME,
        PASSWORD, COMPRESS_REQUESTS, COMPRESS_RESPONSES, INSERT_BATCH_ROWS, INSERT_BATCH_BYTES,
        CONNECT_TIMEOUT, SOCKET_TIMEOUT, REQUEST_TIMEOUT, MUTATION_TIMEOUT, THREADS, QUEUE_CAPACITY,
        CREATE_SCHEMA, CLUSTER, SHARDING_KEY, REPLICATED,
        INSERT_QUORUM));
    String url = config.requireString(URL);
    ClickHouseStorageAdapter.Builder[] b = {null};
    AdapterConfig.apply(URL, () -> b[0] = ClickHouseStorageAdapter.builder(url));
    ClickHouseStorageAdapter.Builder builder = b[0];
    config.getString(DATABASE).ifPresent(v -> AdapterConfig.apply(DATABASE, () -> builder.database(v)));
    config.getString(TABLE).ifPresent(v -> AdapterConfig.apply(TABLE, () -> builder.table(v)));
    config.getString(USERNAME).ifPresent(builder::username);
    config.getString(PASSWORD).ifPresent(builder::password);
    builder.compressRequests(config.getBoolean(COMPRESS_REQUESTS, false));
    builder.compressResponses(config.getBoolean(COMPRESS_RESPONSES, false));
    int rows = config.getInt(INSERT_BATCH_ROWS, ClickHouseStorageAdapter.DEFAULT_INSERT_BATCH_ROWS);
    AdapterConfig.apply(INSERT_BATCH_ROWS, () -> builder.insertBatchRows(rows));
    int bytes = config.getInt(INSERT_BATCH_BYTES, ClickHouseStorageAdapter.DEFAULT_INSERT_BATCH_BYTES);
    AdapterConfig.apply(INSERT_BATCH_BYTES, () -> builder.insertBatchBytes(bytes));
    var connect = config.getDuration(CONNECT_TIMEOUT, ClickHouseStorageAdapter.DEFAULT_CONNECT_TIMEOUT);
    AdapterConfig.apply(CONNECT_TIMEOUT, () -> builder.connectTimeout(connect));
    var socket = config.getDuration(SOCKET_TIMEOUT, ClickHouseStorageAdapter.DEFAULT_SOCKET_TIMEOUT);
    AdapterConfig.apply(SOCKET_TIMEOUT, () -> builder.socketTimeout(socket));
    var request = config.getDuration(REQUEST_TIMEOUT, ClickHouseStorageAdapter.DEFAULT_REQUEST_TIMEOUT);
    AdapterConfig.apply(REQUEST_TIMEOUT, () -> builder.requestTimeout(request));
    var mutation = config.getDuration(MUTATION_TIMEOUT, ClickHouseStorageAdapter.DEFAULT_MUTATION_TIMEOUT);
    AdapterConfig.apply(MUTATION_TIMEOUT, () -> builder.mutationTimeout(mutation));
    int threads = config.getInt(THREADS, ClickHouseStorageAdapter.DEFAULT_THREADS);
    AdapterConfig.apply(THREADS, () -> builder.threads(threads));
    int queue = config.getInt(QUEUE_CAPACITY, ClickHouseStorageAdapter.DEFAULT_QUEUE_CAPACITY);
    AdapterConfig.apply(QUEUE_CAPACITY, () -> builder.queueCapacity(queue));
    builder.createSchema(config.getBoolean(CREATE_SCHEMA, true));
    config.getString(CLUSTER).ifPresent(v -> AdapterConfig.apply(CLUSTER, () -> builder.cluster(v)));
    config.getString(SHARDING_KEY).ifPresent(v -> AdapterConfig.apply(SHARDING_KEY, () -> builder.shardingKey(v)));
    builder.replicated(config.getBoolean(REPLICATED, true));
    int quorum = config.getInt(INSERT_QUORUM, ClickHouseStorageAdapter.DEFAULT_INSERT_QUORUM);
    AdapterConfig.apply(INSERT_QUORUM, () -> builder.insertQuorum(quorum));
    ClickHouseStorageAdapter[] built = {null};
    // build() checks only the options' combination, which insert-quorum is the one to change
    AdapterConfig.apply(INSERT_QUORUM, () -> built[0] = builder.build());
    return built[0];
  }
}
