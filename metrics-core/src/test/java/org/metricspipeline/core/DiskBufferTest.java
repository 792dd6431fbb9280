package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.metricspipeline.core.internal.FramedRecords;

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
    Path copy = crashCopy(dir, "copy");
    crashed.close();

    try (DiskBuffer b = DiskBuffer.builder(copy).build()) {
      assertThat(b.recovered()).hasSize(3);
    }
  }

  /** What a kill -9 leaves: the directory's files as they are now, without closing the buffer. */
  private Path crashCopy(Path from, String name) throws IOException {
    Path copy = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-" + name));
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!f.getFileName().toString().equals("lock")) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
      }
    }
    return copy;
  }

  private static List<Double> values(List<DiskBuffer.Pending> pending) {
    List<Double> out = new ArrayList<>();
    for (DiskBuffer.Pending p : pending) {
      out.add(p.item().metrics().get(0).value());
    }
    return out;
  }

  /**
   * The order of the lost point in the kill drill: items recovered from a crashed process are still
   * outstanding while newer items are appended and settled first (and some recovered ones out of
   * order); a checkpoint must not move past any unsettled item, and a second crash gives back
   * every unsettled one, recovered and new, each under its own sequence number.
   */
  @Test
  void recoveredItemsOutstandingWhileNewerOnesSettleFirstSurviveASecondCrash() throws IOException {
    DiskBuffer first = DiskBuffer.builder(dir).build();
    long s0 = first.append(items(0, 10));
    for (int i = 0; i < 4; i++) {
      first.settle(s0 + i);
    }
    first.checkpoint();
    Path afterFirstCrash = crashCopy(dir, "crash1");
    first.close();

    Path afterSecondCrash;
    try (DiskBuffer second = DiskBuffer.builder(afterFirstCrash).build()) {
      assertThat(values(second.recovered())).containsExactly(4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
      long s1 = second.append(items(10, 10));
      assertThat(s1).as("a sequence number is never reused").isEqualTo(10);
      for (int i = 9; i >= 0; i--) { // the new items settle first, newest first
        second.settle(s1 + i);
      }
      second.checkpoint();
      second.settle(second.recovered().get(5).sequence()); // 9
      second.settle(second.recovered().get(3).sequence()); // 7
      second.checkpoint();
      long s2 = second.append(items(20, 3));
      second.settle(s2 + 1);
      second.checkpoint();
      afterSecondCrash = crashCopy(afterFirstCrash, "crash2");
    }

    try (DiskBuffer third = DiskBuffer.builder(afterSecondCrash).build()) {
      // at-least-once: everything from the lowest unsettled item on comes back, settled or not
      assertThat(values(third.recovered())).contains(4.0, 5.0, 6.0, 8.0, 20.0, 22.0).doesNotHaveDuplicates();
      for (DiskBuffer.Pending p : third.recovered()) {
        assertThat(p.item().metrics().get(0).value()).as("the item of sequence %d", p.sequence())
            .isEqualTo((double) p.sequence());
      }
      assertThat(third.append(items(23, 1))).isEqualTo(23);
    }
  }

  @Test
  void anItemThatDoesNotDecodeKeepsTheOthersOnTheirOwnSequenceNumbers() throws IOException {
    String json = "[" + new String(MetricsJson.encode(items(0, 1).get(0)), StandardCharsets.UTF_8)
        + ",{\"metric_type\":\"t\"},"
        + new String(MetricsJson.encode(items(2, 1).get(0)), StandardCharsets.UTF_8) + "]";
    byte[] items = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer payload = ByteBuffer.allocate(12 + items.length).putLong(0).putInt(3).put(items);
    try (FileChannel log = FileChannel.open(Files.createDirectories(dir).resolve("0000000000000001.buf"),
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      log.write(FramedRecords.frame(payload.array(), payload.capacity()));
    }

    try (DiskBuffer b = DiskBuffer.builder(dir).build()) {
      assertThat(b.recovered()).extracting(DiskBuffer.Pending::sequence).containsExactly(0L, 2L);
      assertThat(values(b.recovered())).containsExactly(0.0, 2.0);
      assertThat(b.append(items(3, 1))).as("the next sequence number, past the one that did not decode").isEqualTo(3);
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
