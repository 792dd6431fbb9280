package org.metricspipeline.adapters.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.core.MetricsPipeline;

/**
 * Kafka throughput in one run against one broker ({@code KAFKA_BOOTSTRAP}): the publisher vs a bare
 * {@code KafkaProducer} loop with the same settings, and the adapter feeding a pipeline into the
 * memory store vs bare {@code KafkaConsumer} poll loops decoding the same records, with 1 and 3
 * consumers. Production-shaped items: 2,000 series (hosts x routes), 3 metrics each, varying
 * values and timestamps. Run with {@code scripts/bench-kafka.sh [records] [rounds]}.
 */
public final class KafkaBenchmark {

  private static final int PARTITIONS = 3;

  private KafkaBenchmark() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = System.getenv("KAFKA_BOOTSTRAP");
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    // -Dbench.only=produce|consume1|consume3 (comma-separated) runs only those pairs (profiling).
    List<String> pairs = List.of(System.getProperty("bench.only", "produce,consume1,consume3").split(","));
    List<MetricsData> items = items(n);
    long points = items.stream().mapToLong(d -> d.metrics().size()).sum();
    System.out.printf("Kafka benchmark: %d records (%d points) per run, %d partitions, %d rounds + 1 warm-up,"
        + " broker %s, Java %s%n", n, points, PARTITIONS, rounds, bootstrap, Runtime.version());
    Map<String, double[]> rate = new HashMap<>();
    for (String pair : pairs) {
      rate.put(pair + "-bare", new double[rounds]);
      rate.put(pair + "-ours", new double[rounds]);
    }
    for (int r = -1; r < rounds; r++) { // round -1 warms the JIT up on every path and is not counted
      List<MetricsData> data = r < 0 ? items.subList(0, n / 2) : items;
      String a = topic(bootstrap, "bare");
      String b = topic(bootstrap, "publisher");
      boolean bareFirst = r % 2 == 0; // alternate the order, so a load change hits both sides
      StringBuilder line = new StringBuilder(r < 0 ? "warm-up:" : "round " + (r + 1) + ":");
      if (!pairs.contains("produce")) {
        produceBare(bootstrap, a, data);
      }
      for (String pair : pairs) {
        double bare;
        double ours;
        if (pair.equals("produce")) {
          bare = bareFirst ? produceBare(bootstrap, a, data) : 0;
          ours = producePublisher(bootstrap, b, data);
          bare = bareFirst ? bare : produceBare(bootstrap, a, data);
        } else {
          int consumers = Integer.parseInt(pair.substring("consume".length()));
          bare = bareFirst ? consumeBare(bootstrap, a, data.size(), consumers) : 0;
          ours = consumeAdapter(bootstrap, a, data.size(), consumers);
          bare = bareFirst ? bare : consumeBare(bootstrap, a, data.size(), consumers);
        }
        line.append(String.format(" %s bare %.0f/s ours %.0f/s (%.2f);", pair, bare, ours, ours / bare));
        if (r >= 0) {
          rate.get(pair + "-bare")[r] = bare;
          rate.get(pair + "-ours")[r] = ours;
        }
      }
      System.out.println(line.append(" records/s, ").append(loadAverage()));
    }
    double perRecord = (double) points / n;
    System.out.println("medians (records/s, points/s; ratio = median of the rounds' ours / bare, goal >= 0.90):");
    for (String pair : pairs) {
      double[] ours = rate.get(pair + "-ours");
      double[] bare = rate.get(pair + "-bare");
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratios[r] = ours[r] / bare[r];
      }
      System.out.printf("  %-9s ours %8.0f rec/s %9.0f pts/s | bare %8.0f rec/s %9.0f pts/s | ratio %.2f (rounds %s)%n",
          pair, median(ours), median(ours) * perRecord, median(bare), median(bare) * perRecord, median(ratios),
          Arrays.toString(Arrays.stream(ratios).map(x -> Math.round(x * 100) / 100.0).toArray()));
    }
  }

  private static String loadAverage() {
    try { // the 1, 5 and 15 min load averages (Linux)
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return "load " + f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "load unknown";
    }
  }

  static List<MetricsData> items(int n) {
    SplittableRandom random = new SplittableRandom(42);
    Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
    List<MetricsData> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String host = "host-" + random.nextInt(400);
      String route = "/api/v1/r" + random.nextInt(5);
      Map<String, String> tags = Map.of("host", host, "route", route, "region", "eu-" + (host.hashCode() & 3));
      out.add(MetricsData.builder().timestamp(t0.plusMillis(i * 7L + random.nextInt(5))).metricType("http")
          .source(host).context("id", Integer.toString(i))
          .metric(new Metric("latency_ms", Math.round(random.nextDouble() * 50_000) / 100.0, "ms", tags))
          .metric(new Metric("bytes", 200 + random.nextInt(100_000), "By", tags))
          .metric(new Metric("requests", 1 + random.nextInt(20), "", tags))
          .build());
    }
    return out;
  }

  static String topic(String bootstrap, String prefix) throws Exception {
    String t = "bench-" + prefix + "-" + Long.toHexString(System.nanoTime());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(t, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
    return t;
  }

  /** The publisher's settings, for the bare producer too. */
  static Map<String, Object> producerSettings(String bootstrap) {
    return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
  }

  static double produceBare(String bootstrap, String topic, List<MetricsData> items) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerSettings(bootstrap), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      CountDownLatch done = new CountDownLatch(items.size());
      long start = System.nanoTime();
      for (MetricsData d : items) {
        RecordHeaders h = new RecordHeaders();
        h.add(KafkaHeaders.ENCODING, KafkaHeaders.JSON.getBytes());
        p.send(new ProducerRecord<>(topic, null, null, d.source().getBytes(), MetricsJson.encode(d), h),
            (m, e) -> done.countDown());
      }
      done.await();
      return items.size() / ((System.nanoTime() - start) / 1e9);
    }
  }

  static double producePublisher(String bootstrap, String topic, List<MetricsData> items) throws Exception {
    try (KafkaMetricsPublisher p = KafkaMetricsPublisher.builder().bootstrapServers(bootstrap).topicNamer(t -> topic)
        .build()) {
      CountDownLatch done = new CountDownLatch(items.size());
      long start = System.nanoTime();
      for (MetricsData d : items) {
        p.send(d).whenComplete((v, e) -> done.countDown());
      }
      done.await();
      return items.size() / ((System.nanoTime() - start) / 1e9);
    }
  }

  static double consumeBare(String bootstrap, String topic, int n, int consumers) throws Exception {
    String group = "bare-" + System.nanoTime();
    AtomicLong count = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < consumers; c++) {
      Thread t = new Thread(() -> {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
          consumer.subscribe(List.of(topic));
          long sink = 0;
          while (count.get() < n) {
            var records = consumer.poll(Duration.ofMillis(100));
            for (ConsumerRecord<byte[], byte[]> r : records) {
              sink += MetricsJson.decode(r.value()).metrics().size();
            }
            if (!records.isEmpty()) {
              consumer.commitAsync();
              count.addAndGet(records.count());
            }
          }
          if (sink < 0) {
            System.out.println(sink);
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  static double consumeAdapter(String bootstrap, String topic, int n, int consumers) throws Exception {
    String group = "adapter-" + System.nanoTime();
    List<MetricsPipeline> pipelines = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < consumers; c++) {
      MetricsPipeline p = MetricsPipeline.builder().storage(InMemoryStorageAdapter.create())
          .ingestion(KafkaIngestionAdapter.builder().bootstrapServers(bootstrap).topics(topic).groupId(group).build())
          .batchSize(1000).processingInterval(Duration.ofMillis(50)).build();
      p.startProcessing();
      pipelines.add(p);
    }
    long stored = 0;
    while (stored < n) {
      TimeUnit.MILLISECONDS.sleep(5);
      stored = 0;
      for (MetricsPipeline p : pipelines) {
        stored += p.stats().stored();
      }
    }
    double rate = n / ((System.nanoTime() - start) / 1e9);
    for (MetricsPipeline p : pipelines) {
      p.close();
    }
    return rate;
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
