package org.metricspipeline.adapters.sqs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetryPolicy;
import org.metricspipeline.testkit.RecordingStorage;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import static org.assertj.core.api.Assertions.assertThat;

/** The adapter against a real SQS-protocol server (ElasticMQ, embedded on a loopback port). */
class SqsIngestionAdapterIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Instant NOW = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

  private final ElasticMq sqs = ElasticMq.get();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private SqsIngestionAdapter.Builder adapter(String queueUrl) {
    return SqsIngestionAdapter.builder().connection(sqs.connection(queueUrl))
        .receiveWait(Duration.ofSeconds(1)).visibilityTimeout(Duration.ofSeconds(5)).bufferCapacity(50);
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    toClose.add(c);
    return c;
  }

  private MetricsPipeline pipeline(IngestionAdapter adapter, RecordingStorage storage, RetryPolicy retry, int writers) {
    MetricsPipeline p = MetricsPipeline.builder().storage(storage).ingestion(adapter).batchSize(20)
        .processingInterval(Duration.ofMillis(50)).retryPolicy(retry).maxConcurrentStores(writers).build();
    p.startProcessing();
    return closeLater(p);
  }

  private MetricsPipeline pipeline(IngestionAdapter adapter, RecordingStorage storage) {
    return pipeline(adapter, storage, RetryPolicy.defaults(), 2);
  }

  private static MetricsData item(String id, String source, int seq) {
    return MetricsData.builder().timestamp(NOW.plusMillis(seq)).metricType("test").source(source)
        .metric(Metric.of("seq", seq)).context("id", id).build();
  }

  private static List<MetricsData> items(String prefix, int n) {
    List<MetricsData> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(item(prefix + i, "src", i));
    }
    return out;
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private List<Message> drain(String queueUrl, int expected) {
    List<Message> out = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (out.size() < expected && System.nanoTime() < deadline) {
      out.addAll(sqs.admin.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
          .messageAttributeNames("All")).messages());
    }
    return out;
  }

  @Test
  void storesEveryIngestedItemThroughAPipeline() {
    String queue = sqs.createQueue("round-trip");
    SqsIngestionAdapter sqsAdapter = adapter(queue).build();
    RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    MetricsPipeline pipeline = pipeline(sqsAdapter, storage);

    MetricsBatchResult sent = sqsAdapter.batchIngest(items("r", 95)).join();
    sqsAdapter.ingest(item("single", "src", 1000)).join();

    assertThat(sent.allSucceeded()).isTrue();
    await("96 items stored", () -> storage.distinct() == 96);
    await("every message deleted", () -> sqs.depth(queue) == 0);
    assertThat(storage.ids()).contains("r0", "r94", "single");
    assertThat(pipeline.stats().stored()).isGreaterThanOrEqualTo(96);
  }

  @Test
  void splitsAnItemTooLargeForOneMessageByMetricsWithoutLosingAny() {
    String queue = sqs.createQueue("split");
    SqsIngestionAdapter sqsAdapter = closeLater(adapter(queue).maxMessageBytes(2048).receiverConcurrency(1).build());
    MetricsData.Builder big = MetricsData.builder().timestamp(NOW).metricType("big").source("s").context("id", "big");
    for (int i = 0; i < 200; i++) {
      big.metric(Metric.of("metric_" + i, i, Map.of("host", "host-" + i)));
    }
    MetricsData item = big.build();

    MetricsBatchResult result = sqsAdapter.batchIngest(List.of(item)).join();
    List<Delivery> parts = new ArrayList<>();
    await("every part received", () -> {
      parts.addAll(sqsAdapter.poll(100, Duration.ofMillis(200)).join());
      return parts.stream().mapToInt(d -> d.data().metrics().size()).sum() >= 200;
    });

    assertThat(result.allSucceeded()).isTrue();
    assertThat(parts).hasSizeGreaterThan(1);
    for (Delivery d : parts) {
      assertThat(MetricsJson.encode(d.data()).length).isLessThanOrEqualTo(2048);
      assertThat(d.data().timestamp()).isEqualTo(item.timestamp());
      assertThat(d.data().context()).isEqualTo(item.context());
    }
    Set<Metric> received = new HashSet<>();
    parts.forEach(d -> received.addAll(d.data().metrics()));
    assertThat(received).containsExactlyInAnyOrderElementsOf(item.metrics());
    parts.forEach(Delivery::ack);
  }

  @Test
  void sendsBatchesLargerThanTenEntriesAndReportsAnUnsplittableItemByIndex() {
    String queue = sqs.createQueue("limits");
    SqsIngestionAdapter sqsAdapter = closeLater(adapter(queue).maxMessageBytes(1024).receiverConcurrency(1).build());
    List<MetricsData> batch = new ArrayList<>(items("l", 25));
    batch.add(7, MetricsData.builder().timestamp(NOW).metricType("huge").context("id", "huge")
        .metric(Metric.of("one", 1, Map.of("blob", "x".repeat(2000)))).build());

    MetricsBatchResult result = sqsAdapter.batchIngest(batch).join();

    assertThat(result.successCount()).isEqualTo(25);
    assertThat(result.failures()).singleElement().satisfies(f -> {
      assertThat(f.index()).isEqualTo(7);
      assertThat(f.reason()).contains("maxMessageBytes 1024");
    });
    await("25 messages in the queue", () -> sqs.depth(queue) == 25);
  }

  @Test
  void redeliversAndStoresAMessageWhoseStoreFailed() {
    String queue = sqs.createQueue("ack-after-store");
    SqsIngestionAdapter sqsAdapter = adapter(queue).nackBackoff(Duration.ZERO).build();
    RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create()).failNext(2);
    MetricsPipeline pipeline = pipeline(sqsAdapter, storage, RetryPolicy.none(), 1);

    sqsAdapter.ingest(item("retry-me", "src", 1)).join();

    await("the item stored after the failures", () -> storage.distinct() == 1);
    assertThat(storage.failures()).isEqualTo(2);
    assertThat(pipeline.stats().nacked()).isEqualTo(2);
    await("the message deleted", () -> sqs.depth(queue) == 0);
  }

  @Test
  void aConsumerThatDiesMidBatchLosesNothing() {
    String queue = sqs.createQueue("dies");
    sqs.admin.sendMessageBatch(b -> b.queueUrl(queue).entries(
        java.util.stream.IntStream.range(0, 10).mapToObj(i -> software.amazon.awssdk.services.sqs.model
            .SendMessageBatchRequestEntry.builder().id("e" + i)
            .messageBody(new String(MetricsJson.encode(item("d" + i, "src", i)), StandardCharsets.UTF_8)).build())
            .toList()));
    SqsIngestionAdapter crashing = adapter(queue).visibilityTimeout(Duration.ofSeconds(2)).receiverConcurrency(1).build();
    List<Delivery> held = new ArrayList<>();
    await("the crashing consumer holds every message", () -> {
      held.addAll(crashing.poll(10, Duration.ofMillis(200)).join());
      return held.size() == 10;
    });
    crashing.abandon(); // as a killed process: nothing acked, deleted or released

    SqsIngestionAdapter survivor = adapter(queue).visibilityTimeout(Duration.ofSeconds(2)).build();
    RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    pipeline(survivor, storage);

    await("the ten stored by the survivor", () -> storage.distinct() == 10);
    await("every message deleted", () -> sqs.depth(queue) == 0);
    assertThat(storage.duplicates()).isZero();
  }

  @Test
  void movesPoisonMessagesToTheDeadLetterQueueWithTheirReason() {
    String queue = sqs.createQueue("poison");
    String dlq = sqs.createQueue("poison-dlq");
    SqsIngestionAdapter sqsAdapter = adapter(queue).deadLetterQueueUrl(dlq).build();
    RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    pipeline(sqsAdapter, storage);

    sqs.admin.sendMessage(b -> b.queueUrl(queue).messageBody("this is not JSON"));
    sqs.admin.sendMessage(b -> b.queueUrl(queue).messageBody(
        "{\"timestamp\":\"2025-01-01T00:00:00Z\",\"metric_type\":\"t\",\"metrics\":[{\"name\":\"1bad\",\"value\":1}]}"));
    sqsAdapter.ingest(item("good", "src", 1)).join();

    List<Message> dead = drain(dlq, 2);
    await("the good item stored", () -> storage.distinct() == 1);
    await("the source queue empty", () -> sqs.depth(queue) == 0);
    assertThat(dead).hasSize(2);
    Map<String, String> reasons = new HashMap<>();
    for (Message m : dead) {
      MessageAttributeValue reason = m.messageAttributes().get("metrics-reject-reason");
      assertThat(reason).as("reason attribute of %s", m.body()).isNotNull();
      assertThat(m.messageAttributes().get("metrics-source-queue").stringValue()).isEqualTo(queue);
      reasons.put(m.body(), reason.stringValue());
    }
    assertThat(reasons.get("this is not JSON")).startsWith("not metrics JSON");
    assertThat(reasons.entrySet()).anySatisfy(e -> {
      assertThat(e.getKey()).contains("1bad");
      assertThat(e.getValue()).startsWith("invalid metrics").contains("metrics[0].name");
    });
  }

  @Test
  void leavesPoisonMessagesToTheRedrivePolicyWithoutADeadLetterQueue() {
    String redriveTarget = sqs.createQueue("redrive-dlq");
    String targetArn = sqs.admin.getQueueAttributes(b -> b.queueUrl(redriveTarget)
        .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    String queue = sqs.createQueue("redrive", Map.of(QueueAttributeName.REDRIVE_POLICY,
        "{\"maxReceiveCount\":\"2\",\"deadLetterTargetArn\":\"" + targetArn + "\"}"));
    SqsIngestionAdapter sqsAdapter = adapter(queue).visibilityTimeout(Duration.ofSeconds(1)).build();
    pipeline(sqsAdapter, RecordingStorage.wrapping(InMemoryStorageAdapter.create()));

    sqs.admin.sendMessage(b -> b.queueUrl(queue).messageBody("[not metrics"));

    List<Message> dead = drain(redriveTarget, 1);
    assertThat(dead).singleElement().extracting(Message::body).isEqualTo("[not metrics");
  }

  @Test
  void extendsVisibilityWhileStorageIsSlowerThanTheTimeout() {
    String queue = sqs.createQueue("slow");
    SqsIngestionAdapter sqsAdapter = adapter(queue).visibilityTimeout(Duration.ofSeconds(1)).build();
    RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create()).delayEachStore(Duration.ofMillis(3500));
    MetricsPipeline pipeline = pipeline(sqsAdapter, storage, RetryPolicy.defaults(), 1);

    sqsAdapter.batchIngest(items("slow", 5)).join();

    await("5 items stored", () -> storage.distinct() == 5);
    await("every message deleted", () -> sqs.depth(queue) == 0);
    HealthCheckResult health = sqsAdapter.healthCheck().join();
    assertThat(storage.duplicates()).isZero();
    assertThat((Long) health.details().get("received")).isEqualTo(5L);
    assertThat((Long) health.details().get("visibility_extended")).isPositive();
    assertThat(pipeline.stats().stored()).isEqualTo(5);
  }

  @Test
  void keepsOrderWithinEachGroupOfAFifoQueue() {
    String queue = sqs.createFifoQueue("fifo");
    SqsIngestionAdapter sqsAdapter = adapter(queue).receiverConcurrency(3).build();
    RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    pipeline(sqsAdapter, storage, RetryPolicy.defaults(), 1);
    List<MetricsData> batch = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      for (String group : List.of("a", "b", "c")) {
        batch.add(item(group + i, group, i));
      }
    }

    assertThat(sqsAdapter.batchIngest(batch).join().allSucceeded()).isTrue();

    await("120 items stored", () -> storage.distinct() == 120);
    Map<String, List<Integer>> order = new HashMap<>();
    for (MetricsData d : storage.stored()) {
      order.computeIfAbsent(d.source(), k -> new ArrayList<>()).add((int) d.metrics().get(0).value());
    }
    assertThat(order).containsOnlyKeys("a", "b", "c");
    order.values().forEach(seqs -> assertThat(seqs).isSorted().hasSize(40));
  }

  @Test
  void threePipelinesOnOneQueueStoreEveryMessageWithBoundedDuplicates() {
    String queue = sqs.createQueue("shared");
    RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    List<SqsIngestionAdapter> adapters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SqsIngestionAdapter a = adapter(queue).build();
      adapters.add(a);
      pipeline(a, storage);
    }
    int n = 600;

    MetricsBatchResult sent = adapters.get(0).batchIngest(items("m", n)).join();

    assertThat(sent.allSucceeded()).isTrue();
    await(n + " items stored", () -> storage.distinct() == n);
    await("every message deleted", () -> sqs.depth(queue) == 0);
    long received = 0;
    for (SqsIngestionAdapter a : adapters) {
      received += (Long) a.healthCheck().join().details().get("received");
    }
    // A duplicate needs a redelivery; each consumer can hold at most its buffer plus the pipeline's batches.
    int bound = 3 * (50 + 2 * 20);
    assertThat(storage.duplicates()).isLessThanOrEqualTo(bound);
    assertThat(received - n).isLessThanOrEqualTo(bound);
    System.out.printf("three pipelines: %d stored, %d duplicates, %d receives%n", n, storage.duplicates(), received);
  }

  @Test
  void healthReportsBacklogAndDegradesAboveTheThreshold() {
    String queue = sqs.createQueue("health");
    String dlq = sqs.createQueue("health-dlq");
    SqsIngestionAdapter sqsAdapter = closeLater(adapter(queue).deadLetterQueueUrl(dlq).bufferCapacity(10)
        .receiverConcurrency(1).backlogThreshold(5).build());

    sqsAdapter.batchIngest(items("h", 30)).join();

    await("the adapter's buffer full", () -> (Integer) sqsAdapter.healthCheck().join().details().get("buffered") == 10);
    HealthCheckResult health = sqsAdapter.healthCheck().join();
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(health.details()).containsEntry("backlog", 20L).containsEntry("in_flight", 10L)
        .containsEntry("dead_letter_queue_depth", 0L);
    assertThat((String) health.details().get("reason")).contains("backlog 20");
  }

  @Test
  void publisherSendsWhatTheAdapterConsumes() {
    String queue = sqs.createQueue("publisher");
    SqsMetricsPublisher publisher = closeLater(SqsMetricsPublisher.builder().connection(sqs.connection(queue)).build());
    SqsIngestionAdapter sqsAdapter = adapter(queue).build();
    RecordingStorage storage = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    pipeline(sqsAdapter, storage);

    MetricsBatchResult result = publisher.publishBatch(items("p", 30)).join();
    publisher.publish(item("p-single", "src", 99)).join();

    assertThat(result.allSucceeded()).isTrue();
    await("31 items stored", () -> storage.distinct() == 31);
    assertThat(publisher.healthCheck().join().status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void providerBuildsTheAdapterFromSettingsAndResolvesTheQueueName() {
    String queue = sqs.createQueue("provider");
    String name = queue.substring(queue.lastIndexOf('/') + 1);
    IngestionAdapter adapter = closeLater(AdapterRegistry.ingestion("sqs", AdapterConfig.of(Map.of(
        "queue-name", name, "endpoint", sqs.endpoint.toString(), "region", "us-east-1",
        "access-key-id", "x", "secret-access-key", "x", "receive-wait", "1s"))));

    adapter.ingest(item("via-provider", "src", 1)).join();
    List<Delivery> got = new ArrayList<>();
    await("the item received", () -> {
      got.addAll(adapter.poll(10, Duration.ofMillis(200)).join());
      return !got.isEmpty();
    });

    assertThat(adapter).isInstanceOf(SqsIngestionAdapter.class);
    assertThat(((SqsIngestionAdapter) adapter).queueUrl()).isEqualTo(queue);
    assertThat(RecordingStorage.id(got.get(0).data())).isEqualTo("via-provider");
    got.forEach(Delivery::ack);
  }
}
