package org.metricspipeline.adapters.sqs.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidator;

/**
 * The producing options both public builders offer, with their checks in one place (the builders'
 * setters delegate here).
 */
public final class ProducerOptions {

  /** SQS's classic message size limit (256 KiB), also the limit of one batch request's total. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 262_144;
  /** SQS's current largest message (1 MiB). */
  public static final int MAX_MESSAGE_BYTES = 1_048_576;
  /** Smallest message size limit accepted. */
  public static final int MIN_MESSAGE_BYTES = 1_024;
  /** SQS's most entries in one batch request. */
  public static final int MAX_BATCH_SIZE = 10;
  /** Default sender threads. */
  public static final int DEFAULT_SEND_CONCURRENCY = 2;
  /** Default most send requests queued for the sender threads. */
  public static final int DEFAULT_SEND_QUEUE_CAPACITY = 1_000;
  /** Default wait suggested to producers refused because the send queue is full. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofMillis(100);

  private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private int sendBatchSize = MAX_BATCH_SIZE;
  private int sendConcurrency = DEFAULT_SEND_CONCURRENCY;
  private int sendQueueCapacity = DEFAULT_SEND_QUEUE_CAPACITY;
  private MetricsValidator validator = MetricsValidator.defaults();
  private Function<MetricsData, String> messageGroupId = ProducerOptions::sourceOrMetricType;

  /** The default FIFO message group: the item's source, or its metric type when it has none. */
  public static String sourceOrMetricType(MetricsData item) {
    return item.source().isEmpty() ? item.metricType() : item.source();
  }

  /** Sets the size limit of one message and of one batch request. */
  public void maxMessageBytes(int value) {
    if (value < MIN_MESSAGE_BYTES || value > MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException("maxMessageBytes must be between " + MIN_MESSAGE_BYTES + " and "
          + MAX_MESSAGE_BYTES + ", got " + value);
    }
    this.maxMessageBytes = value;
  }

  /** Sets the entries per {@code SendMessageBatch}. */
  public void sendBatchSize(int value) {
    if (value < 1 || value > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException("sendBatchSize must be between 1 and " + MAX_BATCH_SIZE + ", got " + value);
    }
    this.sendBatchSize = value;
  }

  /** Sets the sender threads. */
  public void sendConcurrency(int value) {
    if (value < 1 || value > 64) {
      throw new IllegalArgumentException("sendConcurrency must be between 1 and 64, got " + value);
    }
    this.sendConcurrency = value;
  }

  /** Sets the most queued send requests. */
  public void sendQueueCapacity(int value) {
    if (value < 1 || value > 1_000_000) {
      throw new IllegalArgumentException("sendQueueCapacity must be between 1 and 1000000, got " + value);
    }
    this.sendQueueCapacity = value;
  }

  /** Sets the validator. */
  public void validator(MetricsValidator value) {
    this.validator = Objects.requireNonNull(value, "validator");
  }

  /** Sets how FIFO message group ids are derived. */
  public void messageGroupId(Function<MetricsData, String> value) {
    this.messageGroupId = Objects.requireNonNull(value, "messageGroupId");
  }

  /** The sender threads. */
  public int sendConcurrency() {
    return sendConcurrency;
  }

  /** The settings for a {@link Producer}. */
  public Producer.Settings settings() {
    return new Producer.Settings(maxMessageBytes, sendBatchSize, sendConcurrency, sendQueueCapacity, validator,
        messageGroupId, DEFAULT_RETRY_AFTER);
  }
}
