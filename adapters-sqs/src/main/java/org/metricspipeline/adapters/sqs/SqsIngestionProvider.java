package org.metricspipeline.adapters.sqs;

import java.net.URI;
import java.util.Set;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.IngestionProvider;

/**
 * Provides {@link SqsIngestionAdapter} under the name {@code sqs}.
 *
 * <p>Settings: {@value #QUEUE_URL} or {@value #QUEUE_NAME} (one required), {@value #REGION},
 * {@value #ENDPOINT}, {@value #ACCESS_KEY_ID} with {@value #SECRET_ACCESS_KEY} (else the SDK's
 * default credentials chain), {@value #MAX_CONNECTIONS}, {@value #RECEIVER_CONCURRENCY},
 * {@value #RECEIVE_BATCH_SIZE}, {@value #RECEIVE_WAIT}, {@value #VISIBILITY_TIMEOUT},
 * {@value #BUFFER_CAPACITY}, {@value #SETTLER_CONCURRENCY}, {@value #NACK_BACKOFF},
 * {@value #MAX_NACK_BACKOFF}, {@value #DEAD_LETTER_QUEUE_URL} or {@value #DEAD_LETTER_QUEUE_NAME},
 * {@value #BACKLOG_THRESHOLD}, {@value #MAX_MESSAGE_BYTES}, {@value #SEND_BATCH_SIZE},
 * {@value #SEND_CONCURRENCY} and {@value #MESSAGE_GROUP_BY} ({@code source}, {@code metric-type}
 * or {@code fixed:<id>}). Durations as {@code 20s}; each setting means what the builder setter of
 * the same name means. Unknown keys are rejected.
 */
public final class SqsIngestionProvider implements IngestionProvider {

  /** Setting: {@link SqsConnection.Builder#queueUrl(String)}. */
  public static final String QUEUE_URL = "queue-url";
  /** Setting: {@link SqsConnection.Builder#queueName(String)}. */
  public static final String QUEUE_NAME = "queue-name";
  /** Setting: {@link SqsConnection.Builder#region(String)}. */
  public static final String REGION = "region";
  /** Setting: {@link SqsConnection.Builder#endpointOverride(URI)}. */
  public static final String ENDPOINT = "endpoint";
  /** Setting: the access key id of {@link SqsConnection.Builder#staticCredentials(String, String)}. */
  public static final String ACCESS_KEY_ID = "access-key-id";
  /** Setting: the secret of {@link SqsConnection.Builder#staticCredentials(String, String)}. */
  public static final String SECRET_ACCESS_KEY = "secret-access-key";
  /** Setting: {@link SqsConnection.Builder#maxConnections(int)}. */
  public static final String MAX_CONNECTIONS = "max-connections";
  /** Setting: {@link SqsIngestionAdapter.Builder#receiverConcurrency(int)}. */
  public static final String RECEIVER_CONCURRENCY = "receiver-concurrency";
  /** Setting: {@link SqsIngestionAdapter.Builder#receiveBatchSize(int)}. */
  public static final String RECEIVE_BATCH_SIZE = "receive-batch-size";
  /** Setting: {@link SqsIngestionAdapter.Builder#receiveWait(java.time.Duration)}. */
  public static final String RECEIVE_WAIT = "receive-wait";
  /** Setting: {@link SqsIngestionAdapter.Builder#visibilityTimeout(java.time.Duration)}. */
  public static final String VISIBILITY_TIMEOUT = "visibility-timeout";
  /** Setting: {@link SqsIngestionAdapter.Builder#bufferCapacity(int)}. */
  public static final String BUFFER_CAPACITY = "buffer-capacity";
  /** Setting: {@link SqsIngestionAdapter.Builder#settlerConcurrency(int)}. */
  public static final String SETTLER_CONCURRENCY = "settler-concurrency";
  /** Setting: {@link SqsIngestionAdapter.Builder#nackBackoff(java.time.Duration)}. */
  public static final String NACK_BACKOFF = "nack-backoff";
  /** Setting: {@link SqsIngestionAdapter.Builder#maxNackBackoff(java.time.Duration)}. */
  public static final String MAX_NACK_BACKOFF = "max-nack-backoff";
  /** Setting: {@link SqsIngestionAdapter.Builder#deadLetterQueueUrl(String)}. */
  public static final String DEAD_LETTER_QUEUE_URL = "dead-letter-queue-url";
  /** Setting: {@link SqsIngestionAdapter.Builder#deadLetterQueueName(String)}. */
  public static final String DEAD_LETTER_QUEUE_NAME = "dead-letter-queue-name";
  /** Setting: {@link SqsIngestionAdapter.Builder#backlogThreshold(long)}. */
  public static final String BACKLOG_THRESHOLD = "backlog-threshold";
  /** Setting: {@link SqsIngestionAdapter.Builder#maxMessageBytes(int)}. */
  public static final String MAX_MESSAGE_BYTES = "max-message-bytes";
  /** Setting: {@link SqsIngestionAdapter.Builder#sendBatchSize(int)}. */
  public static final String SEND_BATCH_SIZE = "send-batch-size";
  /** Setting: {@link SqsIngestionAdapter.Builder#sendConcurrency(int)}. */
  public static final String SEND_CONCURRENCY = "send-concurrency";
  /** Setting: how FIFO message groups are chosen: {@code source}, {@code metric-type} or {@code fixed:<id>}. */
  public static final String MESSAGE_GROUP_BY = "message-group-by";

  private static final Set<String> KNOWN = Set.of(QUEUE_URL, QUEUE_NAME, REGION, ENDPOINT, ACCESS_KEY_ID,
      SECRET_ACCESS_KEY, MAX_CONNECTIONS, RECEIVER_CONCURRENCY, RECEIVE_BATCH_SIZE, RECEIVE_WAIT,
      VISIBILITY_TIMEOUT, BUFFER_CAPACITY, SETTLER_CONCURRENCY, NACK_BACKOFF, MAX_NACK_BACKOFF,
      DEAD_LETTER_QUEUE_URL, DEAD_LETTER_QUEUE_NAME, BACKLOG_THRESHOLD, MAX_MESSAGE_BYTES, SEND_BATCH_SIZE,
      SEND_CONCURRENCY, MESSAGE_GROUP_BY);

  /** Used by {@link java.util.ServiceLoader}. */
  public SqsIngestionProvider() {}

  @Override
  public String name() {
    return SqsIngestionAdapter.NAME;
  }

  @Override
  public IngestionAdapter create(AdapterConfig config) {
    config.requireOnlyKnownKeys("sqs ingestion provider", KNOWN);
    SqsConnection.Builder c = SqsConnection.builder();
    config.getString(QUEUE_URL).ifPresent(v -> AdapterConfig.apply(QUEUE_URL, () -> c.queueUrl(v)));
    config.getString(QUEUE_NAME).ifPresent(v -> AdapterConfig.apply(QUEUE_NAME, () -> c.queueName(v)));
    config.getString(REGION).ifPresent(v -> AdapterConfig.apply(REGION, () -> c.region(v)));
    config.getString(ENDPOINT).ifPresent(v -> AdapterConfig.apply(ENDPOINT, () -> c.endpointOverride(URI.create(v))));
    if (config.getString(ACCESS_KEY_ID).isPresent() || config.getString(SECRET_ACCESS_KEY).isPresent()) {
      String id = config.requireString(ACCESS_KEY_ID);
      String secret = config.requireString(SECRET_ACCESS_KEY);
      c.staticCredentials(id, secret);
    }
    if (config.getString(MAX_CONNECTIONS).isPresent()) {
      int v = config.getInt(MAX_CONNECTIONS, SqsConnection.DEFAULT_MAX_CONNECTIONS);
      AdapterConfig.apply(MAX_CONNECTIONS, () -> c.maxConnections(v));
    }
    SqsConnection connection;
    try {
      connection = c.build();
    } catch (IllegalStateException e) {
      throw new ConfigurationException("setting '" + QUEUE_URL + "' or '" + QUEUE_NAME + "': " + e.getMessage(), e);
    }
    SqsIngestionAdapter.Builder b = SqsIngestionAdapter.builder().connection(connection);
    intSetting(config, RECEIVER_CONCURRENCY, b::receiverConcurrency);
    intSetting(config, RECEIVE_BATCH_SIZE, b::receiveBatchSize);
    intSetting(config, BUFFER_CAPACITY, b::bufferCapacity);
    intSetting(config, SETTLER_CONCURRENCY, b::settlerConcurrency);
    intSetting(config, MAX_MESSAGE_BYTES, b::maxMessageBytes);
    intSetting(config, SEND_BATCH_SIZE, b::sendBatchSize);
    intSetting(config, SEND_CONCURRENCY, b::sendConcurrency);
    if (config.getString(BACKLOG_THRESHOLD).isPresent()) {
      long v = config.getLong(BACKLOG_THRESHOLD, SqsIngestionAdapter.DEFAULT_BACKLOG_THRESHOLD);
      AdapterConfig.apply(BACKLOG_THRESHOLD, () -> b.backlogThreshold(v));
    }
    durationSetting(config, RECEIVE_WAIT, b::receiveWait);
    durationSetting(config, VISIBILITY_TIMEOUT, b::visibilityTimeout);
    durationSetting(config, NACK_BACKOFF, b::nackBackoff);
    durationSetting(config, MAX_NACK_BACKOFF, b::maxNackBackoff);
    config.getString(DEAD_LETTER_QUEUE_URL).ifPresent(v -> AdapterConfig.apply(DEAD_LETTER_QUEUE_URL, () -> b.deadLetterQueueUrl(v)));
    config.getString(DEAD_LETTER_QUEUE_NAME).ifPresent(v -> AdapterConfig.apply(DEAD_LETTER_QUEUE_NAME, () -> b.deadLetterQueueName(v)));
    config.getString(MESSAGE_GROUP_BY).ifPresent(v -> b.messageGroupId(groupBy(v)));
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new ConfigurationException("sqs ingestion provider: " + e.getMessage(), e);
    }
  }

  private static java.util.function.Function<MetricsData, String> groupBy(String value) {
    if (value.equals("source")) {
      return d -> d.source().isEmpty() ? d.metricType() : d.source();
    }
    if (value.equals("metric-type")) {
      return MetricsData::metricType;
    }
    if (value.startsWith("fixed:") && value.length() > "fixed:".length()) {
      String id = value.substring("fixed:".length());
      return d -> id;
    }
    throw new ConfigurationException("setting '" + MESSAGE_GROUP_BY
        + "' must be source, metric-type or fixed:<id>, got '" + value + "'");
  }

  private static void intSetting(AdapterConfig config, String key, java.util.function.IntConsumer setter) {
    if (config.getString(key).isPresent()) {
      int v = config.getInt(key, 0);
      AdapterConfig.apply(key, () -> setter.accept(v));
    }
  }

  private static void durationSetting(AdapterConfig config, String key,
      java.util.function.Consumer<java.time.Duration> setter) {
    if (config.getString(key).isPresent()) {
      java.time.Duration v = config.getDuration(key, java.time.Duration.ZERO);
      AdapterConfig.apply(key, () -> setter.accept(v));
    }
  }
}
