package org.metricspipeline.adapters.metabase;

import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.VisualizationProvider;

/**
 * Provides {@link MetabaseVisualizationAdapter} under the name {@code metabase}.
 *
 * <p>Settings: {@value #URL} (required); {@value #USERNAME} with {@value #PASSWORD}, or
 * {@value #API_KEY} (one of the two); {@value #DATABASE_NAME}; the ClickHouse details Metabase
 * connects with when it registers the database: {@value #CLICKHOUSE_HOST}, {@value #CLICKHOUSE_PORT},
 * {@value #CLICKHOUSE_USER}, {@value #CLICKHOUSE_PASSWORD}, {@value #CLICKHOUSE_DATABASE},
 * {@value #CLICKHOUSE_TABLE}; and {@value #CONNECT_TIMEOUT}, {@value #READ_TIMEOUT},
 * {@value #CALL_TIMEOUT}, {@value #MAX_RETRIES}, {@value #RETRY_BACKOFF}, {@value #THREADS},
 * {@value #MAX_QUEUED_CALLS}. Each means what the builder setter of the same name means; durations
 * as {@code 10s}. Unknown keys are rejected.
 */
public final class MetabaseVisualizationProvider implements VisualizationProvider {

  /** Setting: {@link MetabaseVisualizationAdapter.Builder#url(String)}. */
  public static final String URL = "url";
  /** Setting: the user of {@link MetabaseVisualizationAdapter.Builder#credentials(String, String)}. */
  public static final String USERNAME = "username";
  /** Setting: the password of {@link MetabaseVisualizationAdapter.Builder#credentials(String, String)}. */
  public static final String PASSWORD = "password";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#apiKey(String)}. */
  public static final String API_KEY = "api-key";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#databaseName(String)}. */
  public static final String DATABASE_NAME = "database-name";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#clickHouseHost(String)}. */
  public static final String CLICKHOUSE_HOST = "clickhouse-host";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#clickHousePort(int)}. */
  public static final String CLICKHOUSE_PORT = "clickhouse-port";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#clickHouseUser(String)}. */
  public static final String CLICKHOUSE_USER = "clickhouse-user";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#clickHousePassword(String)}. */
  public static final String CLICKHOUSE_PASSWORD = "clickhouse-password";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#clickHouseDatabase(String)}. */
  public static final String CLICKHOUSE_DATABASE = "clickhouse-database";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#clickHouseTable(String)}. */
  public static final String CLICKHOUSE_TABLE = "clickhouse-table";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#connectTimeout(Duration)}. */
  public static final String CONNECT_TIMEOUT = "connect-timeout";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#readTimeout(Duration)}. */
  public static final String READ_TIMEOUT = "read-timeout";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#callTimeout(Duration)}. */
  public static final String CALL_TIMEOUT = "call-timeout";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#maxRetries(int)}. */
  public static final String MAX_RETRIES = "max-retries";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#retryBackoff(Duration)}. */
  public static final String RETRY_BACKOFF = "retry-backoff";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#threads(int)}. */
  public static final String THREADS = "threads";
  /** Setting: {@link MetabaseVisualizationAdapter.Builder#maxQueuedCalls(int)}. */
  public static final String MAX_QUEUED_CALLS = "max-queued-calls";

  private static final Set<String> KNOWN = Set.of(URL, USERNAME, PASSWORD, API_KEY, DATABASE_NAME,
      CLICKHOUSE_HOST, CLICKHOUSE_PORT, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE,
      CLICKHOUSE_TABLE, CONNECT_TIMEOUT, READ_TIMEOUT, CALL_TIMEOUT, MAX_RETRIES, RETRY_BACKOFF, THREADS,
      MAX_QUEUED_CALLS);

  /** Used by {@link java.util.ServiceLoader}. */
  public MetabaseVisualizationProvider() {}

  @Override
  public String name() {
    return MetabaseVisualizationAdapter.NAME;
  }

  @Override
  public VisualizationAdapter create(AdapterConfig config) {
    config.requireOnlyKnownKeys("metabase visualization provider", KNOWN);
    MetabaseVisualizationAdapter.Builder b = MetabaseVisualizationAdapter.builder();
    String url = config.requireString(URL);
    AdapterConfig.apply(URL, () -> b.url(url));
    boolean session = config.getString(USERNAME).isPresent() || config.getString(PASSWORD).isPresent();
    boolean key = config.getString(API_KEY).isPresent();
    if (session && key) {
      throw new ConfigurationException("settings '" + USERNAME + "'/'" + PASSWORD + "' and '" + API_KEY
          + "' exclude each other: set one way to authenticate");
    }
    if (!session && !key) {
      throw new ConfigurationException("setting '" + USERNAME + "' with '" + PASSWORD + "', or '" + API_KEY
          + "', is required");
    }
    if (key) {
      String apiKey = config.requireString(API_KEY);
      AdapterConfig.apply(API_KEY, () -> b.apiKey(apiKey));
    } else {
      String user = config.requireString(USERNAME);
      String password = config.requireString(PASSWORD);
      b.credentials(user, password);
    }
    string(config, DATABASE_NAME, b::databaseName);
    string(config, CLICKHOUSE_HOST, b::clickHouseHost);
    integer(config, CLICKHOUSE_PORT, b::clickHousePort);
    string(config, CLICKHOUSE_USER, b::clickHouseUser);
    string(config, CLICKHOUSE_PASSWORD, b::clickHousePassword);
    string(config, CLICKHOUSE_DATABASE, b::clickHouseDatabase);
    string(config, CLICKHOUSE_TABLE, b::clickHouseTable);
    duration(config, CONNECT_TIMEOUT, b::connectTimeout);
    duration(config, READ_TIMEOUT, b::readTimeout);
    duration(config, CALL_TIMEOUT, b::callTimeout);
    integer(config, MAX_RETRIES, b::maxRetries);
    duration(config, RETRY_BACKOFF, b::retryBackoff);
    integer(config, THREADS, b::threads);
    integer(config, MAX_QUEUED_CALLS, b::maxQueuedCalls);
    return b.build();
  }

  private static void string(AdapterConfig config, String key, Consumer<String> setter) {
    config.getString(key).ifPresent(v -> AdapterConfig.apply(key, () -> setter.accept(v)));
  }

  private static void integer(AdapterConfig config, String key, IntConsumer setter) {
    if (config.getString(key).isPresent()) {
      int v = config.getInt(key, 0);
      AdapterConfig.apply(key, () -> setter.accept(v));
    }
  }

  private static void duration(AdapterConfig config, String key, Consumer<Duration> setter) {
    if (config.getString(key).isPresent()) {
      Duration v = config.getDuration(key, Duration.ZERO);
      AdapterConfig.apply(key, () -> setter.accept(v));
    }
  }
}
