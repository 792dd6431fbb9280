package org.metricspipeline.adapters.sqs;

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
import org.metricspipeline.adapters.sqs.internal.Producer;
import org.metricspipeline.adapters.sqs.internal.ProducerOptions;
import org.metricspipeline.adapters.sqs.internal.QueueHealth;
import org.metricspipeline.adapters.sqs.internal.SqsClients;
import org.metricspipeline.adapters.sqs.internal.Threads;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;

/**
 * Sends metrics to an SQS queue, for services that only produce: the producing side of
 * {@link SqsIngestionAdapter} (same encoding, splitting, batching and per-item results) without
 * receivers.
 *
 * <pre>{@code
 * try (SqsMetricsPublisher publisher = SqsMetricsPublisher.builder()
 *     .connection(SqsConnection.builder().queueName("metrics").build())
 *     .build()) {
 *   MetricsBatchResult result = publisher.publishBatch(items).join();
 * }
 * }</pre>
 *
 * <p>See {@link SqsIngestionAdapter} ("Producing") for the message format, the size limit and how
 * large items are split. Owns its SDK and HTTP clients and its {@code metrics-sqs-send-N} threads;
 * {@link #close()} finishes queued sends (up to 10 s) and closes them.
 */
public final class SqsMetricsPublisher implements AutoCloseable {

  /** Default size limit of one message and of one send request (SQS's classic 256 KiB). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = ProducerOptions.DEFAULT_MAX_MESSAGE_BYTES;

  private final SqsClients clients;
  private final Producer producer;
  private final ThreadPoolExecutor healthChecker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
      new ArrayBlockingQueue<>(4), Threads.factory("health"));
  private final Object closeLock = new Object();
  private boolean closed;

  private SqsMetricsPublisher(Builder b) {
    this.clients = SqsClients.open(b.connection, b.producer.sendConcurrency() + 2, "SQS publisher");
    this.producer = new Producer(clients.client(), clients.queueUrl(), b.producer.settings());
  }

  /** A builder; {@link Builder#connection(SqsConnection)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The queue's URL (resolved from its name when a name was given). */
  public String queueUrl() {
    return clients.queueUrl();
  }

  /** Sends one item; completes once SQS holds every part of it. See {@link SqsIngestionAdapter#ingest}. */
  public CompletableFuture<Void> publish(MetricsData data) {
    if (isClosed()) {
      return CompletableFuture.failedFuture(new MetricsPipelineException("SQS publisher is closed"));
    }
    return producer.send(data);
  }

  /** Sends several items; each failed item is named with its index and reason. */
  public CompletableFuture<MetricsBatchResult> publishBatch(List<MetricsData> batch) {
    if (isClosed()) {
      return CompletableFuture.failedFuture(new MetricsPipelineException("SQS publisher is closed"));
    }
    return producer.sendBatch(batch);
  }

  /** Checks an item against the validator and the message size limit, without sending it. */
  public MetricsValidationResult validate(MetricsData data) {
    Objects.requireNonNull(data, "data");
    return producer.validate(data);
  }

  /** Whether the queue answers, with its {@code backlog} and this publisher's counters. */
  public CompletableFuture<HealthCheckResult> healthCheck() {
    if (isClosed()) {
      return CompletableFuture.completedFuture(HealthCheckResult.unhealthy("SQS publisher is closed"));
    }
    Map<String, Object> local = new LinkedHashMap<>();
    producer.describe(local);
    try {
      return CompletableFuture.supplyAsync(() -> QueueHealth.check(clients.client(), clients.queueUrl(),
          Optional.empty(), Long.MAX_VALUE, local), healthChecker);
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

  /** Finishes queued sends (up to 10 s), then closes the clients and threads. */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      producer.close(Duration.ofSeconds(10));
    } finally {
      healthChecker.shutdownNow();
      clients.close();
    }
  }

  @Override
  public String toString() {
    return "SqsMetricsPublisher{queue=" + clients.queueUrl() + "}";
  }

  /** Builds an {@link SqsMetricsPublisher}; setters reject values out of range, naming the option. */
  public static final class Builder {
    private SqsConnection connection;
    private final ProducerOptions producer = new ProducerOptions();

    private Builder() {}

    /** The queue and how to reach it (required). */
    public Builder connection(SqsConnection connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
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

    /** Send requests that may wait for a sender thread before callers are refused: 1 to 1,000,000 [1,000]. */
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

    /**
     * The publisher. Resolves a queue name with {@code GetQueueUrl}.
     *
     * @throws IllegalStateException when no connection was given
     * @throws org.metricspipeline.api.ConfigurationException when the queue cannot be resolved
     */
    public SqsMetricsPublisher build() {
      if (connection == null) {
        throw new IllegalStateException("connection is required: call connection(SqsConnection)");
      }
      return new SqsMetricsPublisher(this);
    }
  }
}
