package org.metricspipeline.adapters.kafka;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.IngestionProvider;

/**
 * Provides {@link KafkaIngestionAdapter} under the name {@code kafka}.
 *
 * <p>Settings: {@value #BOOTSTRAP_SERVERS} (required), {@value #TOPICS} (comma-separated) or
 * {@value #TOPIC_PATTERN} (one required), {@value #GROUP_ID}, {@value #CLIENT_ID},
 * {@value #BUFFER_CAPACITY}, {@value #MAX_UNSETTLED_PER_PARTITION}, {@value #MAX_POLL_RECORDS},
 * {@value #POLL_TIMEOUT}, {@value #COMMIT_INTERVAL}, {@value #NACK_BACKOFF},
 * {@value #MAX_NACK_BACKOFF}, {@value #REVOKE_TIMEOUT}, {@value #CLOSE_TIMEOUT},
 * {@value #DEAD_LETTER_SUFFIX}, {@value #NAMESPACE}; and any Kafka client setting prefixed with
 * {@value #KAFKA_PREFIX} (for example {@code kafka.security.protocol=SASL_SSL},
 * {@code kafka.sasl.jaas.config=...}), passed through. Durations as {@code 200ms}; each setting
 * means what the builder setter of the same name means. Unknown keys are rejected.
 */
public final class KafkaIngestionProvider implements IngestionProvider {

  /** Setting: {@link KafkaIngestionAdapter.Builder#bootstrapServers(String)}. */
  public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
  /** Setting: {@link KafkaIngestionAdapter.Builder#topics(String...)}, comma-separated. */
  public static final String TOPICS = "topics";
  /** Setting: {@link KafkaIngestionAdapter.Builder#topicPattern(Pattern)}, a Java regex. */
  public static final String TOPIC_PATTERN = "topic-pattern";
  /** Setting: {@link KafkaIngestionAdapter.Builder#groupId(String)}. */
  public static final String GROUP_ID = "group-id";
  /** Setting: {@link KafkaIngestionAdapter.Builder#clientId(String)}. */
  public static final String CLIENT_ID = "client-id";
  /** Setting: {@link KafkaIngestionAdapter.Builder#bufferCapacity(int)}. */
  public static final String BUFFER_CAPACITY = "buffer-capacity";
  /** Setting: {@link KafkaIngestionAdapter.Builder#maxUnsettledPerPartition(int)}. */
  public static final String MAX_UNSETTLED_PER_PARTITION = "max-unsettled-per-partition";
  /** Setting: {@link KafkaIngestionAdapter.Builder#maxPollRecords(int)}. */
  public static final String MAX_POLL_RECORDS = "max-poll-records";
  /** Setting: {@link KafkaIngestionAdapter.Builder#pollTimeout(Duration)}. */
  public static final String POLL_TIMEOUT = "poll-timeout";
  /** Setting: {@link KafkaIngestionAdapter.Builder#commitInterval(Duration)}. */
  public static final String COMMIT_INTERVAL = "commit-interval";
  /** Setting: {@link KafkaIngestionAdapter.Builder#nackBackoff(Duration)}. */
  public static final String NACK_BACKOFF = "nack-backoff";
  /** Setting: {@link KafkaIngestionAdapter.Builder#maxNackBackoff(Duration)}. */
  public static final String MAX_NACK_BACKOFF = "max-nack-backoff";
  /** Setting: {@link KafkaIngestionAdapter.Builder#revokeTimeout(Duration)}. */
  public static final String REVOKE_TIMEOUT = "revoke-timeout";
  /** Setting: {@link KafkaIngestionAdapter.Builder#closeTimeout(Duration)}. */
  public static final String CLOSE_TIMEOUT = "close-timeout";
  /** Setting: {@link KafkaIngestionAdapter.Builder#deadLetterSuffix(String)}. */
  public static final String DEAD_LETTER_SUFFIX = "dead-letter-suffix";
  /** Setting: {@link KafkaIngestionAdapter.Builder#namespace(String)}. */
  public static final String NAMESPACE = "namespace";
  /** Prefix of Kafka client settings passed through. */
  public static final String KAFKA_PREFIX = "kafka.";

  private static final Set<String> KNOWN = Set.of(BOOTSTRAP_SERVERS, TOPICS, TOPIC_PATTERN, GROUP_ID, CLIENT_ID,
      BUFFER_CAPACITY, MAX_UNSETTLED_PER_PARTITION, MAX_POLL_RECORDS, POLL_TIMEOUT, COMMIT_INTERVAL, NACK_BACKOFF,
      MAX_NACK_BACKOFF, REVOKE_TIMEOUT, CLOSE_TIMEOUT, DEAD_LETTER_SUFFIX, NAMESPACE);

  /** Used by {@link java.util.ServiceLoader}. */
  public KafkaIngestionProvider() {}

  @Override
  public String name() {
    return KafkaIngestionAdapter.NAME;
  }

  @Override
  public IngestionAdapter create(AdapterConfig config) {
    java.util.Map<String, String> own = new java.util.HashMap<>(config.asMap());
    own.keySet().removeIf(k -> k.startsWith(KAFKA_PREFIX));
    AdapterConfig.of(own).requireOnlyKnownKeys("kafka ingestion provider", KNOWN);
    KafkaIngestionAdapter.Builder b = KafkaIngestionAdapter.builder();
    String bootstrap = config.requireString(BOOTSTRAP_SERVERS);
    AdapterConfig.apply(BOOTSTRAP_SERVERS, () -> b.bootstrapServers(bootstrap));
    config.getString(TOPICS).ifPresent(v -> AdapterConfig.apply(TOPICS, () -> b.topics(
        Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())));
    config.getString(TOPIC_PATTERN).ifPresent(v -> {
      try {
        b.topicPattern(Pattern.compile(v));
      } catch (PatternSyntaxException e) {
        throw new ConfigurationException("setting '" + TOPIC_PATTERN + "' is not a regular expression: " + e.getMessage(), e);
      }
    });
    config.getString(GROUP_ID).ifPresent(v -> AdapterConfig.apply(GROUP_ID, () -> b.groupId(v)));
    config.getString(CLIENT_ID).ifPresent(v -> AdapterConfig.apply(CLIENT_ID, () -> b.clientId(v)));
    config.getString(DEAD_LETTER_SUFFIX).ifPresent(v -> AdapterConfig.apply(DEAD_LETTER_SUFFIX, () -> b.deadLetterSuffix(v)));
    config.getString(NAMESPACE).ifPresent(v -> AdapterConfig.apply(NAMESPACE, () -> b.namespace(v)));
    intSetting(config, BUFFER_CAPACITY, b::bufferCapacity);
    intSetting(config, MAX_UNSETTLED_PER_PARTITION, b::maxUnsettledPerPartition);
    intSetting(config, MAX_POLL_RECORDS, b::maxPollRecords);
    durationSetting(config, POLL_TIMEOUT, b::pollTimeout);
    durationSetting(config, COMMIT_INTERVAL, b::commitInterval);
    durationSetting(config, NACK_BACKOFF, b::nackBackoff);
    durationSetting(config, MAX_NACK_BACKOFF, b::maxNackBackoff);
    durationSetting(config, REVOKE_TIMEOUT, b::revokeTimeout);
    durationSetting(config, CLOSE_TIMEOUT, b::closeTimeout);
    config.withPrefix(KAFKA_PREFIX).asMap().forEach((k, v) -> AdapterConfig.apply(KAFKA_PREFIX + k, () -> b.property(k, v)));
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new ConfigurationException("kafka ingestion provider: " + e.getMessage(), e);
    }
  }

  private static void intSetting(AdapterConfig config, String key, IntConsumer setter) {
    if (config.getString(key).isPresent()) {
      int v = config.getInt(key, 0);
      AdapterConfig.apply(key, () -> setter.accept(v));
    }
  }

  private static void durationSetting(AdapterConfig config, String key, Consumer<Duration> setter) {
    if (config.getString(key).isPresent()) {
      Duration v = config.getDuration(key, Duration.ZERO);
      AdapterConfig.apply(key, () -> setter.accept(v));
    }
  }
}
