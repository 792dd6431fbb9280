package org.metricspipeline.adapters.sqs.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.core.internal.channel.LongPollQueue;
import org.metricspipeline.core.internal.channel.SettleOnceDelivery;
import org.metricspipeline.core.internal.RepeatedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The consuming side: receiver threads long-poll the queue into a bounded buffer, {@link #poll}
 * hands buffered messages out as deliveries, and settlements become batched deletes, visibility
 * changes or dead-letter moves on the settler threads. A timer extends the visibility of every
 * delivery not settled yet before it expires.
 *
 * <p>The receive budget ({@code bufferCapacity} permits) counts every message from its receive until
 * the queue is done with it: buffered, delivered to the pipeline, and acked but not yet deleted. A
 * permit comes back only when the delete (or visibility change, or dead-letter move) has been
 * answered, so receivers can never outrun deletes, and a crash re-delivers at most
 * {@code bufferCapacity} messages that were already stored.
 */
public final class Consumer {

  /** Settings of the consuming side. */
  public record Settings(int receiverConcurrency, int receiveBatchSize, Duration receiveWait,
      Duration visibilityTimeout, int bufferCapacity, int settlerConcurrency, Duration nackBackoff,
      Duration maxNackBackoff, Optional<String> deadLetterQueueUrl, Duration ackFlushInterval) {
    /** Checks presence. */
    public Settings {
      Objects.requireNonNull(receiveWait, "receiveWait");
      Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
      Objects.requireNonNull(nackBackoff, "nackBackoff");
      Objects.requireNonNull(maxNackBackoff, "maxNackBackoff");
      Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
      Objects.requireNonNull(ackFlushInterval, "ackFlushInterval");
    }
  }

  /** Message attribute naming why a message was moved to the dead letter queue. */
  public static final String REASON_ATTRIBUTE = "metrics-reject-reason";
  /** Message attribute naming the queue a dead-lettered message came from. */
  public static final String SOURCE_QUEUE_ATTRIBUTE = "metrics-source-queue";
  /** Message attribute with the id the message had in its source queue. */
  public static final String MESSAGE_ID_ATTRIBUTE = "metrics-original-message-id";
  /** Message attribute with how often the source queue had delivered the message. */
  public static final String RECEIVE_COUNT_ATTRIBUTE = "metrics-receive-count";

  private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
  private final RepeatedLog failureLog = new RepeatedLog(LOG);
  private static final int SQS_BATCH = 10;
  private static final int MAX_REASON_CHARS = 1024;
  private static final int SETTLE_QUEUE_CAPACITY = 100_000;
  private static final long MAX_VISIBILITY_SECONDS = 43_200;

  private final SqsClient client;
  private final String queueUrl;
  private final Settings settings;
  private final Clock clock;
  private final int visibilitySeconds;
  private final long visibilityNanos;
  private final Semaphore room;
  private final Thread[] receivers;
  private final ScheduledThreadPoolExecutor timer;
  private final ThreadPoolExecutor settlers;
  private final ReceiveMessageRequest receiveRequest;

  // Received messages waiting for a poll; bounded by room, so unbounded itself.
  private final LongPollQueue<SqsDelivery> buffer;
  private volatile boolean closed;

  private final Set<SqsDelivery> unsettled = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<SqsDelivery> toDelete = new ConcurrentLinkedQueue<>();
  private final AtomicInteger toDeleteCount = new AtomicInteger();
  private final AtomicBoolean extending = new AtomicBoolean();
  private final CountDownLatch stopSignal = new CountDownLatch(1);

  private final LongAdder received = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private final LongAdder deleteFailures = new LongAdder();
  private final LongAdder nacked = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder leftToRedrive = new LongAdder();
  private final LongAdder extended = new LongAdder();
  private final LongAdder extendFailures = new LongAdder();
  private final LongAdder receiveFailures = new LongAdder();

  /** A consumer of {@code queueUrl}; call {@link #start()} to begin receiving. */
  public Consumer(SqsClient client, String queueUrl, Settings settings, Clock clock) {
    this.client = client;
    this.queueUrl = queueUrl;
    this.settings = settings;
    this.clock = clock;
    this.visibilitySeconds = (int) Math.max(1, settings.visibilityTimeout().toSeconds());
    this.visibilityNanos = TimeUnit.SECONDS.toNanos(visibilitySeconds);
    this.room = new Semaphore(settings.bufferCapacity());
    this.receivers = new Thread[settings.receiverConcurrency()];
    for (int i = 0; i < receivers.length; i++) {
      receivers[i] = Threads.named("receive", i + 1, this::receiveLoop);
    }
    this.timer = new ScheduledThreadPoolExecutor(1, Threads.factory("timer"));
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.settlers = new ThreadPoolExecutor(settings.settlerConcurrency(), settings.settlerConcurrency(), 0,
        TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(SETTLE_QUEUE_CAPACITY), Threads.factory("settle"));
    // a delivery's receive permit comes back once the queue answered its settlement (freeRoom), not
    // when it is handed out, so receivers never outrun deletes
    this.buffer = new LongPollQueue<>(Integer.MAX_VALUE, timer, taken -> delivered.add(taken.size()));
    this.receiveRequest = ReceiveMessageRequest.builder()
        .queueUrl(queueUrl)
        .maxNumberOfMessages(settings.receiveBatchSize())
        .waitTimeSeconds((int) settings.receiveWait().toSeconds())
        .visibilityTimeout(visibilitySeconds)
        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
            MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.MESSAGE_GROUP_ID)
        .build();
  }

  /** Starts the receivers, the visibility heartbeat and the periodic delete flush. */
  public void start() {
    for (Thread t : receivers) {
      t.start();
    }
    long heartbeat = Math.max(TimeUnit.MILLISECONDS.toNanos(100), visibilityNanos / 4);
    timer.scheduleWithFixedDelay(() -> runOnSettler(this::extendDue, false), heartbeat, heartbeat,
        TimeUnit.NANOSECONDS);
    long flush = settings.ackFlushInterval().toNanos();
    timer.scheduleWithFixedDelay(() -> {
      if (toDeleteCount.get() > 0) {
        runOnSettler(() -> flushDeletes(true), false);
      }
    }, flush, flush, TimeUnit.NANOSECONDS);
  }

  // ---- receiving ------------------------------------------------------------------------------

  private void receiveLoop() {
    int batch = settings.receiveBatchSize();
    long failures = 0;
    while (!closed) {
      try {
        if (!room.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
      } catch (InterruptedException e) {
        continue;
      }
      // Ask for as many messages as the buffer has room for, up to a full batch.
      int permits = 1;
      while (permits < batch && room.tryAcquire()) {
        permits++;
      }
      ReceiveMessageRequest request = permits == batch ? receiveRequest
          : receiveRequest.toBuilder().maxNumberOfMessages(permits).build();
      List<Message> messages;
      try {
        messages = client.receiveMessage(request).messages();
        failures = 0;
      } catch (RuntimeException e) {
        room.release(permits);
        if (closed) {
          return;
        }
        receiveFailures.increment();
        failures++;
        failureLog.warn("receive", "receiving from {} failed ({} time(s) in a row): {}", queueUrl, failures,
            e.toString());
        awaitStop(Duration.ofMillis(Math.min(5_000, 100L << Math.min(failures, 6))));
        continue;
      }
      long now = System.nanoTime();
      List<SqsDelivery> good = new ArrayList<>(messages.size());
      for (Message m : messages) {
        received.increment();
        MetricsData data;
        try {
          data = MetricsJson.decode(m.body());
        } catch (MetricsValidationException e) {
          undecodable.increment();
          SqsDelivery poison = new SqsDelivery(m, null, now);
          poison.settle(); // never handed out: settled here, by the dead-letter move
          poison.holdsRoom.set(false); // its permit is released below
          runOnSettler(() -> deadLetter(poison, "not metrics JSON: " + e.getMessage()), true);
          continue;
        }
        good.add(new SqsDelivery(m, data, now));
      }
      room.release(permits - good.size());
      if (!good.isEmpty()) {
        unsettled.addAll(good);
        offer(good);
      }
    }
  }

  private void offer(List<SqsDelivery> deliveries) {
    if (buffer.offerAll(deliveries) == LongPollQueue.Offer.ACCEPTED) {
      return;
    }
    // Closed while this receive was under way: give the messages back at once.
    deliveries.forEach(SqsDelivery::freeRoom);
    unsettled.removeAll(deliveries);
    changeVisibility(new ArrayList<>(deliveries), 0);
  }

  /** Up to {@code max} buffered deliveries, waiting up to {@code maxWait} for the first. */
  public CompletableFuture<List<Delivery>> poll(int max, Duration maxWait) {
    return buffer.poll(max, maxWait);
  }

  // ---- settling -------------------------------------------------------------------------------

  /** A delivery the pipeline settled: no longer extended, and no longer taking its place. */
  private void settled(SqsDelivery d) {
    unsettled.remove(d);
    buffer.release();
  }

  private void ack(SqsDelivery d) {
    acked.increment();
    toDelete.add(d);
    // Delete promptly: the first ack after an empty queue starts a flush of everything waiting, and
    // every further full batch another one, so an acked message waits for a delete call, not for 10.
    int waiting = toDeleteCount.incrementAndGet();
    if (waiting == 1 || waiting % SQS_BATCH == 0) {
      runOnSettler(() -> flushDeletes(waiting == 1), true);
    }
  }

  private void nack(SqsDelivery d, String reason) {
    nacked.increment();
    int receiveCount = d.receiveCount();
    long delay = settings.nackBackoff().toSeconds() << Math.min(20, Math.max(0, receiveCount - 1));
    int seconds = (int) Math.min(Math.min(delay, settings.maxNackBackoff().toSeconds()), MAX_VISIBILITY_SECONDS);
    LOG.debug("message {} nacked ({}), visible again in {} s", d.message.messageId(), reason, seconds);
    runOnSettler(() -> {
      try {
        changeVisibility(List.of(d), seconds);
      } finally {
        d.freeRoom();
      }
    }, true);
  }

  private void reject(SqsDelivery d, MetricsValidationResult reason) {
    rejected.increment();
    runOnSettler(() -> {
      try {
        deadLetter(d, "invalid metrics: " + reason.describe());
      } finally {
        d.freeRoom();
      }
    }, true);
  }

  /** Deletes acked messages: one batch, or everything waiting when {@code all}. */
  private void flushDeletes(boolean all) {
    do {
      List<SqsDelivery> batch = new ArrayList<>(SQS_BATCH);
      SqsDelivery d;
      while (batch.size() < SQS_BATCH && (d = toDelete.poll()) != null) {
        batch.add(d);
      }
      if (batch.isEmpty()) {
        return;
      }
      toDeleteCount.addAndGet(-batch.size());
      deleteBatch(batch);
    } while (all);
  }

  private void deleteBatch(List<SqsDelivery> batch) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
          .receiptHandle(batch.get(i).message.receiptHandle()).build());
    }
    try {
      DeleteMessageBatchResponse response = client.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      deleted.add(response.successful().size());
      if (!response.failed().isEmpty()) {
        deleteFailures.add(response.failed().size());
        BatchResultErrorEntry first = response.failed().get(0);
        failureLog.warn("delete-refused", "SQS did not delete {} acked message(s) (they will be delivered again): {}: {}",
            response.failed().size(), first.code(), first.message());
      }
    } catch (RuntimeException e) {
      deleteFailures.add(batch.size());
      failureLog.warn("delete", "deleting {} acked message(s) failed (they will be delivered again): {}",
          batch.size(), e.toString());
    } finally {
      // Answered either way: a message not deleted comes back through the queue, not this budget.
      batch.forEach(SqsDelivery::freeRoom);
    }
  }

  /** Sets the visibility timeout of the given messages, in batches of 10; returns those it failed on. */
  private List<SqsDelivery> changeVisibility(List<SqsDelivery> deliveries, int seconds) {
    List<SqsDelivery> failed = new ArrayList<>();
    for (int from = 0; from < deliveries.size(); from += SQS_BATCH) {
      List<SqsDelivery> batch = deliveries.subList(from, Math.min(deliveries.size(), from + SQS_BATCH));
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
            .receiptHandle(batch.get(i).message.receiptHandle()).visibilityTimeout(seconds).build());
      }
      try {
        ChangeMessageVisibilityBatchResponse response =
            client.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
        for (BatchResultErrorEntry f : response.failed()) {
          failed.add(batch.get(Integer.parseInt(f.id())));
          LOG.debug("changing the visibility of {} failed: {}: {}",
              batch.get(Integer.parseInt(f.id())).message.messageId(), f.code(), f.message());
        }
      } catch (RuntimeException e) {
        failed.addAll(batch);
        if (!closed) {
          LOG.warn("changing the visibility of {} message(s) failed: {}", batch.size(), e.toString());
        }
      }
    }
    return failed;
  }

  /** Extends the visibility of every unsettled delivery that has less than half its timeout left. */
  private void extendDue() {
    if (!extending.compareAndSet(false, true)) {
      return;
    }
    try {
      long now = System.nanoTime();
      List<SqsDelivery> due = new ArrayList<>();
      for (SqsDelivery d : unsettled) {
        if (!d.isSettled() && d.visibleUntil - now < visibilityNanos / 2) {
          due.add(d);
        }
      }
      if (due.isEmpty()) {
        return;
      }
      List<SqsDelivery> failed = changeVisibility(due, visibilitySeconds);
      for (SqsDelivery d : due) {
        if (!failed.contains(d)) {
          d.visibleUntil = now + visibilityNanos;
        }
      }
      extended.add(due.size() - failed.size());
      if (!failed.isEmpty()) {
        extendFailures.add(failed.size());
        // Their receipt is no longer valid: the queue has offered them again; stop extending them.
        unsettled.removeAll(failed);
      }
    } finally {
      extending.set(false);
    }
  }

  /**
   * Moves a poison message to the dead letter queue with the reason attached and deletes it, or,
   * without one, leaves it for the queue's redrive policy.
   */
  private void deadLetter(SqsDelivery d, String reason) {
    unsettled.remove(d);
    Message m = d.message;
    String shortReason = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS - 3) + "..." : reason;
    if (settings.deadLetterQueueUrl().isEmpty()) {
      leftToRedrive.increment();
      LOG.warn("poison message {} left to the queue's redrive policy (no dead letter queue configured): {}",
          m.messageId(), shortReason);
      return;
    }
    String dlq = settings.deadLetterQueueUrl().get();
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    attributes.put(REASON_ATTRIBUTE, text(shortReason));
    attributes.put(SOURCE_QUEUE_ATTRIBUTE, text(queueUrl));
    attributes.put(MESSAGE_ID_ATTRIBUTE, text(m.messageId()));
    attributes.put(RECEIVE_COUNT_ATTRIBUTE, MessageAttributeValue.builder().dataType("Number")
        .stringValue(Integer.toString(d.receiveCount())).build());
    try {
      client.sendMessage(b -> {
        b.queueUrl(dlq).messageBody(m.body()).messageAttributes(attributes);
        if (SqsClients.isFifo(dlq)) {
          String group = m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
          b.messageGroupId(group == null || group.isEmpty() ? "poison" : group).messageDeduplicationId(m.messageId());
        }
      });
      client.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      deadLettered.increment();
      LOG.warn("poison message {} moved to the dead letter queue: {}", m.messageId(), shortReason);
    } catch (RuntimeException e) {
      LOG.warn("moving poison message {} to the dead letter queue failed; it will be received again: {}",
          m.messageId(), e.toString());
    }
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value.isEmpty() ? "-" : value).build();
  }

  /** Runs a task on a settler thread; when they are saturated, inline (when allowed) or not at all. */
  private void runOnSettler(Runnable task, boolean inlineWhenFull) {
    try {
      settlers.execute(task);
    } catch (RejectedExecutionException e) {
      if (inlineWhenFull) {
        task.run();
      }
    }
  }

  private void awaitStop(Duration pause) {
    try {
      stopSignal.await(pause.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      // owned thread; the loop re-checks closed
    }
  }

  // ---- health and closing ---------------------------------------------------------------------

  /** Counters for health details. */
  public void describe(Map<String, Object> details) {
    details.put("buffered", buffer.queued());
    details.put("buffer_capacity", settings.bufferCapacity());
    details.put("not_deleted", settings.bufferCapacity() - room.availablePermits());
    details.put("awaiting_delete", toDeleteCount.get());
    details.put("unsettled", unsettled.size());
    long oldestSent = Long.MAX_VALUE;
    for (SqsDelivery d : unsettled) {
      oldestSent = Math.min(oldestSent, d.sentTimestamp());
    }
    if (oldestSent != Long.MAX_VALUE && oldestSent > 0) {
      details.put("oldest_unsettled_age_ms", Math.max(0, clock.millis() - oldestSent));
    }
    details.put("received", received.sum());
    details.put("delivered", delivered.sum());
    details.put("acked", acked.sum());
    details.put("deleted", deleted.sum());
    details.put("delete_failures", deleteFailures.sum());
    details.put("nacked", nacked.sum());
    details.put("rejected", rejected.sum());
    details.put("undecodable", undecodable.sum());
    details.put("dead_lettered", deadLettered.sum());
    details.put("left_to_redrive", leftToRedrive.sum());
    details.put("visibility_extended", extended.sum());
    details.put("visibility_extend_failures", extendFailures.sum());
    details.put("receive_failures", receiveFailures.sum());
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops receiving. With {@code graceful}, deletes what was acked and makes buffered and unsettled
   * messages visible again at once; without, leaves everything to the visibility timeout (as a
   * crashed process would). The SDK client is closed afterwards by the owner, which also ends
   * receives still waiting.
   */
  public void close(boolean graceful) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    buffer.close(); // answers waiting polls empty; later receives give their messages back
    List<SqsDelivery> release = buffer.drain();
    for (SqsDelivery d : release) {
      d.settle();
      unsettled.remove(d);
    }
    stopSignal.countDown();
    timer.shutdownNow();
    if (graceful) {
      settlers.shutdown();
      awaitQuietly(settlers, Duration.ofSeconds(10));
      flushDeletes(true);
      for (SqsDelivery d : unsettled) {
        if (d.settle()) { // claimed: a late settlement of the pipeline is ignored
          release.add(d);
        }
      }
      unsettled.clear();
      if (!release.isEmpty()) {
        List<SqsDelivery> failed = changeVisibility(release, 0);
        LOG.debug("released {} unsettled message(s) on close ({} could not be released)", release.size(), failed.size());
      }
    } else {
      settlers.shutdownNow();
    }
  }

  /** Waits for the receiver threads to end (after the client was closed). */
  public void awaitReceivers(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    for (Thread t : receivers) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void awaitQuietly(ThreadPoolExecutor executor, Duration wait) {
    try {
      if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** One received message; the first settlement wins. */
  private final class SqsDelivery extends SettleOnceDelivery {
    final Message message;
    final MetricsData data;
    final AtomicBoolean holdsRoom = new AtomicBoolean(true);
    volatile long visibleUntil;

    SqsDelivery(Message message, MetricsData data, long receivedAtNanos) {
      this.message = message;
      this.data = data;
      this.visibleUntil = receivedAtNanos + visibilityNanos;
    }

    /** Gives this message's receive permit back, once. */
    void freeRoom() {
      if (holdsRoom.compareAndSet(true, false)) {
        room.release();
      }
    }

    int receiveCount() {
      String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
      try {
        return count == null ? 1 : Integer.parseInt(count);
      } catch (NumberFormatException e) {
        return 1;
      }
    }

    long sentTimestamp() {
      String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
      try {
        return sent == null ? 0 : Long.parseLong(sent);
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    @Override
    public MetricsData data() {
      return data;
    }

    /** While the receive budget is spent, the receivers wait for this delivery's settlement. */
    @Override
    public boolean awaited() {
      return room.availablePermits() < settings.receiveBatchSize();
    }

    @Override
    protected void onAck() {
      settled(this);
      Consumer.this.ack(this);
    }

    @Override
    protected void onNack(String reason) {
      settled(this);
      Consumer.this.nack(this, reason);
    }

    @Override
    protected void onReject(MetricsValidationResult reason) {
      settled(this);
      Consumer.this.reject(this, reason);
    }

    @Override
    public String toString() {
      return "SqsDelivery{" + message.messageId() + "}";
    }
  }
}
