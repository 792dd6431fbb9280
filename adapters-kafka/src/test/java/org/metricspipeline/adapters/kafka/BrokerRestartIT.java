package org.metricspipeline.adapters.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.RecordingStorage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker is stopped and started again ({@code scripts/kafka.sh stop|start}) while records are
 * produced and consumed: no record is lost, and the adapter's health is unhealthy while the broker
 * is down and healthy again after. Runs its own broker (data dir {@code target/kafka-restart}) so
 * the other tests keep theirs.
 */
class BrokerRestartIT {

  private static final Path DIR = Path.of("target", "kafka-restart").toAbsolutePath();
  private static String bootstrap;

  @BeforeAll
  static void startOwnBroker() throws Exception {
    KafkaTestBroker.bootstrap(); // same fail (CI) / skip policy when no broker is set up
    bootstrap = KafkaTestBroker.script(DIR, "start");
  }

  @AfterAll
  static void stopOwnBroker() throws Exception {
    if (bootstrap != null) {
      KafkaTestBroker.script(DIR, "stop");
    }
  }

  @Test
  void nothingIsLostAcrossABrokerRestartAndHealthFollowsTheBroker() throws Exception {
    String topic = KafkaTestBroker.freshTopic("restart");
    KafkaTestBroker.createTopics(bootstrap, 2, topic);
    int total = 3000;
    RecordingStorage store = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    KafkaIngestionAdapter adapter = KafkaIngestionAdapter.builder().bootstrapServers(bootstrap).topics(topic)
        .groupId(topic).healthTimeout(Duration.ofSeconds(3)).build();
    HealthCheckResult whileDown;
    long sendWhileDownNanos;
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    try (KafkaMetricsPublisher publisher = KafkaMetricsPublisher.builder().bootstrapServers(bootstrap)
            .topicNamer(t -> topic).maxBlock(Duration.ofMinutes(3)).property("delivery.timeout.ms", 300_000)
            .property("request.timeout.ms", 10_000).build();
        MetricsPipeline pipeline = KafkaIngestionAdapterIT.pipeline(store, adapter, 10_000)) {
      pipeline.startProcessing();
      assertThat(adapter.healthCheck().get(30, TimeUnit.SECONDS).isHealthy()).isTrue();
      for (int i = 0; i < total / 2; i++) {
        sent.add(publisher.send(KafkaIngestionAdapterIT.item(i)));
      }
      KafkaIngestionAdapterIT.await(() -> store.distinct() >= total / 4, Duration.ofSeconds(60), "a quarter stored");
      KafkaTestBroker.script(DIR, "stop"); // mid-stream: records are in flight to the consumer
      whileDown = adapter.healthCheck().get(30, TimeUnit.SECONDS);
      // Sent while no broker answers: send never blocks its caller (the send thread waits for the
      // metadata, up to maxBlock per record), the records go out once the broker is back.
      long before = System.nanoTime();
      for (int i = total / 2; i < total; i++) {
        sent.add(publisher.send(KafkaIngestionAdapterIT.item(i)));
      }
      sendWhileDownNanos = System.nanoTime() - before;
      assertThat(KafkaTestBroker.script(DIR, "start")).isEqualTo(bootstrap); // same port, same data
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
      KafkaIngestionAdapterIT.await(() -> store.distinct() == total, Duration.ofSeconds(180), "every record stored");
      System.out.printf("broker restart: %d records, %d stored, %d duplicates%n", total, store.storedCount(),
          store.duplicates());
      // 1500 sends while the broker is down: the caller never waited for it (a blocked send would
      // take max.block.ms, here 3 min).
      assertThat(Duration.ofNanos(sendWhileDownNanos)).isLessThan(Duration.ofSeconds(60));
      assertThat(whileDown.status()).isEqualTo(HealthStatus.UNHEALTHY);
      assertThat(String.valueOf(whileDown.details().get("reason"))).contains("broker unreachable");
      KafkaIngestionAdapterIT.await(() -> adapter.healthCheck().join().isHealthy(), Duration.ofSeconds(60),
          "healthy again");
      assertThat(store.distinct()).isEqualTo(total);
    }
  }
}
