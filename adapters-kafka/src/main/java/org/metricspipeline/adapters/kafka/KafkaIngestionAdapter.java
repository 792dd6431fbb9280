package org.metricspipeline.adapters.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.metricspipeline.adapters.kafka.events.EventTypes;
import org.metricspipeline.adapters.kafka.events.SchemaGenerator;
import org.metricspipeline.adapters.kafka.internal.ClusterHealth;
import org.metricspipeline.adapters.kafka.internal.ConsumerLoop;
import org.metricspipeline.adapters.kafka.internal.Lazy;
import org.metricspipeline.adapters.kafka.internal.RecordCodec;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;

/**
 * An ingestion channel over Kafka topics, consumed in a consumer group: any number of pipelines
 * (threads or processes) with the same {@link Builder#groupId(String) group id} split the topics'
 * partitions between them.
 *
 * <pre>{@code
 * KafkaIngestionAdapter kafka = KafkaIngestionAdapter.builder()
 *     .bootstrapServers("127.0.0.1:9092")
 *     .topics("events.page_view", "events.purchase")
 *     .groupId("metrics-pipeline")
 *     .eventTypes(types)                 // to decode Avro and JSON events
 *     .build();
 * try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(store).ingestion(kafka).build()) {
 *   pipeline.startProcessing();
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * A partition's offset is committed only up to its first record not yet stored (acked): a crash
 * re-reads from there and never skips a record. Records stored after the last commit are read
 * again after a crash or a lost partition, so delivery is at-least-once; duplicates are bounded by
 * what was stored in the last {@link Builder#commitInterval(Duration) commitInterval} plus what was
 * in flight.
 * <ul>
 *   <li>{@code ack}: the record is stored; the commit point moves past it once every earlier
 *       record of its partition is stored too.
 *   <li>{@code nack}: the record (held in memory until stored) is delivered again after
 *       {@code nackBackoff * 2^(attempts-1)} (at most {@code maxNackBackoff}), before newer
 *       buffered records; its offset holds the commit point meanwhile, so a crash re-reads it.
 *   <li>{@code reject}, and any record that does not decode: it is written to the dead-letter
 *       topic ({@code {topic}.dlq} by default) with key, value and headers unchanged plus
 *       {@value KafkaHeaders#DLQ_REASON}, {@value KafkaHeaders#DLQ_TOPIC},
 *       {@value KafkaHeaders#DLQ_PARTITION}, {@value KafkaHeaders#DLQ_OFFSET} and
 *       {@value KafkaHeaders#DLQ_GROUP}, and counts as settled once the broker has it.
 * </ul>
 * On a rebalance the adapter drops what it buffered for the revoked partitions (their new owner
 * reads it), waits up to {@link Builder#revokeTimeout(Duration) revokeTimeout} for records the
 * pipeline holds to be stored, and commits what is stored.
 *
 * <h2>Backpressure</h2>
 * At most {@link Builder#bufferCapacity(int) bufferCapacity} records wait for the pipeline (plus
 * one fetch); when the buffer is full every partition is paused (the consumer keeps polling, so
 * it stays in the group), and a partition holding {@link Builder#maxUnsettledPerPartition(int)}
 * uncommitted records (for example behind a nacked one) is paused alone.
 *
 * <h2>Decoding</h2>
 * By the {@value KafkaHeaders#ENCODING} header: none or {@value KafkaHeaders#JSON} is the library's
 * JSON; {@value KafkaHeaders#AVRO} is an event type's Avro record (by the schema fingerprint
 * header) and {@value KafkaHeaders#EVENT_JSON} a JSON event checked against its JSON Schema, both
 * mapped to items as {@link org.metricspipeline.adapters.kafka.events.EventMapping} says.
 *
 * <h2>Producing</h2>
 * {@link #ingest} validates and sends an item as JSON to {@link Builder#ingestTopic(Function)}
 * (by default the first subscribed topic), completing once the broker has it.
 *
 * <h2>Threads</h2>
 * {@code metrics-kafka-poll-1} owns the consumer; {@code metrics-kafka-timer-1} ends waiting polls;
 * the Kafka clients' own network threads serve the consumer and, each created on first use, the
 * dead-letter producer, the health check's Admin client and the {@link #ingest} producer. {@link #close()} stops polling, waits up
 * to {@link Builder#closeTimeout(Duration) closeTimeout} for handed-out records, commits what is
 * stored, leaves the group and closes everything it owns.
 */
public final class KafkaIngestionAdapter implements IngestionAdapter {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "kafka";
  /** Default consumer group. */
  public static final String DEFAULT_GROUP_ID = "metrics-pipeline";
  /** Default most records fetched and not yet polled by the pipeline. */
  public static final int DEFAULT_BUFFER_CAPACITY = 2_000;
  /** Default most uncommitted records of one partition before it is paused. */
  public static final int DEFAULT_MAX_UNSETTLED_PER_PARTITION = 20_000;
  /** Default records per fetch ({@code max.poll.records}). */
  public static final int DEFAULT_MAX_POLL_RECORDS = 500;
  /** Default longest wait of one consumer poll. */
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);
  /** Default time between offset commits. */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(200);
  /** Default backoff of a nacked record's first re-read. */
  public static final Duration DEFAULT_NACK_BACKOFF = Duration.ofSeconds(1);
  /** Default longest backoff of a nacked record. */
  public static final Duration DEFAULT_MAX_NACK_BACKOFF = Duration.ofMinutes(1);
  /** Default wait on a rebalance for handed-out records of revoked partitions to be stored. */
  public static final Duration DEFAULT_REVOKE_TIMEOUT = Duration.ofSeconds(10);
  /** Default wait on close. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
  /** Default suffix of a topic's dead-letter topic. */
  public static final String DEFAULT_DLQ_SUFFIX = ".dlq";

  private final Map<String, Object> connection;
  private final ConsumerLoop loop;
  private final Lazy<KafkaProducer<byte[], byte[]>> deadLetters;
  private final Lazy<ClusterHealth> health;
  private final MetricsValidator validator;
  private final Function<MetricsData, String> ingestTopic;
  private final Object publisherLock = new Object();
  private KafkaMetricsPublisher publisher;
  private volatile boolean closed;

  private KafkaIngestionAdapter(Builder b) {
    this.connection = b.connection();
    this.validator = b.validator;
    List<String> topics = List.copyOf(b.topics);
    this.ingestTopic = b.ingestTopic != null ? b.ingestTopic
        : topics.isEmpty() ? d -> d.metricType() : d -> topics.get(0);
    Map<String, Object> producerProps = new HashMap<>(connection);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, b.clientId + "-dlq");
    producerProps.keySet().retainAll(ProducerConfig.configNames());
    this.deadLetters = new Lazy<>(() -> new KafkaProducer<>(producerProps, new ByteArraySerializer(),
        new ByteArraySerializer()), p -> p.close(DEFAULT_CLOSE_TIMEOUT));
    String healthClient = b.clientId + "-health";
    Duration healthTimeout = b.healthTimeout;
    this.health = new Lazy<>(() -> new ClusterHealth(connection, healthClient, healthTimeout), ClusterHealth::close);
    Map<String, Object> consumerProps = new HashMap<>(connection);
    consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, b.maxPollRecords);
    consumerProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, b.clientId);
    consumerProps.keySet().retainAll(ConsumerConfig.configNames());
    String suffix = b.deadLetterSuffix;
    Function<String, String> dlq = b.deadLetterTopic != null ? b.deadLetterTopic : t -> t + suffix;
    RecordCodec codec = new RecordCodec(b.eventTypes, new SchemaGenerator(b.namespace));
    this.loop = new ConsumerLoop(new ConsumerLoop.Settings(consumerProps, topics, Optional.ofNullable(b.topicPattern),
        b.groupId, b.bufferCapacity, b.maxUnsettledPerPartition, b.pollTimeout, b.commitInterval, b.nackBackoff,
        b.maxNackBackoff, b.revokeTimeout, dlq, b.closeTimeout), codec, deadLetters, b.clock);
    loop.start();
  }

  /** A builder; bootstrap servers and topics (or a pattern) are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Validates and sends an item as JSON to its ingest topic; completes once the broker has it. */
  @Override
  public CompletableFuture<Void> ingest(MetricsData data) {
    Objects.requireNonNull(data, "data");
    if (closed) {
      return CompletableFuture.failedFuture(new MetricsPipelineException("Kafka ingestion adapter is closed"));
    }
    MetricsValidationResult result = validator.validate(data);
    if (!result.valid()) {
      return CompletableFuture.failedFuture(new MetricsValidationException(result));
    }
    return publisher().sendJsonTo(ingestTopic.apply(data), data);
  }

  /** Sends valid items; each invalid or refused item is named with its index and reason. */
  @Override
  public CompletableFuture<MetricsBatchResult> batchIngest(List<MetricsData> batch) {
    Objects.requireNonNull(batch, "batch");
    List<CompletableFuture<Void>> futures = new ArrayList<>(batch.size());
    for (MetricsData d : batch) {
      futures.add(ingest(d));
    }
    return KafkaMetricsPublisher.collect(futures);
  }

  @Override
  public CompletableFuture<MetricsValidationResult> validate(MetricsData data) {
    Objects.requireNonNull(data, "data");
    return CompletableFuture.completedFuture(validator.validate(data));
  }

  /**
   * Takes up to {@code maxDeliveries} fetched records, decoded, waiting up to {@code maxWait} for
   * the first; empty once closed.
   *
   * @throws IllegalArgumentException if {@code maxDeliveries < 1} or {@code maxWait} is negative
   */
  @Override
  public CompletableFuture<List<Delivery>> poll(int maxDeliveries, Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxDeliveries < 1) {
      throw new IllegalArgumentException("maxDeliveries must be >= 1, got " + maxDeliveries);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must be >= 0, got " + maxWait);
    }
    return loop.poll(maxDeliveries, maxWait);
  }

  /**
   * Healthy when the cluster answers, with the consumer's figures ({@code assigned_partitions},
   * {@code paused_partitions}, {@code buffered}, {@code unsettled}, {@code acked}, {@code nacked},
   * {@code dead_lettered}, {@code commits}, ...); unhealthy when closed or the broker does not
   * answer; degraded when the last poll failed.
   */
  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (closed) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("Kafka ingestion adapter is closed"));
    }
    Map<String, Object> local = new LinkedHashMap<>();
    loop.describe(local);
    return health.get().check(local).thenApply(r -> r.isHealthy() && !loop.lastPollError().isEmpty()
        ? new HealthCheckResult(HealthStatus.DEGRADED, r.details()) : r);
  }

  private KafkaMetricsPublisher publisher() {
    synchronized (publisherLock) {
      if (publisher == null) {
        KafkaMetricsPublisher.Builder b = KafkaMetricsPublisher.builder()
            .bootstrapServers(String.valueOf(connection.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)))
            .clientId("metrics-ingest").validator(validator);
        connection.forEach((k, v) -> {
          if (!k.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) && ProducerConfig.configNames().contains(k)) {
            b.property(k, v);
          }
        });
        publisher = b.build();
      }
      return publisher;
    }
  }

  /** Stops polling, commits what is stored, leaves the group and closes what it owns. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      loop.close();
    } finally {
      deadLetters.close();
      health.close();
      synchronized (publisherLock) {
        if (publisher != null) {
          publisher.close();
        }
      }
    }
  }

  @Override
  public String toString() {
    return "KafkaIngestionAdapter{" + connection.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + "}";
  }

  /** Builds a {@link KafkaIngestionAdapter}; setters fail naming the option and its range. */
  public static final class Builder {
    private String bootstrapServers;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<String> topics = new ArrayList<>();
    private Pattern topicPattern;
    private String groupId = DEFAULT_GROUP_ID;
    private String clientId = "metrics-consumer";
    private int bufferCapacity = DEFAULT_BUFFER_CAPACITY;
    private int maxUnsettledPerPartition = DEFAULT_MAX_UNSETTLED_PER_PARTITION;
    private int maxPollRecords = DEFAULT_MAX_POLL_RECORDS;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private Duration nackBackoff = DEFAULT_NACK_BACKOFF;
    private Duration maxNackBackoff = DEFAULT_MAX_NACK_BACKOFF;
    private Duration revokeTimeout = DEFAULT_REVOKE_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private Duration healthTimeout = KafkaMetricsPublisher.DEFAULT_HEALTH_TIMEOUT;
    private String deadLetterSuffix = DEFAULT_DLQ_SUFFIX;
    private Function<String, String> deadLetterTopic;
    private Function<MetricsData, String> ingestTopic;
    private EventTypes eventTypes = EventTypes.of();
    private String namespace = SchemaGenerator.DEFAULT_NAMESPACE;
    private MetricsValidator validator = MetricsValidator.defaults();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** {@code host:port[,host:port...]} of the brokers (required). */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = KafkaMetricsPublisher.Builder.nonBlank("bootstrapServers", bootstrapServers);
      return this;
    }

    /**
     * Any Kafka client setting, passed to the consumer, the dead-letter producer and the Admin
     * client where it applies (TLS and SASL: {@code security.protocol}, {@code sasl.mechanism},
     * {@code sasl.jaas.config}, {@code ssl.truststore.location}, ...; or {@code auto.offset.reset},
     * {@code fetch.min.bytes}). Wins over the builder's.
     */
    public Builder property(String key, Object value) {
      properties.put(KafkaMetricsPublisher.Builder.nonBlank("property key", key), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The topics to consume (one of topics or {@link #topicPattern(Pattern)} is required). */
    public Builder topics(String... topics) {
      return topics(List.of(topics));
    }

    /** The topics to consume. */
    public Builder topics(List<String> topics) {
      this.topics.clear();
      for (String t : topics) {
        this.topics.add(KafkaMetricsPublisher.Builder.nonBlank("topics", t));
      }
      this.topicPattern = null;
      return this;
    }

    /** Consumes every topic matching the pattern (new ones too), instead of a list. */
    public Builder topicPattern(Pattern topicPattern) {
      this.topicPattern = Objects.requireNonNull(topicPattern, "topicPattern");
      this.topics.clear();
      return this;
    }

    /** The consumer group [{@value #DEFAULT_GROUP_ID}]. */
    public Builder groupId(String groupId) {
      this.groupId = KafkaMetricsPublisher.Builder.nonBlank("groupId", groupId);
      return this;
    }

    /** The Kafka client id prefix [metrics-consumer]. */
    public Builder clientId(String clientId) {
      this.clientId = KafkaMetricsPublisher.Builder.nonBlank("clientId", clientId);
      return this;
    }

    /** Most records fetched and waiting for the pipeline: 1 to 1,000,000 [{@value #DEFAULT_BUFFER_CAPACITY}]. */
    public Builder bufferCapacity(int bufferCapacity) {
      this.bufferCapacity = range("bufferCapacity", bufferCapacity, 1, 1_000_000);
      return this;
    }

    /** Most uncommitted records of one partition before it is paused: 1 to 10,000,000 [{@value #DEFAULT_MAX_UNSETTLED_PER_PARTITION}]. */
    public Builder maxUnsettledPerPartition(int maxUnsettledPerPartition) {
      this.maxUnsettledPerPartition = range("maxUnsettledPerPartition", maxUnsettledPerPartition, 1, 10_000_000);
      return this;
    }

    /** Records per fetch ({@code max.poll.records}): 1 to 100,000 [{@value #DEFAULT_MAX_POLL_RECORDS}]. */
    public Builder maxPollRecords(int maxPollRecords) {
      this.maxPollRecords = range("maxPollRecords", maxPollRecords, 1, 100_000);
      return this;
    }

    /** Longest wait of one consumer poll: 1 ms to 5 s [100 ms]. */
    public Builder pollTimeout(Duration pollTimeout) {
      this.pollTimeout = KafkaMetricsPublisher.Builder.between("pollTimeout", pollTimeout, Duration.ofMillis(1),
          Duration.ofSeconds(5));
      return this;
    }

    /** Time between offset commits: 1 ms to 1 min [200 ms]; shorter means fewer duplicates after a crash. */
    public Builder commitInterval(Duration commitInterval) {
      this.commitInterval = KafkaMetricsPublisher.Builder.between("commitInterval", commitInterval,
          Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /** Backoff of a nacked record's first re-read: 0 to 1 h [1 s]; doubled per attempt. */
    public Builder nackBackoff(Duration nackBackoff) {
      this.nackBackoff = KafkaMetricsPublisher.Builder.between("nackBackoff", nackBackoff, Duration.ZERO,
          Duration.ofHours(1));
      return this;
    }

    /** Longest backoff of a nacked record: 0 to 1 h [1 min]. */
    public Builder maxNackBackoff(Duration maxNackBackoff) {
      this.maxNackBackoff = KafkaMetricsPublisher.Builder.between("maxNackBackoff", maxNackBackoff, Duration.ZERO,
          Duration.ofHours(1));
      return this;
    }

    /** Wait on a rebalance for handed-out records of revoked partitions: 0 to 5 min [10 s]. */
    public Builder revokeTimeout(Duration revokeTimeout) {
      this.revokeTimeout = KafkaMetricsPublisher.Builder.between("revokeTimeout", revokeTimeout, Duration.ZERO,
          Duration.ofMinutes(5));
      return this;
    }

    /** Wait on close for handed-out records and the last commit: 0 to 5 min [10 s]. */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = KafkaMetricsPublisher.Builder.between("closeTimeout", closeTimeout, Duration.ZERO,
          Duration.ofMinutes(5));
      return this;
    }

    /** Longest wait for a health check's answer: 100 ms to 1 min [5 s]. */
    public Builder healthTimeout(Duration healthTimeout) {
      this.healthTimeout = KafkaMetricsPublisher.Builder.between("healthTimeout", healthTimeout,
          Duration.ofMillis(100), Duration.ofMinutes(1));
      return this;
    }

    /** Dead-letter topic of a topic: {@code {topic}{suffix}} [{@value #DEFAULT_DLQ_SUFFIX}]. */
    public Builder deadLetterSuffix(String suffix) {
      this.deadLetterSuffix = KafkaMetricsPublisher.Builder.nonBlank("deadLetterSuffix", suffix);
      this.deadLetterTopic = null;
      return this;
    }

    /** Names a topic's dead-letter topic otherwise. */
    public Builder deadLetterTopic(Function<String, String> deadLetterTopic) {
      this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
      return this;
    }

    /** Where {@link KafkaIngestionAdapter#ingest} sends an item [the first topic; with a pattern, its metric type]. */
    public Builder ingestTopic(Function<MetricsData, String> ingestTopic) {
      this.ingestTopic = Objects.requireNonNull(ingestTopic, "ingestTopic");
      return this;
    }

    /** Event types, to decode Avro and JSON events [none: the library's JSON only]. */
    public Builder eventTypes(EventTypes eventTypes) {
      this.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes");
      return this;
    }

    /** The Avro namespace the producers' schemas were generated in [{@value SchemaGenerator#DEFAULT_NAMESPACE}]. */
    public Builder namespace(String namespace) {
      new SchemaGenerator(namespace);
      this.namespace = namespace;
      return this;
    }

    /** The rules {@link KafkaIngestionAdapter#ingest} checks [{@link MetricsValidator#defaults()}]. */
    public Builder validator(MetricsValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /** The clock of nack backoffs and commit intervals [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    Map<String, Object> connection() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      c.putAll(properties);
      return c;
    }

    /** The adapter, polling at once; fails when bootstrap servers or topics are missing. */
    public KafkaIngestionAdapter build() {
      if (bootstrapServers == null) {
        throw new IllegalStateException("bootstrapServers is required");
      }
      if (topics.isEmpty() && topicPattern == null) {
        throw new IllegalStateException("topics or topicPattern is required");
      }
      if (maxNackBackoff.compareTo(nackBackoff) < 0) {
        throw new IllegalStateException("maxNackBackoff (" + maxNackBackoff + ") must be >= nackBackoff (" + nackBackoff + ")");
      }
      return new KafkaIngestionAdapter(this);
    }

    static int range(String option, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
