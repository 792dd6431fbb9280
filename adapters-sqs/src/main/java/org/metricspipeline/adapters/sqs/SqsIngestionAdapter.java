package org.metricspipeline.adapters.sqs;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.metricspipeline.adapters.sqs.internal.Consumer;
import org.metricspipeline.adapters.sqs.internal.Producer;
import org.metricspipeline.adapters.sqs.internal.ProducerOptions;
import org.metricspipeline.adapters.sqs.internal.QueueHealth;
import org.metricspipeline.adapters.sqs.internal.SqsClients;
import org.metricspipeline.adapters.sqs.internal.Threads;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;

/**
 * An ingestion channel over an AWS SQS queue (standard or FIFO): producers anywhere send metrics
 * to the queue, and any number of pipelines consume it with at-least-once delivery.
 *
 * <pre>{@code
 * SqsIngestionAdapter sqs = SqsIngestionAdapter.builder()
 *     .connection(SqsConnection.builder().queueName("metrics").region("eu-west-1").build())
 *     .deadLetterQueueName("metrics-poison")
 *     .build();
 * try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(store).ingestion(sqs).build()) {
 *   pipeline.startProcessing();
 *   ...
 * }
 * }</pre>
 *
 * <h2>Producing</h2>
 * {@link #ingest} and {@link #batchIngest} validate each item, write it as JSON
 * ({@link org.metricspipeline.core.MetricsJson}) and send it with {@code SendMessageBatch}: up to
 * {@link Builder#sendBatchSize(int) 10} entries per call and at most
 * {@link Builder#maxMessageBytes(int) maxMessageBytes} (256 KiB by default) per message and per
 * call. An item whose JSON is larger than one message is split by metrics into several messages,
 * each a complete item with the same timestamp, type, source and context and a share of the
 * metrics; nothing is truncated. Each part is a separate message and so a separate delivery: parts
 * may be stored by different consumers at different times. An item fails only when a single metric
 * with the item's other fields is too large. Entries SQS refuses are reported per item in the
 * {@link MetricsBatchResult}. On a FIFO queue ({@code .fifo} URL) each message gets a group id
 * ({@link Builder#messageGroupId(Function)}, by default the item's source or else its metric type)
 * and a deduplication id (the SHA-256 of its body: identical messages within SQS's five-minute
 * window are stored once), and messages are sent by a single sender thread so that SQS receives
 * them in the order of the calls. {@link #ingest} completes once SQS holds the item, not once it is
 * stored. A standalone {@link SqsMetricsPublisher} does the same for services that only produce.
 *
 * <h2>Consuming</h2>
 * {@link Builder#receiverConcurrency(int) receiverConcurrency} threads long-poll the queue
 * ({@link Builder#receiveWait(Duration) receiveWait}, up to {@link Builder#receiveBatchSize(int)
 * 10} messages a call) into a buffer of {@link Builder#bufferCapacity(int) bufferCapacity}
 * messages; {@link #poll} hands buffered messages out. {@code bufferCapacity} is a budget for every
 * message not yet done with (buffered, in the pipeline, or acked and not yet deleted): a permit
 * comes back only once the delete is answered, so deletes keep up with receives and a kill -9
 * re-delivers at most {@code bufferCapacity} stored messages. By default the budget is the
 * in-flight window, {@code receiveBatchSize x receiverConcurrency}; while it is spent, deliveries
 * are {@link Delivery#awaited() awaited} (the receivers wait for them), so the pipeline stores them
 * without waiting for a fuller batch. Settling a delivery:
 * <ul>
 *   <li>{@code ack} (the pipeline calls it after storage accepted the item): the message is
 *       deleted at once, in {@code DeleteMessageBatch} calls of up to 10 (what has been acked
 *       while the previous delete was under way; {@link Builder#deleteFlushInterval(Duration)
 *       deleteFlushInterval} is a backstop).
 *   <li>{@code nack}: the message becomes visible again after {@code nackBackoff * 2^(receives-1)}
 *       whole seconds, at most {@code maxNackBackoff} ({@code ChangeMessageVisibility}; a backoff
 *       of zero makes it visible at once).
 *   <li>{@code reject} (invalid metrics), and any message that is not metrics JSON at all: a
 *       poison message. With a {@link Builder#deadLetterQueueUrl(String) dead letter queue}, it is
 *       sent there with its body unchanged and the message attributes
 *       {@value Consumer#REASON_ATTRIBUTE} (the reason, at most 1,024 characters),
 *       {@value Consumer#SOURCE_QUEUE_ATTRIBUTE}, {@value Consumer#MESSAGE_ID_ATTRIBUTE} and
 *       {@value Consumer#RECEIVE_COUNT_ATTRIBUTE}, and then deleted from the queue. Without one,
 *       it is left alone: it reappears after the visibility timeout, and the queue's own redrive
 *       policy ({@code maxReceiveCount}) moves it to the queue's dead letter queue (without the
 *       reason; it is logged). A queue with neither keeps offering it forever.
 * </ul>
 * Messages received but not settled (buffered, or delivered and still being stored) have their
 * visibility extended to {@link Builder#visibilityTimeout(Duration) visibilityTimeout} again
 * whenever less than half of it is left, so slow storage does not cause redelivery. A consumer
 * that dies loses nothing: its messages reappear after the visibility timeout. Delivery is
 * at-least-once: a message may be stored twice when an ack's delete fails or comes after the
 * visibility expired.
 *
 * <h2>Threads and resources</h2>
 * The adapter owns an Apache HTTP client (see {@link SqsConnection}), the SDK client, and its
 * daemon threads {@code metrics-sqs-receive-N}, {@code metrics-sqs-settle-N} (deletes, visibility
 * changes, dead-lettering), {@code metrics-sqs-health-1}, {@code metrics-sqs-send-N} and {@code metrics-sqs-timer-1}.
 * A poll that has to wait completes on the timer thread. {@link #close()} stops
 * receiving, deletes what was acked, makes buffered and unsettled messages visible again at once,
 * and closes everything it owns.
 */
public final class SqsIngestionAdapter implements IngestionAdapter {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "sqs";
  /** Default receiver threads. */
  public static final int DEFAULT_RECEIVER_CONCURRENCY = 2;
  /** Default (and largest) messages per {@code ReceiveMessage} call. */
  public static final int DEFAULT_RECEIVE_BATCH_SIZE = 10;
  /** Default long-poll wait of one receive (SQS's longest). */
  public static final Duration DEFAULT_RECEIVE_WAIT = Duration.ofSeconds(20);
  /** Default visibility timeout of received messages. */
  public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofSeconds(30);
  /**
   * Default receive budget (most messages received and not yet deleted or released): 0 stands for
   * the in-flight window, {@code receiveBatchSize x receiverConcurrency}.
   */
  public static final int DEFAULT_BUFFER_CAPACITY = 0;
  /**
   * Least threads for deletes, visibility changes and dead-lettering; by default there are as many
   * as receivers, and at least this many, so deletes keep up with receives.
   */
  public static final int DEFAULT_SETTLER_CONCURRENCY = 2;
  /** Default base of a nacked message's backoff. */
  public static final Duration DEFAULT_NACK_BACKOFF = Duration.ofSeconds(1);
  /** Default longest backoff of a nacked message. */
  public static final Duration DEFAULT_MAX_NACK_BACKOFF = Duration.ofMinutes(5);
  /** Default longest wait of an acked message before its delete is sent in a partial batch. */
  public static final Duration DEFAULT_DELETE_FLUSH_INTERVAL = Duration.ofMillis(20);
  /** Default backlog above which {@link #healthCheck()} reports degraded. */
  public static final long DEFAULT_BACKLOG_THRESHOLD = 100_000;
  /** Default size limit of one message and of one send request (SQS's classic 256 KiB). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = ProducerOptions.DEFAULT_MAX_MESSAGE_BYTES;

  private final SqsClients clients;
  private final Producer producer;
  private final Consumer consumer;
  private final Optional<String> deadLetterQueueUrl;
  private final long backlogThreshold;
  private final ThreadPoolExecutor healthChecker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
      new ArrayBlockingQueue<>(4), Threads.factory("health"));
  private final Object closeLock = new Object();
  private boolean closed;

  private SqsIngestionAdapter(Builder b) {
    int needed = b.receiverConcurrency + b.settlerConcurrency + b.producer.sendConcurrency() + 2;
    this.clients = SqsClients.open(b.connection, needed, "SQS ingestion adapter");
    try {
      this.deadLetterQueueUrl = b.deadLetterQueueUrl != null ? Optional.of(b.deadLetterQueueUrl)
          : b.deadLetterQueueName != null
              ? Optional.of(SqsClients.resolve(clients.client(), b.deadLetterQueueName, "deadLetterQueueName"))
              : Optional.empty();
      this.backlogThreshold = b.backlogThreshold;
      this.producer = new Producer(clients.client(), clients.queueUrl(), b.producer.settings());
      this.consumer = new Consumer(clients.client(), clients.queueUrl(), new Consumer.Settings(
          b.receiverConcurrency, b.receiveBatchSize, b.receiveWait, b.visibilityTimeout, b.bufferCapacity,
          b.settlerConcurrency, b.nackBackoff, b.maxNackBackoff, deadLetterQueueUrl, b.deleteFlushInterval),
          b.clock);
    } catch (RuntimeException e) {
      clients.close();
      healthChecker.shutdown();
      throw e;
    }
    consumer.start();
  }

  /** A builder; {@link Builder#connection(SqsConnection)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The queue's URL (resolved from its name when a name was given). */
  public String queueUrl() {
    return clients.queueUrl();
  }

  /** The dead letter queue's URL, when one is configured. */
  public Optional<String> deadLetterQueueUrl() {
    return deadLetterQueueUrl;
  }

  /**
   * Sends one item (split into several messages when too large for one). Completes once SQS holds
   * every part, or exceptionally with a {@link org.metricspipeline.api.MetricsValidationException}
   * (invalid, or a single metric too large), an {@link org.metricspipeline.api.OverloadedException}
   * (too many sends queued) or a {@link MetricsPipelineException} (SQS refused or did not answer).
   */
  @Override
  public CompletableFuture<Void> ingest(MetricsData data) {
    if (isClosed()) {
      return CompletableFuture.failedFuture(new MetricsPipelineException("SQS ingestion adapter is closed"));
    }
    return producer.send(data);
  }

  /** Sends several items in {@code SendMessageBatch} calls; each failed item is named with its index and reason. */
  @Override
  public CompletableFuture<MetricsBatchResult> batchIngest(List<MetricsData> batch) {
    if (isClosed()) {
      return CompletableFuture.failedFuture(new MetricsPipelineException("SQS ingestion adapter is closed"));
    }
    return producer.sendBatch(batch);
  }

  /** Checks an item against the validator and the message size limit, without sending it. */
  @Override
  public CompletableFuture<MetricsValidationResult> validate(MetricsData data) {
    Objects.requireNonNull(data, "data");
    return CompletableFuture.completedFuture(producer.validate(data));
  }

  /**
   * Takes up to {@code maxDeliveries} received messages, waiting up to {@code maxWait} for the
   * first; empty once closed.
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
    return consumer.poll(maxDeliveries, maxWait);
  }

  /**
   * Queue reachable, {@code backlog} (ApproximateNumberOfMessages), {@code in_flight}
   * (ApproximateNumberOfMessagesNotVisible), {@code delayed}, {@code dead_letter_queue_depth}, and
   * this adapter's counters ({@code buffered}, {@code unsettled}, {@code oldest_unsettled_age_ms},
   * {@code acked}, {@code nacked}, {@code dead_lettered}, {@code visibility_extended}, ...).
   * Unhealthy when closed or a queue does not answer; degraded when the backlog is above
   * {@link Builder#backlogThreshold(long)}. SQS does not report the age of the oldest message
   * (CloudWatch does); the age of the oldest unsettled delivery is given instead.
   */
  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (isClosed()) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("SQS ingestion adapter is closed"));
    }
    Map<String, Object> local = new LinkedHashMap<>();
    consumer.describe(local);
    producer.describe(local);
    try {
      return CompletableFuture.supplyAsync(() -> QueueHealth.check(clients.client(), clients.queueUrl(),
          deadLetterQueueUrl, backlogThreshold, local), healthChecker);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(HealthCheckResult.degraded(
          Map.of("reason", "too many health checks waiting for the queue to answer")));
    }
  }

  private boolean isClosed() {
    synchronized (closeLock) {
      return closed;
    }
  }

  /** Stops receiving, deletes what was acked, releases unsettled messages and closes what it owns. */
  @Override
  public void close() {
    shutdown(true);
  }

  /** Closes like a crashed process would: nothing deleted or released (for tests of recovery). */
  void abandon() {
    shutdown(false);
  }

  private void shutdown(boolean graceful) {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      consumer.close(graceful);
      producer.close(graceful ? Duration.ofSeconds(10) : Duration.ZERO);
    } finally {
      healthChecker.shutdownNow();
      clients.close();
      consumer.awaitReceivers(Duration.ofSeconds(5));
    }
  }

  @Override
  public String toString() {
    return "SqsIngestionAdapter{queue=" + clients.queueUrl() + "}";
  }

  /** Builds an {@link SqsIngestionAdapter}; setters reject values out of range, naming the option. */
  public static final class Builder {
    private SqsConnection connection;
    private final ProducerOptions producer = new ProducerOptions();
    private int receiverConcurrency = DEFAULT_RECEIVER_CONCURRENCY;
    private int receiveBatchSize = DEFAULT_RECEIVE_BATCH_SIZE;
    private Duration receiveWait = DEFAULT_RECEIVE_WAIT;
    private Duration visibilityTimeout = DEFAULT_VISIBILITY_TIMEOUT;
    private int bufferCapacity = DEFAULT_BUFFER_CAPACITY;
    private int settlerConcurrency; // 0: as many as receivers, at least the default
    private Duration nackBackoff = DEFAULT_NACK_BACKOFF;
    private Duration maxNackBackoff = DEFAULT_MAX_NACK_BACKOFF;
    private Duration deleteFlushInterval = DEFAULT_DELETE_FLUSH_INTERVAL;
    private String deadLetterQueueUrl;
    private String deadLetterQueueName;
    private long backlogThreshold = DEFAULT_BACKLOG_THRESHOLD;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The queue and how to reach it (required). */
    public Builder connection(SqsConnection connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /** Threads long-polling the queue: 1 to 64 [{@value SqsIngestionAdapter#DEFAULT_RECEIVER_CONCURRENCY}]. */
    public Builder receiverConcurrency(int receiverConcurrency) {
      this.receiverConcurrency = range("receiverConcurrency", receiverConcurrency, 1, 64);
      return this;
    }

    /** Messages asked for per {@code ReceiveMessage}: 1 to 10 [{@value SqsIngestionAdapter#DEFAULT_RECEIVE_BATCH_SIZE}]. */
    public Builder receiveBatchSize(int receiveBatchSize) {
      this.receiveBatchSize = range("receiveBatchSize", receiveBatchSize, 1, 10);
      return this;
    }

    /** Long-poll wait of one receive, whole seconds from 0 to 20 s [20 s]. */
    public Builder receiveWait(Duration receiveWait) {
      this.receiveWait = wholeSeconds("receiveWait", receiveWait, 0, 20);
      return this;
    }

    /** Visibility timeout of received messages, whole seconds from 1 s to 12 h [30 s]. */
    public Builder visibilityTimeout(Duration visibilityTimeout) {
      this.visibilityTimeout = wholeSeconds("visibilityTimeout", visibilityTimeout, 1, 43_200);
      return this;
    }

    /**
     * The receive budget: most messages received and not yet done with (buffered, in the pipeline,
     * or acked and not yet deleted): 1 to 100,000, at least receiveBatchSize [the in-flight window,
     * receiveBatchSize x receiverConcurrency]. A message's permit comes back only once
     * its delete (or visibility change) is answered, so receives never outrun deletes, and a crash
     * re-delivers at most this many messages that were already stored.
     */
    public Builder bufferCapacity(int bufferCapacity) {
      this.bufferCapacity = range("bufferCapacity", bufferCapacity, 1, 100_000);
      return this;
    }

    /**
     * Threads for deletes, visibility changes and dead-lettering: 1 to 64 [as many as
     * receiverConcurrency, at least {@value SqsIngestionAdapter#DEFAULT_SETTLER_CONCURRENCY}].
     */
    public Builder settlerConcurrency(int settlerConcurrency) {
      this.settlerConcurrency = range("settlerConcurrency", settlerConcurrency, 1, 64);
      return this;
    }

    /** Base backoff of a nacked message, whole seconds from 0 to 12 h [1 s]; 0 makes it visible at once. */
    public Builder nackBackoff(Duration nackBackoff) {
      this.nackBackoff = wholeSeconds("nackBackoff", nackBackoff, 0, 43_200);
      return this;
    }

    /** Longest backoff of a nacked message, whole seconds from 0 to 12 h [5 min]. */
    public Builder maxNackBackoff(Duration maxNackBackoff) {
      this.maxNackBackoff = wholeSeconds("maxNackBackoff", maxNackBackoff, 0, 43_200);
      return this;
    }

    /** Longest wait of an acked message before a partial {@code DeleteMessageBatch} is sent: 1 ms to 10 s [20 ms]. */
    public Builder deleteFlushInterval(Duration deleteFlushInterval) {
      Objects.requireNonNull(deleteFlushInterval, "deleteFlushInterval");
      if (deleteFlushInterval.compareTo(Duration.ofMillis(1)) < 0
          || deleteFlushInterval.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("deleteFlushInterval must be between 1ms and 10s, got " + deleteFlushInterval);
      }
      this.deleteFlushInterval = deleteFlushInterval;
      return this;
    }

    /** The queue poison messages are moved to, by URL [none: left to the queue's redrive policy]. */
    public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
      this.deadLetterQueueUrl = nonBlank("deadLetterQueueUrl", deadLetterQueueUrl);
      this.deadLetterQueueName = null;
      return this;
    }

    /** The queue poison messages are moved to, by name (resolved when built) [none]. */
    public Builder deadLetterQueueName(String deadLetterQueueName) {
      this.deadLetterQueueName = nonBlank("deadLetterQueueName", deadLetterQueueName);
      this.deadLetterQueueUrl = null;
      return this;
    }

    /** Backlog above which the health check reports degraded: at least 1 [{@value SqsIngestionAdapter#DEFAULT_BACKLOG_THRESHOLD}]. */
    public Builder backlogThreshold(long backlogThreshold) {
      if (backlogThreshold < 1) {
        throw new IllegalArgumentException("backlogThreshold must be >= 1, got " + backlogThreshold);
      }
      this.backlogThreshold = backlogThreshold;
      return this;
    }

    /** Size limit of one message and of one send request, 1,024 to 1,048,576 bytes [262,144]. */
    public Builder maxMessageBytes(int maxMessageBytes) {
      producer.maxMessageBytes(maxMessageBytes);
      return this;
    }

    /** Entries per {@code SendMessageBatch}: 1 to 10 [10]. */
    public Builder sendBatchSize(int sendBatchSize) {
      producer.sendBatchSize(sendBatchSize);
      return this;
    }

    /** Threads sending to SQS: 1 to 64 [2]. */
    public Builder sendConcurrency(int sendConcurrency) {
      producer.sendConcurrency(sendConcurrency);
      return this;
    }

    /** Send requests that may wait for a sender thread before producers are refused: 1 to 1,000,000 [1,000]. */
    public Builder sendQueueCapacity(int sendQueueCapacity) {
      producer.sendQueueCapacity(sendQueueCapacity);
      return this;
    }

    /** The FIFO message group of an item [its source, or its metric type when it has none]. */
    public Builder messageGroupId(Function<MetricsData, String> messageGroupId) {
      producer.messageGroupId(messageGroupId);
      return this;
    }

    /** The rules items must pass to be sent [{@link MetricsValidator#defaults()}]. */
    public Builder validator(MetricsValidator validator) {
      producer.validator(validator);
      return this;
    }

    /** The clock for ages in health details [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The adapter, receiving at once. Resolves queue names with {@code GetQueueUrl}.
     *
     * @throws IllegalStateException when no connection was given or the buffer is smaller than a receive batch
     * @throws ConfigurationException when a queue cannot be resolved or the connection pool is too small
     */
    public SqsIngestionAdapter build() {
      if (connection == null) {
        throw new IllegalStateException("connection is required: call connection(SqsConnection)");
      }
      if (bufferCapacity == DEFAULT_BUFFER_CAPACITY) {
        bufferCapacity = receiveBatchSize * receiverConcurrency;
      }
      if (bufferCapacity < receiveBatchSize) {
        throw new IllegalStateException("bufferCapacity (" + bufferCapacity + ") must be at least receiveBatchSize ("
            + receiveBatchSize + ")");
      }
      if (receiveWait.compareTo(connection.socketTimeout()) >= 0) {
        throw new IllegalStateException("receiveWait (" + receiveWait + ") must be shorter than the connection's"
            + " socketTimeout (" + connection.socketTimeout() + ")");
      }
      if (settlerConcurrency == 0) {
        settlerConcurrency = Math.max(DEFAULT_SETTLER_CONCURRENCY, receiverConcurrency);
      }
      return new SqsIngestionAdapter(this);
    }

    static int range(String option, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }

    static Duration wholeSeconds(String option, Duration value, long minSeconds, long maxSeconds) {
      Objects.requireNonNull(value, option);
      if (value.toNanos() % 1_000_000_000L != 0 || value.toSeconds() < minSeconds || value.toSeconds() > maxSeconds) {
        throw new IllegalArgumentException(option + " must be whole seconds between " + minSeconds + "s and "
            + maxSeconds + "s, got " + value);
      }
      return value;
    }

    static String nonBlank(String option, String value) {
      Objects.requireNonNull(value, option);
      if (value.isBlank()) {
        throw new IllegalArgumentException(option + " must not be blank");
      }
      return value;
    }
  }
}
