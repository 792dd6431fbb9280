package org.metricspipeline.adapters.sqs.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.ValidationError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The producing side shared by the ingestion adapter and the standalone publisher: validates,
 * encodes (splitting items too large for one message), packs messages into {@code SendMessageBatch}
 * calls within the entry and byte limits, sends them on owned threads and reports per item.
 */
public final class Producer implements AutoCloseable {

  /** Settings of the producing side. */
  public record Settings(int maxMessageBytes, int sendBatchSize, int sendConcurrency, int sendQueueCapacity,
      MetricsValidator validator, Function<MetricsData, String> messageGroupId, Duration retryAfter) {
    /** Checks presence. */
    public Settings {
      Objects.requireNonNull(validator, "validator");
      Objects.requireNonNull(messageGroupId, "messageGroupId");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Producer.class);
  private static final int MAX_ENTRY_ATTEMPTS = 3;
  private static final int MAX_GROUP_ID_LENGTH = 128;

  private final SqsClient client;
  private final String queueUrl;
  private final boolean fifo;
  private final Settings settings;
  private final ThreadPoolExecutor senders;
  private final LongAdder messagesSent = new LongAdder();
  private final LongAdder itemsSent = new LongAdder();
  private final LongAdder itemsSplit = new LongAdder();
  private final LongAdder sendFailures = new LongAdder();

  /** A producer sending to {@code queueUrl} with {@code client} (not owned). */
  public Producer(SqsClient client, String queueUrl, Settings settings) {
    this.client = client;
    this.queueUrl = queueUrl;
    this.fifo = SqsClients.isFifo(queueUrl);
    this.settings = settings;
    // On a FIFO queue one sender keeps the send order (within and across calls) that groups preserve.
    int threads = fifo ? 1 : settings.sendConcurrency();
    this.senders = new ThreadPoolExecutor(threads, threads, 0,
        TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(settings.sendQueueCapacity()), Threads.factory("send"),
        new ThreadPoolExecutor.AbortPolicy());
  }

  /** One item: completes once SQS holds every part of it. */
  public CompletableFuture<Void> send(MetricsData item) {
    Objects.requireNonNull(item, "item");
    return sendAll(List.of(item)).thenCompose(outcomes -> {
      Outcome o = outcomes[0];
      return o == null ? CompletableFuture.<Void>completedFuture(null) : CompletableFuture.<Void>failedFuture(o.exception());
    });
  }

  /** Several items: completes with a result naming each item that SQS did not take. */
  public CompletableFuture<MetricsBatchResult> sendBatch(List<MetricsData> batch) {
    Objects.requireNonNull(batch, "batch");
    return sendAll(batch).thenApply(outcomes -> {
      List<MetricsBatchResult.Failure> failures = new ArrayList<>();
      for (int i = 0; i < outcomes.length; i++) {
        if (outcomes[i] != null) {
          failures.add(outcomes[i].failure(i));
        }
      }
      return MetricsBatchResult.of(batch.size(), failures);
    });
  }

  /** Checks one item as {@link #send} would, including whether it can be split to fit. */
  public MetricsValidationResult validate(MetricsData item) {
    MetricsValidationResult result = settings.validator().validate(item);
    if (!result.valid()) {
      return result;
    }
    MessageEncoder.Encoded encoded = MessageEncoder.encode(item, settings.maxMessageBytes());
    return encoded.ok() ? result : MetricsValidationResult.of(List.of(encoded.error()));
  }

  /** Counters for health details. */
  public void describe(java.util.Map<String, Object> details) {
    details.put("items_sent", itemsSent.sum());
    details.put("items_split", itemsSplit.sum());
    details.put("messages_sent", messagesSent.sum());
    details.put("send_failures", sendFailures.sum());
  }

  /** Why one item was not sent; {@code null} in an outcome array means sent. */
  private record Outcome(String reason, List<ValidationError> errors, MetricsPipelineException exception) {
    MetricsBatchResult.Failure failure(int index) {
      return new MetricsBatchResult.Failure(index, reason, errors);
    }

    static Outcome invalid(List<ValidationError> errors) {
      MetricsValidationException e = new MetricsValidationException(errors);
      return new Outcome("invalid: " + MetricsValidationResult.of(errors).describe(), errors, e);
    }

    static Outcome failed(String reason, MetricsPipelineException e) {
      return new Outcome(reason, List.of(), e);
    }
  }

  private record OutMessage(int item, String body, int bytes, String groupId) {}

  private CompletableFuture<Outcome[]> sendAll(List<MetricsData> batch) {
    int n = batch.size();
    Outcome[] outcomes = new Outcome[n];
    AtomicReferenceArray<Outcome> sendOutcomes = new AtomicReferenceArray<>(n);
    List<OutMessage> messages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      MetricsData item = batch.get(i);
      if (item == null) {
        outcomes[i] = Outcome.invalid(List.of(new ValidationError("", "must not be null")));
        continue;
      }
      MetricsValidationResult result = settings.validator().validate(item);
      if (!result.valid()) {
        outcomes[i] = Outcome.invalid(result.errors());
        continue;
      }
      MessageEncoder.Encoded encoded;
      try {
        encoded = MessageEncoder.encode(item, settings.maxMessageBytes());
      } catch (IllegalArgumentException e) {
        outcomes[i] = Outcome.invalid(List.of(new ValidationError("", e.getMessage())));
        continue;
      }
      if (!encoded.ok()) {
        outcomes[i] = Outcome.invalid(List.of(encoded.error()));
        continue;
      }
      if (encoded.bodies().size() > 1) {
        itemsSplit.increment();
      }
      String group = fifo ? groupId(item) : null;
      for (int p = 0; p < encoded.bodies().size(); p++) {
        messages.add(new OutMessage(i, encoded.bodies().get(p), encoded.sizes().get(p), group));
      }
    }
    if (messages.isEmpty()) {
      return CompletableFuture.completedFuture(outcomes);
    }
    // Pack requests in order: at most sendBatchSize entries and maxMessageBytes in total each.
    List<List<OutMessage>> requests = new ArrayList<>();
    List<OutMessage> current = new ArrayList<>();
    long bytes = 0;
    for (OutMessage m : messages) {
      if (!current.isEmpty() && (current.size() == settings.sendBatchSize() || bytes + m.bytes() > settings.maxMessageBytes())) {
        requests.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(m);
      bytes += m.bytes();
    }
    requests.add(current);
    int[] partsLeft = new int[n];
    for (OutMessage m : messages) {
      partsLeft[m.item()]++;
    }
    AtomicInteger[] remaining = new AtomicInteger[n];
    for (int i = 0; i < n; i++) {
      remaining[i] = new AtomicInteger(partsLeft[i]);
    }
    CompletableFuture<?>[] calls = new CompletableFuture<?>[requests.size()];
    for (int r = 0; r < requests.size(); r++) {
      List<OutMessage> request = requests.get(r);
      CompletableFuture<Void> call = new CompletableFuture<>();
      calls[r] = call;
      try {
        senders.execute(() -> {
          try {
            sendRequest(request, sendOutcomes, remaining);
          } catch (RuntimeException e) {
            failAll(request, sendOutcomes, "sending failed: " + e, new MetricsPipelineException("sending to SQS failed: " + e.getMessage(), e));
          } finally {
            call.complete(null);
          }
        });
      } catch (RejectedExecutionException e) {
        String reason = "overloaded: " + settings.sendQueueCapacity() + " send requests are already queued";
        failAll(request, sendOutcomes, reason, new OverloadedException(reason, settings.retryAfter()));
        call.complete(null);
      }
    }
    return CompletableFuture.allOf(calls).thenApply(ignored -> {
      for (int i = 0; i < n; i++) {
        if (outcomes[i] == null && sendOutcomes.get(i) != null) {
          outcomes[i] = sendOutcomes.get(i);
        }
      }
      return outcomes;
    });
  }

  private void failAll(List<OutMessage> request, AtomicReferenceArray<Outcome> outcomes, String reason,
      MetricsPipelineException e) {
    for (OutMessage m : request) {
      outcomes.compareAndSet(m.item(), null, Outcome.failed(reason, e));
    }
    sendFailures.add(request.size());
  }

  private void sendRequest(List<OutMessage> request, AtomicReferenceArray<Outcome> outcomes, AtomicInteger[] remaining) {
    List<OutMessage> pending = request;
    for (int attempt = 1; ; attempt++) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.size());
      for (int e = 0; e < pending.size(); e++) {
        OutMessage m = pending.get(e);
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
            .id(Integer.toString(e)).messageBody(m.body());
        if (fifo) {
          entry.messageGroupId(m.groupId()).messageDeduplicationId(sha256(m.body()));
        }
        entries.add(entry.build());
      }
      SendMessageBatchResponse response = client.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      messagesSent.add(response.successful().size());
      for (var ok : response.successful()) {
        OutMessage m = pending.get(Integer.parseInt(ok.id()));
        if (remaining[m.item()].decrementAndGet() == 0 && outcomes.get(m.item()) == null) {
          itemsSent.increment();
        }
      }
      List<OutMessage> retry = new ArrayList<>();
      for (BatchResultErrorEntry failed : response.failed()) {
        OutMessage m = pending.get(Integer.parseInt(failed.id()));
        if (!Boolean.TRUE.equals(failed.senderFault()) && attempt < MAX_ENTRY_ATTEMPTS) {
          retry.add(m);
          continue;
        }
        sendFailures.increment();
        String reason = "SQS refused the message: " + failed.code() + ": " + failed.message();
        outcomes.compareAndSet(m.item(), null, Outcome.failed(reason, new MetricsPipelineException(reason)));
      }
      if (retry.isEmpty()) {
        return;
      }
      LOG.debug("retrying {} entries SQS failed on its side", retry.size());
      pending = retry;
    }
  }

  private String groupId(MetricsData item) {
    String id = settings.messageGroupId().apply(item);
    if (id == null || id.isEmpty()) {
      id = item.metricType();
    }
    StringBuilder sb = new StringBuilder(Math.min(id.length(), MAX_GROUP_ID_LENGTH));
    for (int i = 0; i < id.length() && sb.length() < MAX_GROUP_ID_LENGTH; i++) {
      char c = id.charAt(i);
      // SQS allows alphanumerics and !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~ in a group id.
      sb.append(c > 32 && c < 127 ? c : '_');
    }
    return sb.toString();
  }

  private static String sha256(String body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** Finishes queued sends (up to {@code wait}), then stops the sender threads. */
  public void close(Duration wait) {
    senders.shutdown();
    try {
      if (!senders.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("SQS senders did not finish within {}; stopping them", wait);
        senders.shutdownNow();
      }
    } catch (InterruptedException e) {
      senders.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
