package org.metricspipeline.adapters.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.metricspipeline.adapters.kafka.KafkaHeaders;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.MetricsValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consuming side: one named poll thread owns the {@link KafkaConsumer} (it is single-threaded),
 * fetches into a bounded buffer, pauses partitions when the buffer or a partition's unsettled
 * records reach their limits, commits each partition's offset up to its first unstored record,
 * seeks back to nacked records after their backoff, and on rebalance waits for the records it
 * handed out, commits what is stored and lets the rest go.
 */
public final class ConsumerLoop implements ConsumerRebalanceListener {

  /** Settings of the consuming side. */
  public record Settings(Map<String, Object> consumerProperties, List<String> topics, Optional<Pattern> topicPattern,
      String groupId, int bufferCapacity, int maxUnsettledPerPartition, Duration pollTimeout,
      Duration commitInterval, Duration nackBackoff, Duration maxNackBackoff, Duration revokeTimeout,
      Function<String, String> deadLetterTopic, Duration closeTimeout) {
    /** Checks presence. */
    public Settings {
      Objects.requireNonNull(consumerProperties, "consumerProperties");
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(topicPattern, "topicPattern");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final int MAX_REASON_CHARS = 1024;

  private final Settings settings;
  private final RecordCodec codec;
  private final java.util.function.Supplier<KafkaProducer<byte[], byte[]>> deadLetters;
  private final Clock clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final ScheduledThreadPoolExecutor timer;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when the pipeline's polls have taken the buffer down to half its capacity, and on close. */
  private final Condition room = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<KafkaDelivery> buffer = new ArrayDeque<>();
  private final ArrayDeque<PendingPoll> pendingPolls = new ArrayDeque<>();
  private volatile boolean closed;
  private final java.util.concurrent.CountDownLatch stopSignal = new java.util.concurrent.CountDownLatch(1);

  // Poll thread only (trackers map is read by health too).
  private final Map<TopicPartition, PartitionTracker> trackers = new ConcurrentHashMap<>();
  private final Set<TopicPartition> pausedByUs = new HashSet<>();
  private long nextCommitMillis;
  private volatile int assigned;
  private volatile int paused;
  private volatile String lastPollError = "";

  private final LongAdder fetched = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder nacked = new LongAdder();
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder deadLetterFailures = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private final LongAdder commitFailures = new LongAdder();
  private final LongAdder rebalances = new LongAdder();
  private final LongAdder pauses = new LongAdder();

  /** A loop with its own consumer; {@link #start()} subscribes and begins polling. */
  public ConsumerLoop(Settings settings, RecordCodec codec,
      java.util.function.Supplier<KafkaProducer<byte[], byte[]>> deadLetters, Clock clock) {
    this.settings = settings;
    this.codec = codec;
    this.deadLetters = deadLetters;
    this.clock = clock;
    Map<String, Object> p = new HashMap<>(settings.consumerProperties());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = Threads.named("poll", 1, this::run);
    this.timer = new ScheduledThreadPoolExecutor(1, Threads.factory("timer"));
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Starts the poll thread. */
  public void start() {
    thread.start();
  }

  // ---- the poll thread ------------------------------------------------------------------------

  private void run() {
    try {
      if (settings.topicPattern().isPresent()) {
        consumer.subscribe(settings.topicPattern().get(), this);
      } else {
        consumer.subscribe(settings.topics(), this);
      }
      long failures = 0;
      while (!closed) {
        try {
          boolean full = applyPauses();
          if (full) {
            // Every partition is paused for the buffer: a poll would only wait out its timeout.
            // Wait for the pipeline to take records instead, then resume at once.
            awaitRoom();
            full = applyPauses();
          }
          // A full buffer still polls (without waiting): rebalances, commit callbacks, liveness.
          ConsumerRecords<byte[], byte[]> records = consumer.poll(full ? Duration.ZERO : settings.pollTimeout());
          failures = 0;
          lastPollError = "";
          if (!records.isEmpty()) {
            take(records);
          }
          maybeCommit(false);
        } catch (WakeupException | InterruptException e) {
          // close() wakes the loop up; the while condition decides
        } catch (KafkaException e) {
          failures++;
          lastPollError = e.toString();
          if (failures == 1 || failures % 100 == 0) {
            LOG.warn("polling Kafka failed ({} time(s) in a row): {}", failures, e.toString());
          }
          pause(Math.min(5_000, 100L << Math.min(failures, 6)));
        }
      }
    } catch (RuntimeException e) {
      LOG.error("the Kafka poll loop stopped", e);
    } finally {
      finish();
    }
  }

  /** Waits up to the poll timeout until the buffer is down to half its capacity or the loop closes. */
  private void awaitRoom() {
    long nanos = settings.pollTimeout().toNanos();
    lock.lock();
    try {
      while (!closed && buffer.size() > settings.bufferCapacity() / 2 && nanos > 0) {
        nanos = room.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      // owned thread; the loop re-checks closed
    } finally {
      lock.unlock();
    }
  }

  private void pause(long millis) {
    try {
      stopSignal.await(millis, TimeUnit.MILLISECONDS); // close() ends the wait at once
    } catch (InterruptedException e) {
      // owned thread; the loop re-checks closed
    }
  }

  private void take(ConsumerRecords<byte[], byte[]> records) {
    List<KafkaDelivery> fresh = new ArrayList<>(records.count());
    for (TopicPartition tp : records.partitions()) {
      PartitionTracker tracker = trackers.computeIfAbsent(tp, PartitionTracker::new);
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        fetched.increment();
        PartitionTracker.Entry e = tracker.fetched(r.offset());
        if (e != null) {
          fresh.add(new KafkaDelivery(r, tracker, e, this));
        }
      }
    }
    offer(fresh, false);
  }

  /** Buffers deliveries (at the front: nacked ones come before newer records) and serves waiting polls. */
  private void offer(List<KafkaDelivery> fresh, boolean front) {
    if (fresh.isEmpty()) {
      return;
    }
    List<PendingPoll> served = new ArrayList<>();
    List<List<KafkaDelivery>> answers = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        fresh.forEach(d -> d.tracker.release(d.entry)); // read again by the partition's next owner
        return;
      }
      if (front) {
        for (int i = fresh.size() - 1; i >= 0; i--) {
          buffer.addFirst(fresh.get(i));
        }
      } else {
        buffer.addAll(fresh);
      }
      while (!pendingPolls.isEmpty() && !buffer.isEmpty()) {
        PendingPoll p = pendingPolls.pollFirst();
        served.add(p);
        answers.add(takeLocked(p.max));
      }
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < served.size(); i++) {
      PendingPoll p = served.get(i);
      if (p.timeout != null) {
        p.timeout.cancel(false);
      }
      p.future.complete(decode(answers.get(i)));
    }
  }

  /**
   * Pauses every partition while the buffer is full, and each partition holding too many unsettled
   * records; returns whether every partition is paused for the full buffer.
   */
  private boolean applyPauses() {
    Set<TopicPartition> assignment = consumer.assignment();
    assigned = assignment.size();
    int buffered;
    lock.lock();
    try {
      buffered = buffer.size();
    } finally {
      lock.unlock();
    }
    boolean full = buffered >= settings.bufferCapacity()
        || (!pausedByUs.isEmpty() && pausedByUs.containsAll(assignment) && buffered > settings.bufferCapacity() / 2);
    Set<TopicPartition> want = new HashSet<>();
    for (TopicPartition tp : assignment) {
      PartitionTracker t = trackers.get(tp);
      if (full || (t != null && t.held() >= settings.maxUnsettledPerPartition())) {
        want.add(tp);
      }
    }
    Set<TopicPartition> toPause = new HashSet<>(want);
    toPause.removeAll(pausedByUs);
    Set<TopicPartition> toResume = new HashSet<>(pausedByUs);
    toResume.removeAll(want);
    toResume.retainAll(assignment);
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
      pauses.add(toPause.size());
    }
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
    }
    pausedByUs.clear();
    pausedByUs.addAll(want);
    paused = want.size();
    return full && !assignment.isEmpty();
  }

  private void maybeCommit(boolean sync) {
    long now = clock.millis();
    if (!sync && now < nextCommitMillis) {
      return;
    }
    nextCommitMillis = now + settings.commitInterval().toMillis();
    commit(trackers.values(), sync);
  }

  private void commit(Collection<PartitionTracker> which, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TopicPartition, PartitionTracker> by = new HashMap<>();
    for (PartitionTracker t : which) {
      if (t.isDetached()) {
        continue;
      }
      long c = t.commitDue();
      if (c >= 0) {
        offsets.put(t.partition(), new OffsetAndMetadata(c));
        by.put(t.partition(), t);
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    if (sync) {
      try {
        consumer.commitSync(offsets, clientTimeout());
        offsets.forEach((tp, o) -> by.get(tp).committed(o.offset()));
        commits.increment();
      } catch (KafkaException e) {
        commitFailures.increment();
        LOG.warn("committing offsets {} failed (those records may be read again): {}", offsets, e.toString());
      }
    } else {
      consumer.commitAsync(offsets, (done, error) -> {
        if (error == null) {
          done.forEach((tp, o) -> by.get(tp).committed(o.offset()));
          commits.increment();
        } else {
          commitFailures.increment();
          LOG.debug("committing offsets failed (retried with the next commit): {}", error.toString());
        }
      });
    }
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    rebalances.increment();
    List<PartitionTracker> revoked = releaseBuffered(partitions);
    // Finish what the pipeline holds: wait (bounded) for it to be stored, then commit it.
    long deadline = clock.millis() + settings.revokeTimeout().toMillis();
    for (PartitionTracker t : revoked) {
      t.awaitSettled(Math.max(0, deadline - clock.millis()));
    }
    commit(revoked, true);
    for (PartitionTracker t : revoked) {
      t.detach();
      trackers.remove(t.partition());
      pausedByUs.remove(t.partition());
    }
    LOG.debug("partitions revoked: {}", partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    rebalances.increment();
    for (PartitionTracker t : releaseBuffered(partitions)) {
      t.detach();
      trackers.remove(t.partition());
      pausedByUs.remove(t.partition());
    }
    LOG.info("partitions lost (their records will be read again by their new owner): {}", partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    LOG.debug("partitions assigned: {}", partitions);
  }

  /** Drops buffered records of these partitions (their new owner reads them) and returns their trackers. */
  private List<PartitionTracker> releaseBuffered(Collection<TopicPartition> partitions) {
    Set<TopicPartition> set = new HashSet<>(partitions);
    lock.lock();
    try {
      Iterator<KafkaDelivery> it = buffer.iterator();
      while (it.hasNext()) {
        KafkaDelivery d = it.next();
        if (set.contains(d.tracker.partition())) {
          it.remove();
          d.settle();
          d.tracker.release(d.entry);
        }
      }
    } finally {
      lock.unlock();
    }
    List<PartitionTracker> out = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      PartitionTracker t = trackers.get(tp);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  private void finish() {
    try {
      releaseBuffered(new ArrayList<>(trackers.keySet()));
      long deadline = clock.millis() + settings.closeTimeout().toMillis();
      for (PartitionTracker t : trackers.values()) {
        t.awaitSettled(Math.max(0, deadline - clock.millis()));
      }
      commit(trackers.values(), true);
    } catch (RuntimeException e) {
      LOG.warn("committing on close failed: {}", e.toString());
    } finally {
      try {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(clientTimeout()));
      } catch (RuntimeException e) {
        LOG.debug("closing the consumer failed: {}", e.toString());
      }
    }
  }

  /** The wait of a synchronous commit and of leaving the group: at least 5 s, so a short close timeout still commits. */
  private Duration clientTimeout() {
    Duration min = Duration.ofSeconds(5);
    return settings.closeTimeout().compareTo(min) > 0 ? settings.closeTimeout() : min;
  }

  // ---- the pipeline's side ----------------------------------------------------------------------

  /** Up to {@code max} buffered records, decoded, waiting up to {@code maxWait} for the first. */
  public CompletableFuture<List<Delivery>> poll(int max, Duration maxWait) {
    List<KafkaDelivery> answer;
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.completedFuture(List.of());
      }
      // Buffered records go to whoever asks: waiting polls are served when records arrive, so a
      // poll must not queue behind them while records wait (they would starve until the next fetch).
      if (buffer.isEmpty()) {
        if (maxWait.isZero()) {
          return CompletableFuture.completedFuture(List.of());
        }
        PendingPoll p = new PendingPoll(max);
        pendingPolls.addLast(p);
        long nanos = Math.min(maxWait.toNanos(), TimeUnit.DAYS.toNanos(1));
        p.timeout = timer.schedule(() -> expire(p), nanos, TimeUnit.NANOSECONDS);
        return p.future;
      }
      answer = takeLocked(max);
    } finally {
      lock.unlock();
    }
    return CompletableFuture.completedFuture(decode(answer));
  }

  private List<KafkaDelivery> takeLocked(int max) {
    int n = Math.min(max, buffer.size());
    List<KafkaDelivery> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(buffer.pollFirst());
    }
    if (n > 0 && buffer.size() <= settings.bufferCapacity() / 2) {
      room.signal();
    }
    return out;
  }

  /** Decodes on the caller's thread; a record that does not decode goes to the dead-letter topic. */
  private List<Delivery> decode(List<KafkaDelivery> taken) {
    List<Delivery> out = new ArrayList<>(taken.size());
    for (KafkaDelivery d : taken) {
      try {
        d.data = codec.decode(d.record.headers(), d.record.value());
        out.add(d);
      } catch (MetricsValidationException e) {
        undecodable.increment();
        if (d.settle()) {
          deadLetter(d, "not decodable: " + e.getMessage());
        }
      } catch (RuntimeException e) {
        undecodable.increment();
        if (d.settle()) {
          deadLetter(d, "not decodable: " + e);
        }
      }
    }
    delivered.add(out.size());
    return out;
  }

  private void expire(PendingPoll p) {
    boolean removed;
    lock.lock();
    try {
      removed = pendingPolls.remove(p);
    } finally {
      lock.unlock();
    }
    if (removed) {
      p.future.complete(List.of());
    }
  }

  void ack(KafkaDelivery d) {
    acked.increment();
    d.tracker.ack(d.entry);
  }

  void nack(KafkaDelivery d, String reason) {
    nacked.increment();
    int attempts = d.tracker.attempts(d.entry);
    long backoff = Math.min(settings.maxNackBackoff().toMillis(),
        settings.nackBackoff().toMillis() << Math.min(20, attempts));
    LOG.debug("record {} nacked ({}), delivered again in {} ms", d, reason, backoff);
    d.tracker.nack(d.entry);
    // The record is held in memory until stored: it comes again after the backoff, before newer
    // records, without re-reading the partition (its offset holds the commit point meanwhile).
    Runnable again = () -> {
      if (d.tracker.redeliver(d.entry)) {
        redelivered.increment();
        offer(List.of(new KafkaDelivery(d.record, d.tracker, d.entry, this)), true);
      }
    };
    if (backoff <= 0) {
      again.run();
    } else {
      try {
        timer.schedule(again, backoff, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing: the record is read again by the partition's next owner
      }
    }
  }

  /** Sends the record to the dead-letter topic with the reason; acked once the broker has it. */
  void deadLetter(KafkaDelivery d, String reason) {
    rejected.increment();
    ConsumerRecord<byte[], byte[]> r = d.record;
    String shortReason = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS - 3) + "..." : reason;
    RecordHeaders headers = new RecordHeaders(r.headers().toArray());
    headers.add(KafkaHeaders.DLQ_REASON, utf8(shortReason));
    headers.add(KafkaHeaders.DLQ_TOPIC, utf8(r.topic()));
    headers.add(KafkaHeaders.DLQ_PARTITION, utf8(Integer.toString(r.partition())));
    headers.add(KafkaHeaders.DLQ_OFFSET, utf8(Long.toString(r.offset())));
    headers.add(KafkaHeaders.DLQ_GROUP, utf8(settings.groupId()));
    String topic = settings.deadLetterTopic().apply(r.topic());
    try {
      deadLetters.get().send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value(), headers), (m, error) -> {
        if (error == null) {
          deadLettered.increment();
          LOG.warn("record {} moved to dead-letter topic {}: {}", d, topic, shortReason);
          d.tracker.ack(d.entry);
        } else {
          deadLetterFailures.increment();
          LOG.warn("moving record {} to {} failed; it will be read again: {}", d, topic, error.toString());
          nack(d, "moving it to the dead-letter topic failed");
        }
      });
    } catch (RuntimeException e) {
      deadLetterFailures.increment();
      LOG.warn("moving record {} to {} failed; it will be read again: {}", d, topic, e.toString());
      nack(d, "moving it to the dead-letter topic failed");
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- health and closing ---------------------------------------------------------------------

  /** Counters for health details. */
  public void describe(Map<String, Object> details) {
    int buffered;
    lock.lock();
    try {
      buffered = buffer.size();
    } finally {
      lock.unlock();
    }
    int inFlight = 0;
    int held = 0;
    for (PartitionTracker t : trackers.values()) {
      inFlight += t.inFlight();
      held += t.held();
    }
    details.put("group_id", settings.groupId());
    details.put("assigned_partitions", assigned);
    details.put("paused_partitions", paused);
    details.put("buffered", buffered);
    details.put("buffer_capacity", settings.bufferCapacity());
    details.put("unsettled", inFlight);
    details.put("uncommitted", held);
    details.put("fetched", fetched.sum());
    details.put("delivered", delivered.sum());
    details.put("acked", acked.sum());
    details.put("nacked", nacked.sum());
    details.put("redelivered", redelivered.sum());
    details.put("rejected", rejected.sum());
    details.put("undecodable", undecodable.sum());
    details.put("dead_lettered", deadLettered.sum());
    details.put("dead_letter_failures", deadLetterFailures.sum());
    details.put("commits", commits.sum());
    details.put("commit_failures", commitFailures.sum());
    details.put("rebalances", rebalances.sum());
    details.put("pauses", pauses.sum());
    if (!lastPollError.isEmpty()) {
      details.put("last_poll_error", lastPollError);
    }
  }

  /** Whether the poll loop had an error on its last poll. */
  public String lastPollError() {
    return lastPollError;
  }

  /**
   * Stops: pending polls answer empty, the poll thread releases buffered records, waits up to the
   * close timeout for handed-out records to be settled, commits what is stored and leaves the group.
   */
  public void close() {
    List<PendingPoll> waiting;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      room.signalAll();
      waiting = new ArrayList<>(pendingPolls);
      pendingPolls.clear();
    } finally {
      lock.unlock();
    }
    for (PendingPoll p : waiting) {
      if (p.timeout != null) {
        p.timeout.cancel(false);
      }
      p.future.complete(List.of());
    }
    stopSignal.countDown();
    consumer.wakeup();
    try {
      thread.join(settings.closeTimeout().toMillis() + clientTimeout().toMillis() * 3 + 5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
  }

  private static final class PendingPoll {
    final int max;
    final CompletableFuture<List<Delivery>> future = new CompletableFuture<>();
    ScheduledFuture<?> timeout;

    PendingPoll(int max) {
      this.max = max;
    }
  }
}
