package org.metricspipeline.adapters.memory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;

/**
 * The child process of {@link KillDrillTest}: opens a durable store and stores numbered points
 * until killed, printing {@code ACK <run> <from> <to>} once each batch is acknowledged.
 *
 * <p>Arguments: data directory, fsync policy ({@code BATCH} or {@code INTERVAL}), run name.
 */
public final class KillDrillWriter {

  static final long T0 = 1_700_000_000_000L;
  static final int BATCH = 50;

  private KillDrillWriter() {}

  /** Runs until killed. */
  public static void main(String[] args) {
    InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().dataDir(Path.of(args[0]))
        .fsync(FsyncPolicy.valueOf(args[1])).walSegmentBytes(64 << 10).build();
    String run = args[2];
    System.out.println("OPEN " + storage.loadedPoints());
    System.out.flush();
    Map<String, String> tags = Map.of("run", run);
    for (long seq = 0; ; seq += BATCH) {
      List<MetricsData> items = new ArrayList<>(BATCH);
      for (long i = seq; i < seq + BATCH; i++) {
        items.add(MetricsData.of(Instant.ofEpochMilli(T0 + i * 1000), "drill",
            List.of(new Metric("drill", i, "", tags))));
      }
      MetricsBatchResult result = storage.batchStore(items).join();
      if (!result.allSucceeded()) {
        throw new IllegalStateException("refused: " + result.failures());
      }
      System.out.println("ACK " + run + " " + seq + " " + (seq + BATCH - 1));
      System.out.flush();
    }
  }
}
