package org.metricspipeline.adapters.sqs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.adapters.sqs.internal.SqsClients;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsJson;
import org.metricspipeline.core.MetricsPipeline;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Consuming throughput of the adapter + pipeline into the memory store against a bare SDK
 * receive-and-delete loop with the same client settings and concurrency, on embedded ElasticMQ,
 * in one run. Run with {@code scripts/bench-sqs.sh [messages] [concurrency] [rounds]}.
 */
public final class SqsAdapterBenchmark {

  private SqsAdapterBenchmark() {}

  /** Arguments: messages per measurement [20000], concurrency [4], rounds [3]. */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    ElasticMq sqs = ElasticMq.get();
    System.out.printf("SQS consume benchmark: %d messages per run, concurrency %d, %d rounds, Java %s%n",
        n, concurrency, rounds, Runtime.version());

    // Warm-up of both paths (JIT, connection pools, ElasticMQ).
    runBare(sqs, prefill(sqs, "warm-bare", n / 5), n / 5, concurrency);
    runAdapter(sqs, prefill(sqs, "warm-adapter", n / 5), n / 5, concurrency);

    double[] bare = new double[rounds];
    double[] adapter = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      String bareQueue = prefill(sqs, "bench-bare", n);
      String adapterQueue = prefill(sqs, "bench-adapter", n);
      bare[r] = runBare(sqs, bareQueue, n, concurrency);
      adapter[r] = runAdapter(sqs, adapterQueue, n, concurrency);
      System.out.printf("round %d: bare SDK %.0f msg/s, adapter+pipeline %.0f msg/s, ratio %.2f%n",
          r + 1, bare[r], adapter[r], adapter[r] / bare[r]);
    }
    double bareMedian = median(bare);
    double adapterMedian = median(adapter);
    System.out.printf("median: bare SDK receive+delete %.0f msg/s; adapter+pipeline into memory %.0f msg/s;"
        + " ratio %.2f (goal >= 0.90)%n", bareMedian, adapterMedian, adapterMedian / bareMedian);
    System.exit(0);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** A new queue holding {@code n} messages of about 200 bytes. */
  static String prefill(ElasticMq sqs, String prefix, int n) throws Exception {
    String queue = sqs.createQueue(prefix);
    Instant t0 = Instant.now().minusSeconds(3600);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    for (int from = 0; from < n; from += 10) {
      int start = from;
      futures.add(pool.submit(() -> {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = start; i < Math.min(n, start + 10); i++) {
          MetricsData d = MetricsData.builder().timestamp(t0.plusMillis(i)).metricType("bench").source("bench-host")
              .metric(new Metric("cpu_usage", i % 100, "percent", Map.of("host", "h" + (i % 16), "region", "eu")))
              .context("id", "m" + i).build();
          entries.add(SendMessageBatchRequestEntry.builder().id("e" + i)
              .messageBody(new String(MetricsJson.encode(d), StandardCharsets.UTF_8)).build());
        }
        sqs.admin.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return queue;
  }

  private static SqsConnection connection(ElasticMq sqs, String queue) {
    return SqsConnection.builder().queueUrl(queue).endpointOverride(sqs.endpoint).region("us-east-1")
        .staticCredentials("x", "x").build();
  }

  /** Bare SDK loop: {@code concurrency} threads each receive 10 and delete them in one batch. */
  static double runBare(ElasticMq sqs, String queue, int n, int concurrency) throws Exception {
    try (SqsClients clients = SqsClients.open(connection(sqs, queue), concurrency + 2, "benchmark")) {
      SqsClient client = clients.client();
      AtomicInteger done = new AtomicInteger();
      Thread[] threads = new Thread[concurrency];
      long start = System.nanoTime();
      for (int t = 0; t < concurrency; t++) {
        threads[t] = new Thread(() -> {
          while (done.get() < n) {
            List<Message> messages = client.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                .waitTimeSeconds(1).visibilityTimeout(30)).messages();
            if (messages.isEmpty()) {
              continue;
            }
            for (Message m : messages) {
              MetricsJson.decode(m.body()); // the adapter decodes too; keep the work comparable
            }
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
              entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                  .receiptHandle(messages.get(i).receiptHandle()).build());
            }
            client.deleteMessageBatch(b -> b.queueUrl(queue).entries(entries));
            done.addAndGet(messages.size());
          }
        }, "bench-bare-" + t);
        threads[t].start();
      }
      for (Thread t : threads) {
        t.join();
      }
      return n / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** The adapter feeding a pipeline into the memory store; done when all are stored and deleted. */
  static double runAdapter(ElasticMq sqs, String queue, int n, int concurrency) throws Exception {
    InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
    SqsIngestionAdapter adapter = SqsIngestionAdapter.builder().connection(connection(sqs, queue))
        .receiverConcurrency(concurrency).settlerConcurrency(2).receiveWait(Duration.ofSeconds(1))
        .build(); // the default receive budget: the in-flight window, 10 x concurrency
    long start = System.nanoTime();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(adapter)
        .batchSize(100).processingInterval(Duration.ofMillis(20)).maxConcurrentStores(2).build()) {
      pipeline.startProcessing();
      while (pipeline.stats().stored() < n) {
        Thread.sleep(2);
      }
      while (sqs.depth(queue) > 0) {
        Thread.sleep(5);
      }
      double rate = n / ((System.nanoTime() - start) / 1e9);
      if (pipeline.stats().stored() != n) {
        System.out.printf("note: %d items stored for %d messages (redeliveries)%n", pipeline.stats().stored(), n);
      }
      return rate;
    }
  }
}
