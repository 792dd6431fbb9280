package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.metricspipeline.adapters.memory.Items.at;
import static org.metricspipeline.adapters.memory.Items.item;
import static org.metricspipeline.adapters.memory.Items.m;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.timeseries.RollupQuery;

/** The data directory: restarts, recovery from damaged files, bounds and ownership. */
class DurableStoreTest {

  private static final long T0 = 1_700_000_000_000L;

  @TempDir
  Path dir;

  private InMemoryStorageAdapter open() {
    return InMemoryStorageAdapter.builder().dataDir(dir).walSegmentBytes(64 << 10).build();
  }

  private static List<MetricsData> items(int from, int count) {
    List<MetricsData> items = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      items.add(item(T0 + i * 10_000L, m("cpu", Math.round(i * 1.37 % 100 * 100) / 100.0, "host", "h" + i % 3),
          m("mem", i, "host", "h" + i % 3)));
    }
    return items;
  }

  private static long count(InMemoryStorageAdapter s) {
    return s.query(MetricsQuery.builder().limit(100_000).build()).join().stream()
        .mapToLong(i -> i.metrics().size()).sum();
  }

  @Test
  void keepsEveryPointAcrossARestartWithItsContext() {
    List<MetricsData> stored;
    try (InMemoryStorageAdapter s = open()) {
      s.batchStore(items(0, 5000)).join();
      s.store(new MetricsData(at(T0), "system", List.of(m("extra", 1)), "src", Map.of("build", "42"))).join();
      stored = s.query(MetricsQuery.builder().limit(100_000).build()).join();
    }

    try (InMemoryStorageAdapter s = open()) {
      assertThat(s.loadedPoints()).isEqualTo(10_001);
      assertThat(s.query(MetricsQuery.builder().limit(100_000).build()).join()).isEqualTo(stored);
    }
  }

  @Test
  void replaysTheLogAfterACrashWithoutClose() throws IOException {
    InMemoryStorageAdapter crashed = open();
    crashed.batchStore(items(0, 100)).join();
    copyDirectory(dir, dir.resolveSibling(dir.getFileName() + "-copy"));
    crashed.close();
    Path copy = dir.resolveSibling(dir.getFileName() + "-copy");
    Files.deleteIfExists(copy.resolve("lock"));

    try (InMemoryStorageAdapter s = InMemoryStorageAdapter.builder().dataDir(copy).build()) {
      assertThat(count(s)).isEqualTo(200);
    }
  }

  @Test
  void cutsOffATornLogTailAndReportsIt() throws IOException {
    Path copy = dir.resolveSibling(dir.getFileName() + "-torn");
    try (InMemoryStorageAdapter s = open()) {
      s.batchStore(items(0, 10)).join();
      s.batchStore(items(10, 10)).join();
      copyDirectory(dir, copy);
    }
    Path segment = onlyFile(copy.resolve("wal"), ".wal");
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.setLength(f.length() - 5); // the second batch's record is torn
    }

    try (InMemoryStorageAdapter s = InMemoryStorageAdapter.builder().dataDir(copy).build()) {
      assertThat(count(s)).isEqualTo(20);
      HealthCheckResult health = s.healthCheck().join();
      assertThat(health.details().get("recovered").toString()).contains("torn", "kept 1 records");
    }
  }

  @Test
  void detectsACorruptRecordByItsChecksum() throws IOException {
    Path copy = dir.resolveSibling(dir.getFileName() + "-flip");
    try (InMemoryStorageAdapter s = open()) {
      s.batchStore(items(0, 10)).join();
      s.batchStore(items(10, 10)).join();
      copyDirectory(dir, copy);
    }
    Path segment = onlyFile(copy.resolve("wal"), ".wal");
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(f.length() - 3);
      int b = f.read();
      f.seek(f.length() - 3);
      f.write(b ^ 0x40);
    }

    try (InMemoryStorageAdapter s = InMemoryStorageAdapter.builder().dataDir(copy).build()) {
      assertThat(count(s)).isEqualTo(20);
      assertThat(s.healthCheck().join().details().get("recovered").toString()).contains("checksum mismatch");
    }
  }

  @Test
  void quarantinesACorruptChunkFileAndLoadsTheRest() throws IOException {
    try (InMemoryStorageAdapter s = open()) {
      for (int b = 0; b < 60; b++) {
        s.batchStore(items(b * 100, 100)).join(); // several 64 KiB segments, so several chunk files
      }
    }
    List<Path> chunks = files(dir.resolve("chunks"), ".chunk");
    assertThat(chunks).hasSizeGreaterThan(1);
    try (RandomAccessFile f = new RandomAccessFile(chunks.get(0).toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xFF);
    }

    try (InMemoryStorageAdapter s = open()) {
      HealthCheckResult health = s.healthCheck().join();
      assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(health.details().get("reason").toString()).contains("corrupt", ".chunk.corrupt");
      assertThat(s.loadedPoints()).isGreaterThan(0).isLessThan(12_000);
      assertThat(Files.exists(Path.of(chunks.get(0) + ".corrupt"))).isTrue();
    }
  }

  @Test
  void aSecondStoreOnTheSameDirectoryFailsWithAClearError() {
    try (InMemoryStorageAdapter first = open()) {
      assertThatThrownBy(this::open)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("is in use by another process")
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
    }
    try (InMemoryStorageAdapter again = open()) {
      assertThat(again.dataDir()).contains(dir);
    }
  }

  @Test
  void refusesItemsExplicitlyWhenTheDirectoryIsFull() {
    try (InMemoryStorageAdapter s = InMemoryStorageAdapter.builder().dataDir(dir).maxDiskBytes(1 << 20).build()) {
      MetricsBatchResult last = null;
      int batches = 0;
      while (batches < 1000) {
        last = s.batchStore(items(batches * 1000, 1000)).join();
        batches++;
        if (!last.allSucceeded()) {
          break;
        }
      }

      assertThat(last.allSucceeded()).isFalse();
      assertThat(last.failures().get(0).reason()).isEqualTo("storage full: maxDiskBytes=1048576");
      assertThat(s.diskBytes()).isLessThanOrEqualTo(1 << 20);
      assertThat(s.healthCheck().join().status()).isEqualTo(HealthStatus.DEGRADED);
    }
  }

  @Test
  void keepsRollupsAndRetentionAcrossARestart() {
    Instant cutoff = at(T0 + 2500 * 10_000L);
    AggregationQuery avg = AggregationQuery.builder("cpu", Aggregation.AVG)
        .range(TimeRange.between(at(T0), at(T0 + 5000 * 10_000L))).step(java.time.Duration.ofHours(1)).build();
    List<?> rollups;
    Object answer;
    try (InMemoryStorageAdapter s = open()) {
      s.batchStore(items(0, 5000)).join();
      s.rollup(Resolution.ONE_HOUR, TimeRange.between(at(T0 - T0 % 3_600_000),
          at(T0 + 5000 * 10_000L - (T0 + 5000 * 10_000L) % 3_600_000))).join();
      s.deleteRawBefore(cutoff).join();
      rollups = s.readRollups(RollupQuery.of("cpu", Resolution.ONE_HOUR, TimeRange.all())).join();
      answer = s.aggregate(avg).join();
    }

    try (InMemoryStorageAdapter s = open()) {
      assertThat(s.readRollups(RollupQuery.of("cpu", Resolution.ONE_HOUR, TimeRange.all())).join()).isNotEmpty().isEqualTo(rollups);
      assertThat(s.rollupWatermark(Resolution.ONE_HOUR).join()).isPresent();
      assertThat(s.aggregate(avg).join()).isEqualTo(answer);
      assertThat(s.query(MetricsQuery.builder().range(TimeRange.between(at(0), cutoff)).build()).join()).isEmpty();
      assertThat(count(s)).isEqualTo(5000);
    }
  }

  @Test
  void retentionDeletesWholeChunkFiles() throws IOException {
    try (InMemoryStorageAdapter s = open()) {
      for (int b = 0; b < 30; b++) {
        s.batchStore(items(b * 100, 100)).join();
      }
      for (int b = 0; b < 30; b++) {
        s.batchStore(items(100_000 + b * 100, 100)).join();
      }
      long before = files(dir.resolve("chunks"), ".chunk").size() + files(dir.resolve("wal"), ".wal").size();

      s.deleteRawBefore(at(T0 + 50_000 * 10_000L)).join();
      s.close();

      assertThat(files(dir.resolve("chunks"), ".chunk").size()).isLessThan((int) before);
    }
    try (InMemoryStorageAdapter s = open()) {
      assertThat(count(s)).isEqualTo(6000);
    }
  }

  private static Path onlyFile(Path dir, String suffix) throws IOException {
    List<Path> files = files(dir, suffix);
    assertThat(files).hasSize(1);
    return files.get(0);
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static void copyDirectory(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
