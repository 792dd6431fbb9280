package org.metricspipeline.adapters.kafka;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.testkit.RecordingStorage;

/**
 * The child process of {@link ConsumerCrashIT}: consumes a topic into a store that appends each
 * stored item's id to a file (one line each, written before the store answers), slowly, until it
 * is killed.
 */
public final class CrashChild {

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    String group = args[2];
    FileOutputStream out = new FileOutputStream(args[3], true);
    // slow storage that writes each id to the file before storing it: batches are in flight when the kill comes
    RecordingStorage store = RecordingStorage.wrapping(InMemoryStorageAdapter.create()).beforeEachStore(batch -> {
      StringBuilder lines = new StringBuilder();
      for (MetricsData d : batch) {
        lines.append(RecordingStorage.id(d)).append('\n');
      }
      try {
        Thread.sleep(30);
        synchronized (out) {
          out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    KafkaIngestionAdapter adapter = KafkaIngestionAdapter.builder().bootstrapServers(bootstrap).topics(topic)
        .groupId(group).build();
    MetricsPipeline pipeline = MetricsPipeline.builder().storage(store).ingestion(adapter).batchSize(100)
        .processingInterval(Duration.ofMillis(20)).build();
    pipeline.startProcessing();
    System.out.println("consuming");
    new CountDownLatch(1).await(); // until killed
  }
}
