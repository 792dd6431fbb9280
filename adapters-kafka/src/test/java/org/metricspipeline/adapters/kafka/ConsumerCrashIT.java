package org.metricspipeline.adapters.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.RecordingStorage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer process is killed (kill -9) in the middle of storing batches; a new consumer of the
 * same group then stores the rest. Every record is stored; the duplicates (stored by the killed
 * process after its last commit, and stored again) are counted and bounded.
 */
class ConsumerCrashIT {

  @Test
  void aKilledConsumerLosesNothingAndTheNextOneStoresTheRest() throws Exception {
    String bootstrap = KafkaTestBroker.bootstrap();
    String topic = KafkaTestBroker.freshTopic("crash");
    KafkaTestBroker.createTopics(bootstrap, 3, topic);
    int total = 8000;
    try (KafkaMetricsPublisher publisher = KafkaMetricsPublisher.builder().bootstrapServers(bootstrap)
        .topicNamer(t -> topic).build()) {
      List<MetricsData> items = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        items.add(KafkaIngestionAdapterIT.item(i));
      }
      assertThat(publisher.sendBatch(items).get(60, TimeUnit.SECONDS).allSucceeded()).isTrue();
    }
    Path stored = Files.createTempFile(Path.of("target"), "crash-", ".ids");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), bootstrap, topic, topic,
        stored.toString()).redirectErrorStream(true).redirectOutput(Path.of("target", "crash-child.log").toFile())
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (Files.readAllLines(stored).size() < total / 4) {
        assertThat(child.isAlive()).as("the child consumer runs (see target/crash-child.log)").isTrue();
        assertThat(System.nanoTime()).as("the child stored a quarter in time").isLessThan(deadline);
        TimeUnit.MILLISECONDS.sleep(20);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: no close, no last commit
      child.waitFor(30, TimeUnit.SECONDS);
    }
    List<String> byChild = Files.readAllLines(stored);
    assertThat(byChild.size()).isLessThan(total);
    RecordingStorage store = RecordingStorage.wrapping(InMemoryStorageAdapter.create());
    try (MetricsPipeline pipeline = KafkaIngestionAdapterIT.pipeline(store,
        KafkaIngestionAdapter.builder().bootstrapServers(bootstrap).topics(topic).groupId(topic).build(), 10_000)) {
      pipeline.startProcessing();
      Set<String> all = new HashSet<>(byChild);
      KafkaIngestionAdapterIT.await(() -> {
        Set<String> union = new HashSet<>(all);
        union.addAll(store.ids());
        return union.size() == total;
      }, java.time.Duration.ofSeconds(120), "every record stored by one or the other");
      TimeUnit.SECONDS.sleep(2); // nothing more should come
      all.addAll(store.ids());
      long duplicates = byChild.size() + store.storedCount() - total;
      System.out.printf("kill -9: child stored %d, the next consumer %d, %d duplicates of %d records%n",
          byChild.size(), store.storedCount(), duplicates, total);
      assertThat(all).hasSize(total);
      assertThat(new HashSet<>(byChild)).hasSize(byChild.size());
      assertThat(duplicates).as("bounded by what the child stored after its last commit").isLessThan(total / 4);
    }
  }
}
