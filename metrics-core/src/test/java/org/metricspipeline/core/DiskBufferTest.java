package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.OverloadedException;

class DiskBufferTest {

  @TempDir
  Path dir;

  private static List<MetricsData> items(int from, int n) {
    List<MetricsData> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(MetricsData.of(Instant.ofEpochMilli(1_700_000_000_000L + i), "t", List.of(Metric.of("m", i))));
    }
    return out;
  }

  @Test
  void givesBackWhatWasNotSettledAfterARestart() {
    try (DiskBuffer b = DiskBuffer.builder(dir).build()) {
      long first = b.append(items(0, 10));
      for (int i = 0; i < 4; i++) {
        b.settle(first + i);
      }
    }

    try (DiskBuffer b = DiskBuffer.builder(dir).build()) {
      assertThat(b.recovered()).extracting(p -> p.item().metrics().get(0).value())
          .containsExactly(4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
      assertThat(b.append(items(10, 1))).isEqualTo(10);
    }
  }

  @Test
  void givesBackEverythingAppendedWhenTheProcessDiedBeforeAnyCheckpoint() throws IOException {
    DiskBuffer crashed = DiskBuffer.builder(dir).build();
    crashed.append(items(0, 3));
    Path copy = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-copy"));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!f.getFileName().toString().equals("lock")) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
      }
    }
    crashed.close();

    try (DiskBuffer b = DiskBuffer.builder(copy).build()) {
      assertThat(b.recovered()).hasSize(3);
    }
  }

  @Test
  void cutsOffATornTail() throws IOException {
    try (DiskBuffer b = DiskBuffer.builder(dir).build()) {
      b.append(items(0, 2));
      b.append(items(2, 2));
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir)) {
      segment = files.filter(f -> f.toString().endsWith(".buf") && f.toFile().length() > 0).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.setLength(f.length() - 3);
    }

    try (DiskBuffer b = DiskBuffer.builder(dir).build()) {
      assertThat(b.recovered()).hasSize(2);
    }
  }

  @Test
  void refusesWithRetryAfterWhenFull() {
    try (DiskBuffer b = DiskBuffer.builder(dir).maxBytes(1 << 20).build()) {
      assertThatThrownBy(() -> {
        for (int i = 0; i < 100_000; i++) {
          b.append(items(i * 100, 100));
        }
      }).isInstanceOf(OverloadedException.class).hasMessageContaining("disk buffer is full (maxBytes=1048576)");
      assertThat(b.bytes()).isLessThanOrEqualTo(1 << 20);
    }
  }

  @Test
  void oneProcessOwnsADirectory() {
    try (DiskBuffer b = DiskBuffer.builder(dir).build()) {
      assertThatThrownBy(() -> DiskBuffer.builder(dir).build())
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("is in use by another process");
    }
  }
}
