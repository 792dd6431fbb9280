package org.metricspipeline.adapters.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.kafka.events.EventTypes;
import org.metricspipeline.adapters.kafka.events.SyntheticDataGenerator;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.RecordingStorage;
import static org.assertj.core.api.Assertions.assertThat;

/** The adapter and the publisher against a real broker ({@code scripts/kafka.sh}). */
class KafkaIngestionAdapterIT {

  private static String bootstrap;
  private final EventTypes types = TestEvents.types();

  @BeforeAll
  static void broker() {
    bootstrap = KafkaTestBroker.bootstrap();
  }

  static MetricsData item(int i) {
    return MetricsData.builder().timestamp(Instant.ofEpochMilli(1_765_000_000_000L + i * 1000L)).metricType("page_view")
        .source("host-" + (i % 17)).context("id", Integer.toString(i))
        .metric(new Metric("latency_ms", 3.5 + i % 100, "ms", Map.of("host", "h" + (i % 17), "route", "/r" + (i % 5))))
        .build();
  }

  static MetricsPipeline pipeline(StorageAdapter store, KafkaIngestionAdapter adapter, int queueCapacity) {
    return MetricsPipeline.builder().storage(store).ingestion(adapter).batchSize(200)
        .processingInterval(Duration.ofMillis(50)).queueCapacity(queueCapacity).build();
  }

  static void await(BooleanSupplier condition, Duration max, String what) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  @Test
  void jsonAndAvroRecordsRoundTripIntoTheStore() throws Exception {
    String prefix = KafkaTestBroker.freshTopic("rt");
    KafkaTestBroker.createTopics(bootstrap, 3, prefix + ".page_view", prefix + ".purchase");
    SyntheticDataGenerator generator = new SyntheticDataGenerator(types, 100, 1L, java.time.Clock.systemUTC());
    List<Map<String, Object>> purchases = generator.generateEvents("purchase", 300);
    List<MetricsData> items = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      items.add(item(i));
    }
    try (KafkaMetricsPublisher json = KafkaMetricsPublisher.builder().bootstrapServers(bootstrap).topicPrefix(prefix).build();
        KafkaMetricsPublisher avro = KafkaMetricsPublisher.builder().bootstrapServers(bootstrap).topicPrefix(prefix)
            .eventTypes(types).encoding(Encoding.AVRO).compression("zstd").build()) {
      MetricsBatchResult sentJson = json.sendBatch(items).get(60, TimeUnit.SECONDS);
      MetricsBatchResult sentAvro = avro.sendBatch("purchase", purchases).get(60, TimeUnit.SECONDS);
      assertThat(sentJson.allSucceeded()).isTrue();
      assertThat(sentAvro.allSucceeded()).isTrue();
      assertThat(avro.flush()).isTrue();
      assertThat(json.stats()).isEqualTo(new PublisherStats(500, 0, 0));
      assertThat(avro.stats().sent()).isEqualTo(300);
      assertThat(avro.healthCheck().get(30, TimeUnit.SECONDS).isHealthy()).isTrue();
    }
    RecordingStorage store = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    KafkaIngestionAdapter adapter = KafkaIngestionAdapter.builder().bootstrapServers(bootstrap)
        .topics(prefix + ".page_view", prefix + ".purchase").groupId(prefix).eventTypes(types).build();
    try (MetricsPipeline pipeline = pipeline(store, adapter, 10_000)) {
      pipeline.startProcessing();
      await(() -> store.distinct() == 800, Duration.ofSeconds(90), "800 items stored");
      for (MetricsData sent : items) {
        assertThat(store.byId(RecordingStorage.id(sent))).contains(sent);
      }
      for (Map<String, Object> p : purchases) {
        MetricsData got = store.byId((String) p.get("event_id")).orElseThrow();
        assertThat(got.metricType()).isEqualTo("purchase");
        assertThat(got.source()).isEqualTo(p.get("user_id"));
        assertThat(got.timestamp().toEpochMilli()).isEqualTo(p.get("timestamp"));
        assertThat(got.metrics()).extracting(Metric::name).contains("amount", "quantity");
        assertThat(got.metrics().stream().filter(m -> m.name().equals("amount")).findFirst().orElseThrow().value())
            .isEqualTo((Double) p.get("amount"));
        assertThat(got.context()).containsEntry("order_id", p.get("order_id"));
      }
      assertThat(store.duplicates()).isZero();
      HealthCheckResult health = adapter.healthCheck().get(30, TimeUnit.SECONDS);
      assertThat(health.isHealthy()).isTrue();
      assertThat(health.details()).containsEntry("acked", 800L);
    }
  }

  @Test
  void aPoisonRecordGoesToTheDeadLetterTopicWithItsReason() throws Exception {
    String topic = KafkaTestBroker.freshTopic("poison");
    KafkaTestBroker.createTopics(bootstrap, 1, topic, topic + ".dlq");
    try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(topic, org.metricspipeline.core.MetricsJson.encode(item(1)))).get();
      raw.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8),
          "{\"metric_type\": 42}".getBytes(StandardCharsets.UTF_8))).get();
      raw.send(new ProducerRecord<>(topic, org.metricspipeline.core.MetricsJson.encode(item(2)))).get();
      // valid JSON but invalid metrics (NaN is not JSON; an empty name is invalid): the pipeline rejects it
      raw.send(new ProducerRecord<>(topic, org.metricspipeline.core.MetricsJson.encode(MetricsData.builder()
          .timestamp(Instant.now()).metricType("page_view").context("id", "bad").metric("", 1).build()))).get();
    }
    RecordingStorage store = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    KafkaIngestionAdapter adapter = KafkaIngestionAdapter.builder().bootstrapServers(bootstrap).topics(topic)
        .groupId(topic).build();
    try (MetricsPipeline pipeline = pipeline(store, adapter, 1000)) {
      pipeline.startProcessing();
      await(() -> store.distinct() == 2, Duration.ofSeconds(60), "the two good items");
      await(() -> ((Number) adapter.healthCheck().join().details().get("dead_lettered")).longValue() == 2,
          Duration.ofSeconds(60), "two dead-lettered records");
    }
    List<ConsumerRecord<byte[], byte[]>> dead = readAll(topic + ".dlq", 2);
    assertThat(dead).hasSize(2);
    ConsumerRecord<byte[], byte[]> undecodable = dead.get(0);
    assertThat(new String(undecodable.key(), StandardCharsets.UTF_8)).isEqualTo("k");
    assertThat(header(undecodable, KafkaHeaders.DLQ_REASON)).startsWith("not decodable").contains("metric_type");
    assertThat(header(undecodable, KafkaHeaders.DLQ_TOPIC)).isEqualTo(topic);
    assertThat(header(undecodable, KafkaHeaders.DLQ_OFFSET)).isEqualTo("1");
    assertThat(header(dead.get(1), KafkaHeaders.DLQ_REASON)).startsWith("invalid metrics").contains("metrics[0].name");
    // both were committed past: a new consumer of the group finds nothing left
    RecordingStorage again = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    try (MetricsPipeline pipeline = pipeline(again, KafkaIngestionAdapter.builder().bootstrapServers(bootstrap)
        .topics(topic).groupId(topic).build(), 1000)) {
      pipeline.startProcessing();
      TimeUnit.SECONDS.sleep(3);
    }
    assertThat(again.distinct()).isZero();
  }

  @Test
  void partitionsArePausedUnderBackpressureAndResumed() throws Exception {
    String topic = KafkaTestBroker.freshTopic("pressure");
    KafkaTestBroker.createTopics(bootstrap, 2, topic);
    int total = 3000;
    try (KafkaMetricsPublisher publisher = KafkaMetricsPublisher.builder().bootstrapServers(bootstrap)
        .topicNamer(t -> topic).build()) {
      List<MetricsData> items = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        items.add(item(i));
      }
      assertThat(publisher.sendBatch(items).get(60, TimeUnit.SECONDS).allSucceeded()).isTrue();
    }
    RecordingStorage store = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    store.delayEachStore(Duration.ofMillis(100));
    KafkaIngestionAdapter adapter = KafkaIngestionAdapter.builder().bootstrapServers(bootstrap).topics(topic)
        .groupId(topic).bufferCapacity(100).maxPollRecords(50).build();
    long maxBuffered = 0;
    boolean sawPaused = false;
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(store).ingestion(adapter).batchSize(50)
        .processingInterval(Duration.ofMillis(20)).queueCapacity(100).maxConcurrentStores(1).build()) {
      pipeline.startProcessing();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (store.distinct() < total && System.nanoTime() < deadline) {
        Map<String, Object> d = adapter.healthCheck().get(30, TimeUnit.SECONDS).details();
        maxBuffered = Math.max(maxBuffered, ((Number) d.get("buffered")).longValue());
        sawPaused |= ((Number) d.get("paused_partitions")).intValue() > 0;
        if (sawPaused && store.distinct() > total / 3) {
          store.delayEachStore(Duration.ZERO); // storage catches up: partitions resume
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
      assertThat(store.distinct()).isEqualTo(total);
      assertThat(sawPaused).as("partitions paused while the pipeline was full").isTrue();
      assertThat(maxBuffered).as("the buffer stays bounded (capacity plus one fetch)").isLessThanOrEqualTo(150);
      await(() -> ((Number) adapter.healthCheck().join().details().get("paused_partitions")).intValue() == 0,
          Duration.ofSeconds(30), "partitions resumed");
    }
  }

  @Test
  void threePipelinesInOneGroupShareSixPartitionsThroughARebalance() throws Exception {
    String topic = KafkaTestBroker.freshTopic("group");
    KafkaTestBroker.createTopics(bootstrap, 6, topic);
    int total = 9000;
    RecordingStorage store = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    List<MetricsPipeline> pipelines = new ArrayList<>();
    List<KafkaIngestionAdapter> adapters = new ArrayList<>();
    try (KafkaMetricsPublisher publisher = KafkaMetricsPublisher.builder().bootstrapServers(bootstrap)
        .topicNamer(t -> topic).build()) {
      for (int p = 0; p < 2; p++) {
        KafkaIngestionAdapter a = KafkaIngestionAdapter.builder().bootstrapServers(bootstrap).topics(topic)
            .groupId(topic).clientId("member-" + p).build();
        adapters.add(a);
        pipelines.add(pipeline(store.shared(), a, 10_000));
        pipelines.get(p).startProcessing();
      }
      List<CompletableFuture<Void>> sent = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        sent.add(publisher.send(item(i)));
        if (i == total / 3) {
          KafkaIngestionAdapter third = KafkaIngestionAdapter.builder().bootstrapServers(bootstrap).topics(topic)
              .groupId(topic).clientId("member-2").build();
          adapters.add(third);
          pipelines.add(pipeline(store.shared(), third, 10_000));
          pipelines.get(2).startProcessing();
        }
        if (i == 2 * total / 3) {
          pipelines.get(0).close(); // leaves the group mid-stream: its partitions move to the others
        }
        if (i % 500 == 0) {
          TimeUnit.MILLISECONDS.sleep(100);
        }
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      await(() -> store.distinct() == total, Duration.ofSeconds(120), "every record stored");
      long rebalances = 0;
      for (int p = 1; p < 3; p++) {
        rebalances += ((Number) adapters.get(p).healthCheck().get(30, TimeUnit.SECONDS).details().get("rebalances")).longValue();
      }
      System.out.printf("consumer group: %d records, %d stored, %d duplicates, %d rebalances seen by the survivors%n",
          total, store.storedCount(), store.duplicates(), rebalances);
      assertThat(store.distinct()).isEqualTo(total);
      assertThat(store.duplicates()).as("duplicates are bounded by what was in flight at the rebalance")
          .isLessThan(total / 10);
    } finally {
      for (MetricsPipeline p : pipelines) {
        p.close();
      }
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    return readAll(bootstrap, topic, expected);
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int expected) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, topic + "-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (out.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
