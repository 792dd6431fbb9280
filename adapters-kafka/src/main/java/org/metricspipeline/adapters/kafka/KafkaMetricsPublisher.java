package org.metricspipeline.adapters.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.metricspipeline.adapters.kafka.events.EventMapping;
import org.metricspipeline.adapters.kafka.events.EventType;
import org.metricspipeline.adapters.kafka.events.EventTypes;
import org.metricspipeline.adapters.kafka.events.SchemaGenerator;
import org.metricspipeline.adapters.kafka.internal.ClusterHealth;
import org.metricspipeline.adapters.kafka.internal.RecordCodec;
import org.metricspipeline.adapters.kafka.internal.Threads;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.core.MetricsJson;

/**
 * Sends metrics and events to Kafka (seed 002's {@code KafkaEventProducer}), one topic per event
 * type: {@code {topicPrefix}.{event_type}} ({@code events.page_view}), where an item's event type is
 * its {@code metric_type}.
 *
 * <pre>{@code
 * try (KafkaMetricsPublisher publisher = KafkaMetricsPublisher.builder()
 *     .bootstrapServers("127.0.0.1:9092")
 *     .eventTypes(types).encoding(Encoding.AVRO)
 *     .build()) {
 *   publisher.send("page_view", event);          // key: the event's primary key (user_id)
 *   publisher.send(item);                        // key: the item's source
 *   publisher.flush(Duration.ofSeconds(10));
 *   publisher.stats();                           // sent, errors
 * }
 * }</pre>
 *
 * <p>Values are the library's JSON ({@link Encoding#JSON}) or Avro binary with the event type's
 * generated schema ({@link Encoding#AVRO}, its fingerprint in the {@value KafkaHeaders#AVRO_FINGERPRINT}
 * header, so consumers decode without a schema registry); the {@value KafkaHeaders#ENCODING} header
 * says which. The producer is idempotent with {@code acks=all} by default and compresses with
 * {@link #DEFAULT_COMPRESSION} ({@code none}, {@code gzip}, {@code snappy}, {@code lz4},
 * {@code zstd}); any other producer setting (TLS, SASL) passes through {@link Builder#property}.
 *
 * <p>Sends never block the caller. The producer runs with {@code max.block.ms=0}, so it takes a
 * record at once or refuses it at once; the caller hands its record straight to the producer when
 * the topic's metadata is known, there is buffer space and nothing waits in the send queue.
 * Otherwise the record is queued (at most {@link Builder#maxQueuedRecords}, then the future fails at
 * once with an {@link OverloadedException}) and one thread ({@code metrics-kafka-send-1}) hands the
 * queued records over in order, retrying each for up to {@link Builder#maxBlock} while the metadata
 * or buffer space is missing (no broker answers), then failing it with a
 * {@link StorageUnavailableException}. The future completes when the broker acknowledged the
 * record; records handed over are retried by the producer until {@code delivery.timeout.ms}. A
 * caller's records keep their order (per partition key). Thread-safe.
 */
public final class KafkaMetricsPublisher implements AutoCloseable {

  /** Seed 002's topic prefix. */
  public static final String DEFAULT_TOPIC_PREFIX = "events";
  /** Default compression of record batches. */
  public static final String DEFAULT_COMPRESSION = "lz4";
  /** Default wait of {@link #flush()} and of {@link #close()}. */
  public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(10);
  /** Default longest wait for a health check's answer. */
  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(5);
  /** Default longest wait of the send thread for a topic's metadata or buffer space ({@code max.block.ms}). */
  public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(10);
  /** Default capacity of the send queue. */
  public static final int DEFAULT_MAX_QUEUED_RECORDS = 100_000;

  private static final byte[] JSON_ENCODING = KafkaHeaders.JSON.getBytes(StandardCharsets.UTF_8);
  private static final byte[] AVRO_ENCODING = KafkaHeaders.AVRO.getBytes(StandardCharsets.UTF_8);
  /** First and longest wait of the send thread between two tries to hand a record over. */
  private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long MAX_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

  private final KafkaProducer<byte[], byte[]> producer;
  private final RecordCodec codec;
  private final Encoding encoding;
  private final Function<String, String> topicFor;
  private final MetricsValidator validator;
  private final ClusterHealth health;
  private final ExecutorService flusher;
  private final LongAdder sent = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicLong pending = new AtomicLong();
  private final BlockingQueue<Outgoing> outbox;
  /** Records queued for the send thread or being handed over by it: callers go direct only at 0. */
  private final AtomicLong queued = new AtomicLong();
  private final CountDownLatch abort = new CountDownLatch(1);
  private final Outgoing stop = new Outgoing(null, null);
  private final int maxQueued;
  private final Duration maxBlock;
  private final Thread sender;
  private volatile boolean senderDone;
  private volatile boolean closed;

  private KafkaMetricsPublisher(Builder b) {
    Map<String, Object> p = new HashMap<>(b.connection());
    p.put(ProducerConfig.ACKS_CONFIG, b.acks);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, b.idempotent);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, b.compression);
    p.put(ProducerConfig.LINGER_MS_CONFIG, (int) b.linger.toMillis());
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, b.batchBytes);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, b.clientId);
    p.putAll(b.properties);
    // The producer never waits: a missing topic metadata or buffer space is retried by the send
    // thread for up to maxBlock (a max.block.ms given as a property sets maxBlock).
    Duration blockLimit = b.maxBlock;
    Object given = b.properties.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
    if (given != null) {
      blockLimit = Builder.between(ProducerConfig.MAX_BLOCK_MS_CONFIG,
          Duration.ofMillis(Long.parseLong(given.toString().trim())), Duration.ZERO, Duration.ofMinutes(5));
    }
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0L);
    this.codec = new RecordCodec(b.eventTypes, new SchemaGenerator(b.namespace));
    this.encoding = b.encoding;
    String prefix = b.topicPrefix;
    this.topicFor = b.topicNamer != null ? b.topicNamer : type -> prefix + "." + type;
    this.validator = b.validator;
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.health = new ClusterHealth(b.connection(), b.clientId + "-health", b.healthTimeout);
    this.flusher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(16),
        Threads.factory("flush"));
    this.maxQueued = b.maxQueuedRecords;
    this.maxBlock = blockLimit;
    this.outbox = new ArrayBlockingQueue<>(b.maxQueuedRecords);
    this.sender = Threads.named("send", 1, this::sendLoop);
    sender.start();
  }

  /** A builder; {@link Builder#bootstrapServers(String)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The topic of an event type: {@code {topicPrefix}.{eventType}} unless a namer was given. */
  public String topicFor(String eventType) {
    return topicFor.apply(eventType);
  }

  /** The encoding of values. */
  public Encoding encoding() {
    return encoding;
  }

  /** Sends an event of {@code eventType} keyed by its primary key (seed 002: {@code user_id}). */
  public CompletableFuture<Void> send(String eventType, Map<String, ?> event) {
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(event, "event");
    EventType type = codec.types().find(eventType).orElse(null);
    Object key = type == null ? null : event.get(type.primaryKey());
    return send(eventType, event, key == null ? null : key.toString());
  }

  /**
   * Sends an event (a map shaped like the event type's schema) of {@code eventType} with a
   * partition key (records with one key keep their order); {@code key} may be null (spread).
   * Fails with a {@link MetricsValidationException} naming the field when the event does not fit
   * its type.
   */
  public CompletableFuture<Void> send(String eventType, Map<String, ?> event, String key) {
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(event, "event");
    try {
      EventType type = codec.types().get(eventType);
      if (encoding == Encoding.AVRO) {
        return sendRecord(type.name(), key, codec.encodeAvro(type, event), avroHeaders(type.name()));
      }
      MetricsData data = EventMapping.toMetricsData(type, event);
      return sendRecord(type.name(), key, MetricsJson.encode(data), jsonHeaders());
    } catch (RuntimeException e) {
      return failed(e);
    }
  }

  /** Sends an item to the topic of its {@code metric_type}, keyed by its source (none when empty). */
  public CompletableFuture<Void> send(MetricsData data) {
    Objects.requireNonNull(data, "data");
    return send(data, data.source().isEmpty() ? null : data.source());
  }

  /**
   * Sends an item to the topic of its {@code metric_type} with a partition key (may be null).
   * Fails with a {@link MetricsValidationException} when the item is invalid or, with Avro, does
   * not fit its event type.
   */
  public CompletableFuture<Void> send(MetricsData data, String key) {
    Objects.requireNonNull(data, "data");
    try {
      MetricsValidationResult result = validator.validate(data);
      if (!result.valid()) {
        throw new MetricsValidationException(result);
      }
      if (encoding == Encoding.AVRO) {
        EventType type = codec.types().find(data.metricType()).orElseThrow(() -> new MetricsValidationException(
            List.of(new org.metricspipeline.api.ValidationError("metric_type", "no event type '" + data.metricType()
                + "' to encode as Avro; known: " + codec.types().names()))));
        return sendRecord(type.name(), key, codec.encodeAvro(type, EventMapping.toEvent(type, data)),
            avroHeaders(type.name()));
      }
      return sendRecord(data.metricType(), key, MetricsJson.encode(data), jsonHeaders());
    } catch (RuntimeException e) {
      return failed(e);
    }
  }

  /** Sends an item to a given topic, as JSON, keyed by its source (used by the ingestion adapter). */
  CompletableFuture<Void> sendJsonTo(String topic, MetricsData data) {
    try {
      return sendTopic(topic, data.source().isEmpty() ? null : data.source(), MetricsJson.encode(data), jsonHeaders());
    } catch (RuntimeException e) {
      return failed(e);
    }
  }

  /** Sends events of one type (seed 002's {@code send_batch}); each failure is named by index. */
  public CompletableFuture<MetricsBatchResult> sendBatch(String eventType, List<? extends Map<String, ?>> events) {
    Objects.requireNonNull(events, "events");
    List<CompletableFuture<Void>> futures = new ArrayList<>(events.size());
    for (Map<String, ?> e : events) {
      futures.add(send(eventType, e));
    }
    return collect(futures);
  }

  /** Sends items, each to the topic of its metric type; each failure is named by index. */
  public CompletableFuture<MetricsBatchResult> sendBatch(List<MetricsData> items) {
    Objects.requireNonNull(items, "items");
    List<CompletableFuture<Void>> futures = new ArrayList<>(items.size());
    for (MetricsData d : items) {
      futures.add(send(d));
    }
    return collect(futures);
  }

  static CompletableFuture<MetricsBatchResult> collect(List<CompletableFuture<Void>> futures) {
    return CompletableFuture.allOf(futures.stream().map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new))
        .thenApply(v -> {
          List<MetricsBatchResult.Failure> failures = new ArrayList<>();
          for (int i = 0; i < futures.size(); i++) {
            CompletableFuture<Void> f = futures.get(i);
            if (f.isCompletedExceptionally()) {
              Throwable t = f.handle((x, e) -> e).join();
              Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
              failures.add(cause instanceof MetricsValidationException mve
                  ? MetricsBatchResult.Failure.invalid(i, MetricsValidationResult.of(mve.errors()))
                  : MetricsBatchResult.Failure.of(i, String.valueOf(cause.getMessage())));
            }
          }
          return MetricsBatchResult.of(futures.size(), failures);
        });
  }

  private CompletableFuture<Void> sendRecord(String eventType, String key, byte[] value, RecordHeaders headers) {
    return sendTopic(topicFor.apply(eventType), key, value, headers);
  }

  private CompletableFuture<Void> sendTopic(String topic, String key, byte[] value, RecordHeaders headers) {
    if (closed) {
      return failed(new MetricsPipelineException("Kafka publisher is closed"));
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    Outgoing o = new Outgoing(new ProducerRecord<>(topic, null, null, k, value, headers), result);
    pending.incrementAndGet();
    if (queued.get() == 0) {
      // Nothing of this caller waits in the queue, so handing the record over now keeps its order.
      Exception refused = o.handOver();
      if (refused == null) {
        return result;
      }
      if (!wouldBlock(refused)) {
        fail(o, unavailable(topic, refused));
        return result;
      }
    }
    queued.incrementAndGet();
    if (!outbox.offer(o)) {
      queued.decrementAndGet();
      pending.decrementAndGet();
      errors.increment();
      result.completeExceptionally(new OverloadedException("Kafka publisher's send queue is full (maxQueuedRecords="
          + maxQueued + "): the broker is slow or unreachable", Duration.ofSeconds(1)));
    } else if (senderDone) {
      failLeftovers(); // closed while this record was queued
    }
    return result;
  }

  /** Whether the producer refused a record only because it would have had to wait (metadata, buffer space). */
  private static boolean wouldBlock(Exception e) {
    return e instanceof org.apache.kafka.common.errors.TimeoutException; // BufferExhaustedException too
  }

  /** The send thread: hands queued records to the producer in order until {@link #close()}. */
  private void sendLoop() {
    List<Outgoing> batch = new ArrayList<>(256);
    try {
      while (true) {
        batch.add(outbox.take());
        outbox.drainTo(batch, 255);
        for (int i = 0; i < batch.size(); i++) {
          Outgoing o = batch.get(i);
          if (o == stop) {
            for (int j = i + 1; j < batch.size(); j++) {
              fail(batch.get(j), new MetricsPipelineException("Kafka publisher is closed"));
            }
            return;
          }
          if (o.record == null) {
            o.result.complete(null); // flush barrier: every record before it is handed over
          } else {
            try {
              dispatch(o);
            } finally {
              queued.decrementAndGet();
            }
          }
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      for (Outgoing o : batch) {
        if (o != stop && !o.result.isDone()) {
          fail(o, new MetricsPipelineException("Kafka publisher is closed"));
        }
      }
    } finally {
      senderDone = true;
      failLeftovers();
    }
  }

  /** Hands a queued record over, retrying while the producer would have to wait, for up to maxBlock. */
  private void dispatch(Outgoing o) throws InterruptedException {
    long start = System.nanoTime();
    long wait = FIRST_RETRY_NANOS;
    while (true) {
      Exception refused = o.handOver();
      if (refused == null) {
        return;
      }
      long left = maxBlock.toNanos() - (System.nanoTime() - start);
      if (!wouldBlock(refused) || left <= 0) {
        fail(o, unavailable(o.record.topic(), refused));
        return;
      }
      if (abort.await(Math.min(wait, left), TimeUnit.NANOSECONDS)) {
        throw new InterruptedException("closing");
      }
      wait = Math.min(MAX_RETRY_NANOS, wait * 2);
    }
  }

  private MetricsPipelineException unavailable(String topic, Throwable error) {
    if (error instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new StorageUnavailableException("Kafka broker unreachable: the record for " + topic
          + " was not taken in time (maxBlock " + maxBlock + ", then delivery.timeout.ms): " + error.getMessage(), error);
    }
    return new MetricsPipelineException("Kafka did not take the record for " + topic + ": " + error, error);
  }

  private void fail(Outgoing o, MetricsPipelineException e) {
    if (o.result != null && o.result.completeExceptionally(e) && o.record != null) {
      pending.decrementAndGet();
      errors.increment();
    }
  }

  private void failLeftovers() {
    for (Outgoing o; (o = outbox.poll()) != null; ) {
      if (o != stop) {
        fail(o, new MetricsPipelineException("Kafka publisher is closed"));
      }
    }
  }

  private CompletableFuture<Void> failed(RuntimeException e) {
    errors.increment();
    return CompletableFuture.failedFuture(e instanceof MetricsPipelineException ? e
        : new MetricsValidationException(List.of(new org.metricspipeline.api.ValidationError("", String.valueOf(e.getMessage())))));
  }

  private static RecordHeaders jsonHeaders() {
    RecordHeaders h = new RecordHeaders();
    h.add(KafkaHeaders.ENCODING, JSON_ENCODING); // header values are only read: one array serves all
    return h;
  }

  private RecordHeaders avroHeaders(String eventType) {
    RecordHeaders h = new RecordHeaders();
    h.add(KafkaHeaders.ENCODING, AVRO_ENCODING);
    h.add(KafkaHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
    h.add(KafkaHeaders.AVRO_FINGERPRINT, codec.fingerprint(eventType));
    return h;
  }

  /** {@link #flush(Duration)} with {@link #DEFAULT_FLUSH_TIMEOUT}. */
  public boolean flush() {
    return flush(DEFAULT_FLUSH_TIMEOUT);
  }

  /**
   * Sends what is batched at once and waits up to {@code timeout} until every record sent so far is
   * acknowledged or failed (blocks the caller: it asked to wait).
   *
   * @return whether everything was settled in time
   */
  public boolean flush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    CompletableFuture<Void> done;
    try {
      done = CompletableFuture.runAsync(() -> {
        CompletableFuture<Void> barrier = new CompletableFuture<>();
        try {
          outbox.put(new Outgoing(null, barrier)); // waits for room: the queue drains ahead of it
          barrier.get();
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
          Thread.currentThread().interrupt();
          throw new java.util.concurrent.CompletionException(e);
        }
        producer.flush();
      }, flusher);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return false;
    }
    try {
      done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    }
  }

  /** Records acknowledged, failed and pending. */
  public PublisherStats stats() {
    return new PublisherStats(sent.sum(), errors.sum(), pending.get());
  }

  /** Healthy when the cluster answers (seed 002's {@code health_check}), with the counters. */
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (closed) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("Kafka publisher is closed"));
    }
    Map<String, Object> local = new LinkedHashMap<>();
    PublisherStats s = stats();
    local.put("sent", s.sent());
    local.put("errors", s.errors());
    local.put("pending", s.pending());
    local.put("encoding", encoding.name().toLowerCase(Locale.ROOT));
    return health.check(local);
  }

  /**
   * Hands the queued records to the producer and flushes for up to {@link #DEFAULT_FLUSH_TIMEOUT}
   * in all, then closes the producer and its threads; records not sent by then fail.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = System.nanoTime() + DEFAULT_FLUSH_TIMEOUT.toNanos();
    try {
      if (!outbox.offer(stop, DEFAULT_FLUSH_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
        sender.interrupt();
      }
      sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (sender.isAlive()) {
        abort.countDown();
        sender.interrupt();
        sender.join(1000);
      }
    } catch (InterruptedException e) {
      sender.interrupt();
      Thread.currentThread().interrupt();
    }
    try {
      producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    } finally {
      flusher.shutdownNow();
      health.close();
    }
  }

  /** A record on its way to the producer, or a flush barrier ({@code record == null}). */
  private final class Outgoing implements Callback {
    final ProducerRecord<byte[], byte[]> record;
    final CompletableFuture<Void> result;
    /** The thread inside {@link #handOver()}: a callback on it is the producer refusing the record. */
    private Thread handingOver;
    private Exception refused;

    Outgoing(ProducerRecord<byte[], byte[]> record, CompletableFuture<Void> result) {
      this.record = record;
      this.result = result;
    }

    /** Gives the record to the producer (which never waits); null when taken, else why not. */
    Exception handOver() {
      refused = null;
      handingOver = Thread.currentThread();
      try {
        producer.send(record, this);
      } catch (RuntimeException e) {
        refused = e;
      } finally {
        handingOver = null;
      }
      return refused;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception error) {
      if (error != null && Thread.currentThread() == handingOver) {
        refused = error; // refused inside send(): handOver's caller decides (retry or fail)
      } else if (error == null) {
        pending.decrementAndGet();
        sent.increment();
        result.complete(null);
      } else {
        fail(this, unavailable(record.topic(), error));
      }
    }
  }

  /** Builds a {@link KafkaMetricsPublisher}; setters fail naming the option and its range. */
  public static final class Builder {
    private String bootstrapServers;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private String topicPrefix = DEFAULT_TOPIC_PREFIX;
    private Function<String, String> topicNamer;
    private Encoding encoding = Encoding.JSON;
    private EventTypes eventTypes = EventTypes.of();
    private String namespace = SchemaGenerator.DEFAULT_NAMESPACE;
    private String acks = "all";
    private boolean idempotent = true;
    private String compression = DEFAULT_COMPRESSION;
    private Duration linger = Duration.ofMillis(5);
    private int batchBytes = 64 * 1024;
    private String clientId = "metrics-publisher";
    private Duration healthTimeout = DEFAULT_HEALTH_TIMEOUT;
    private Duration maxBlock = DEFAULT_MAX_BLOCK;
    private int maxQueuedRecords = DEFAULT_MAX_QUEUED_RECORDS;
    private MetricsValidator validator = MetricsValidator.defaults();

    private Builder() {}

    /** {@code host:port[,host:port...]} of the brokers (required). */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = nonBlank("bootstrapServers", bootstrapServers);
      return this;
    }

    /** Any Kafka producer setting, passed through (TLS, SASL, {@code max.block.ms}, ...); wins over the builder's. */
    public Builder property(String key, Object value) {
      properties.put(nonBlank("property key", key), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Topic prefix: an event type's topic is {@code {prefix}.{event_type}} [{@value #DEFAULT_TOPIC_PREFIX}]. */
    public Builder topicPrefix(String topicPrefix) {
      this.topicPrefix = nonBlank("topicPrefix", topicPrefix);
      return this;
    }

    /** Names an event type's topic otherwise than {@code {prefix}.{event_type}}. */
    public Builder topicNamer(Function<String, String> topicNamer) {
      this.topicNamer = Objects.requireNonNull(topicNamer, "topicNamer");
      return this;
    }

    /** The encoding of values [JSON]. */
    public Builder encoding(Encoding encoding) {
      this.encoding = Objects.requireNonNull(encoding, "encoding");
      return this;
    }

    /** The event types: needed for {@link Encoding#AVRO} and to send events (maps) [none]. */
    public Builder eventTypes(EventTypes eventTypes) {
      this.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes");
      return this;
    }

    /** The Avro namespace of the generated schemas [{@value SchemaGenerator#DEFAULT_NAMESPACE}]. */
    public Builder namespace(String namespace) {
      new SchemaGenerator(namespace);
      this.namespace = namespace;
      return this;
    }

    /** {@code acks}: {@code all}, {@code 1} or {@code 0} [all]; not all turns idempotence off. */
    public Builder acks(String acks) {
      if (!Set.of("all", "-1", "1", "0").contains(acks)) {
        throw new IllegalArgumentException("acks must be all, 1 or 0, got " + acks);
      }
      this.acks = acks;
      this.idempotent = acks.equals("all") || acks.equals("-1");
      return this;
    }

    /** Compression: none, gzip, snappy, lz4 or zstd [{@value #DEFAULT_COMPRESSION}]. */
    public Builder compression(String compression) {
      String c = compression.toLowerCase(Locale.ROOT);
      if (!COMPRESSIONS.contains(c)) {
        throw new IllegalArgumentException("compression must be one of none, gzip, snappy, lz4, zstd, got " + compression);
      }
      this.compression = c;
      return this;
    }

    /** How long a record may wait for its batch to fill, 0 to 1 min [5 ms]. */
    public Builder linger(Duration linger) {
      Objects.requireNonNull(linger, "linger");
      if (linger.isNegative() || linger.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("linger must be between 0 and 1 min, got " + linger);
      }
      this.linger = linger;
      return this;
    }

    /** Largest record batch per partition in bytes, 1 KiB to 16 MiB [64 KiB]. */
    public Builder batchBytes(int batchBytes) {
      if (batchBytes < 1024 || batchBytes > 16 << 20) {
        throw new IllegalArgumentException("batchBytes must be between 1024 and 16777216, got " + batchBytes);
      }
      this.batchBytes = batchBytes;
      return this;
    }

    /** The Kafka client id [metrics-publisher]. */
    public Builder clientId(String clientId) {
      this.clientId = nonBlank("clientId", clientId);
      return this;
    }

    /** Longest wait for a health check's answer, 100 ms to 1 min [5 s]. */
    public Builder healthTimeout(Duration healthTimeout) {
      this.healthTimeout = between("healthTimeout", healthTimeout, Duration.ofMillis(100), Duration.ofMinutes(1));
      return this;
    }

    /**
     * How long the send thread (never the caller) keeps trying to hand a record over while its
     * topic's metadata or buffer space is missing, before the record fails with a
     * {@link StorageUnavailableException}, 0 to 5 min [10 s]; a {@code max.block.ms} property sets
     * it too (the producer itself runs with {@code max.block.ms=0}).
     */
    public Builder maxBlock(Duration maxBlock) {
      this.maxBlock = between("maxBlock", maxBlock, Duration.ZERO, Duration.ofMinutes(5));
      return this;
    }

    /** Records queued for the send thread at most, 1 to 10,000,000 [100,000]; beyond, sends fail with an {@link OverloadedException}. */
    public Builder maxQueuedRecords(int maxQueuedRecords) {
      if (maxQueuedRecords < 1 || maxQueuedRecords > 10_000_000) {
        throw new IllegalArgumentException("maxQueuedRecords must be between 1 and 10000000, got " + maxQueuedRecords);
      }
      this.maxQueuedRecords = maxQueuedRecords;
      return this;
    }

    /** The rules items must pass to be sent [{@link MetricsValidator#defaults()}]. */
    public Builder validator(MetricsValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    Map<String, Object> connection() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      c.putAll(properties);
      return c;
    }

    /** The publisher; fails when no bootstrap servers were given or Avro lacks event types. */
    public KafkaMetricsPublisher build() {
      if (bootstrapServers == null) {
        throw new IllegalStateException("bootstrapServers is required");
      }
      if (encoding == Encoding.AVRO && eventTypes.all().isEmpty()) {
        throw new IllegalStateException("encoding AVRO needs eventTypes: the schema comes from the item's event type");
      }
      return new KafkaMetricsPublisher(this);
    }

    static String nonBlank(String option, String value) {
      Objects.requireNonNull(value, option);
      if (value.isBlank()) {
        throw new IllegalArgumentException(option + " must not be blank");
      }
      return value;
    }

    static Duration between(String option, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, option);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
