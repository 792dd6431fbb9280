package org.metricspipeline.adapters.postgres;

import java.util.Set;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.StorageProvider;

/**
 * Provides {@link PostgresStorageAdapter} under the name {@code postgres}.
 *
 * <p>Settings: {@value #URL} (required, e.g. {@code jdbc:postgresql://127.0.0.1:5432/metrics}),
 * {@value #SCHEMA}, {@value #TABLE}, {@value #USERNAME}, {@value #PASSWORD}, {@value #CONNECT_TIMEOUT},
 * {@value #SOCKET_TIMEOUT}, {@value #THREADS}, {@value #QUEUE_CAPACITY}, {@value #RETENTION_BATCH_ROWS},
 * {@value #CREATE_SCHEMA}; each as its {@link PostgresStorageAdapter.Builder} setter. Unknown keys
 * are rejected.
 */
public final class PostgresStorageProvider implements StorageProvider {

  /** Setting: the server's JDBC URL (required). */
  public static final String URL = "url";
  /** Setting: {@link PostgresStorageAdapter.Builder#schema}. */
  public static final String SCHEMA = "schema";
  /** Setting: {@link PostgresStorageAdapter.Builder#table}. */
  public static final String TABLE = "table";
  /** Setting: {@link PostgresStorageAdapter.Builder#username}. */
  public static final String USERNAME = "username";
  /** Setting: {@link PostgresStorageAdapter.Builder#password}. */
  public static final String PASSWORD = "password";
  /** Setting: {@link PostgresStorageAdapter.Builder#connectTimeout}. */
  public static final String CONNECT_TIMEOUT = "connect-timeout";
  /** Setting: {@link PostgresStorageAdapter.Builder#socketTimeout}. */
  public static final String SOCKET_TIMEOUT = "socket-timeout";
  /** Setting: {@link PostgresStorageAdapter.Builder#threads}. */
  public static final String THREADS = "threads";
  /** Setting: {@link PostgresStorageAdapter.Builder#queueCapacity}. */
  public static final String QUEUE_CAPACITY = "queue-capacity";
  /** Setting: {@link PostgresStorageAdapter.Builder#retentionBatchRows}. */
  public static final String RETENTION_BATCH_ROWS = "retention-batch-rows";
  /** Setting: {@link PostgresStorageAdapter.Builder#createSchema}. */
  public static final String CREATE_SCHEMA = "create-schema";

  /** Used by {@link java.util.ServiceLoader}. */
  public PostgresStorageProvider() {}

  @Override
  public String name() {
    return PostgresStorageAdapter.NAME;
  }

  @Override
  public StorageAdapter create(AdapterConfig config) {
    config.requireOnlyKnownKeys("postgres storage provider", Set.of(URL, SCHEMA, TABLE, USERNAME, PASSWORD,
        CONNECT_TIMEOUT, SOCKET_TIMEOUT, THREADS, QUEUE_CAPACITY, RETENTION_BATCH_ROWS, CREATE_SCHEMA));
    String url = config.requireString(URL);
    PostgresStorageAdapter.Builder[] b = {null};
    AdapterConfig.apply(URL, () -> b[0] = PostgresStorageAdapter.builder(url));
    PostgresStorageAdapter.Builder builder = b[0];
    config.getString(SCHEMA).ifPresent(v -> AdapterConfig.apply(SCHEMA, () -> builder.schema(v)));
    config.getString(TABLE).ifPresent(v -> AdapterConfig.apply(TABLE, () -> builder.table(v)));
    config.getString(USERNAME).ifPresent(builder::username);
    config.getString(PASSWORD).ifPresent(builder::password);
    var connect = config.getDuration(CONNECT_TIMEOUT, PostgresStorageAdapter.DEFAULT_CONNECT_TIMEOUT);
    AdapterConfig.apply(CONNECT_TIMEOUT, () -> builder.connectTimeout(connect));
    var socket = config.getDuration(SOCKET_TIMEOUT, PostgresStorageAdapter.DEFAULT_SOCKET_TIMEOUT);
    AdapterConfig.apply(SOCKET_TIMEOUT, () -> builder.socketTimeout(socket));
    int threads = config.getInt(THREADS, PostgresStorageAdapter.DEFAULT_THREADS);
    AdapterConfig.apply(THREADS, () -> builder.threads(threads));
    int queue = config.getInt(QUEUE_CAPACITY, PostgresStorageAdapter.DEFAULT_QUEUE_CAPACITY);
    AdapterConfig.apply(QUEUE_CAPACITY, () -> builder.queueCapacity(queue));
    int retention = config.getInt(RETENTION_BATCH_ROWS, PostgresStorageAdapter.DEFAULT_RETENTION_BATCH_ROWS);
    AdapterConfig.apply(RETENTION_BATCH_ROWS, () -> builder.retentionBatchRows(retention));
    builder.createSchema(config.getBoolean(CREATE_SCHEMA, true));
    return builder.build();
  }
}
