package org.metricspipeline.adapters.http;

import java.nio.file.Path;
import java.time.Duration;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.core.MetricsPipeline;

/**
 * The child process of {@link DiskBufferKillIT}: an HTTP channel answering 202 once accepted, with
 * a disk buffer, feeding a pipeline into a durable store. Prints {@code PORT <n>} and serves until
 * killed. Arguments: the store's data directory, the disk buffer's directory.
 */
public final class DiskBufferDrillServer {

  private DiskBufferDrillServer() {}

  /** Serves until killed. */
  public static void main(String[] args) throws Exception {
    InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().dataDir(Path.of(args[0])).build();
    HttpIngestionAdapter http = start(storage, Path.of(args[1]));
    MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http)
        .processingInterval(Duration.ofMillis(50)).build();
    pipeline.startProcessing();
    System.out.println("PORT " + http.port());
    System.out.flush();
    Thread.currentThread().join();
  }

  static HttpIngestionAdapter start(InMemoryStorageAdapter storage, Path buffer) {
    return HttpIngestionAdapter.builder().port(0).storage(storage).ackMode(AckMode.ACCEPTED)
        .capacity(1_000_000).diskBuffer(buffer).build();
  }
}
