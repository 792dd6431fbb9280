package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SealerTest {

  private final Sealer sealer = new Sealer();

  @AfterEach
  void close() {
    sealer.close();
  }

  /** A series of 16-point chunks with {@code full} full chunks, none sealed. */
  private static List<Chunk> fullChunks(Series s, int full) {
    List<Chunk> filled = new ArrayList<>();
    int n = full * 16 + 1; // the last point opens one more chunk, so every full one is handed over
    long[] times = new long[n];
    double[] values = new double[n];
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      times[i] = i * 1000L;
      values[i] = i;
      order[i] = i;
    }
    s.appendOrdered(times, values, order, 0, n, filled);
    return filled;
  }

  private static Series series(int ordinal) {
    return new Series(new SeriesKey("t", "", "m" + ordinal, "", Map.of()), 16, ordinal, true);
  }

  private static int sealedChunks(Series s) {
    SeriesSnapshot snap = s.snapshot();
    int sealed = 0;
    for (int c = 0; c < snap.chunkCount(); c++) {
      sealed += snap.chunk(c).isSealed() ? 1 : 0;
    }
    return sealed;
  }

  @Test
  void handingOverABurstBeyondTheLimitNeverSealsOnTheCallersThread() {
    Series s = series(0);
    List<Chunk> full = fullChunks(s, Sealer.BACKLOG_LIMIT * 2);
    // a closed sealer runs no thread: whatever gets sealed, the caller sealed
    Sealer stopped = new Sealer();
    stopped.close();
    for (Chunk c : full) {
      stopped.seal(s, c);
    }
    assertThat(sealedChunks(s)).isZero();
    assertThat(stopped.backlog()).isEqualTo(full.size());
  }

  @Test
  void writersSealABatchOnlyWhileTheBacklogIsOverTheLimit() {
    Series s = series(0);
    List<Chunk> full = fullChunks(s, Sealer.BACKLOG_LIMIT + 2 * Sealer.HELP_BATCH);
    Sealer stopped = new Sealer();
    stopped.close();
    full.forEach(c -> stopped.seal(s, c));

    stopped.helpIfBehind();
    assertThat(sealedChunks(s)).isEqualTo(Sealer.HELP_BATCH);
    stopped.helpIfBehind();
    stopped.helpIfBehind();
    assertThat(sealedChunks(s)).isEqualTo(2 * Sealer.HELP_BATCH);
    assertThat(stopped.backlog()).isEqualTo(Sealer.BACKLOG_LIMIT);
  }

  @Test
  void theSealerThreadSealsEveryChunkHandedOverAndKeepsThePoints() {
    Series s = series(0);
    List<Chunk> full = fullChunks(s, 3 * Sealer.BACKLOG_LIMIT);
    full.forEach(c -> sealer.seal(s, c));
    sealer.awaitIdle();

    assertThat(sealer.backlog()).isZero();
    assertThat(sealedChunks(s)).isEqualTo(full.size());
    assertThat(s.pointCount()).isEqualTo(full.size() * 16L + 1);
    SeriesSnapshot snap = s.snapshot();
    long expected = 0;
    for (long p = snap.lowerBound(Long.MIN_VALUE); p != snap.endPosition(); p = snap.next(p)) {
      assertThat(snap.timeAt(p)).isEqualTo(expected * 1000L);
      expected++;
    }
    assertThat(expected).isEqualTo(full.size() * 16L + 1);
  }

  @Test
  void seriesWrittenInStepFillTheirChunksAtDifferentPoints() {
    int pointsPerChunk = 1024;
    List<Integer> fullAt = new ArrayList<>();
    for (int ordinal = 0; ordinal < 64; ordinal++) {
      Series s = new Series(new SeriesKey("t", "", "m", "", Map.of("o", "" + ordinal)), pointsPerChunk, ordinal, true);
      List<Chunk> filled = new ArrayList<>();
      int point = 0;
      // the same points in step: the first chunk of full size to fill shows where the cycle lies
      while (filled.stream().noneMatch(c -> c.capacity() > 512)) {
        s.appendOrdered(new long[] {point * 1000L}, new double[] {point}, new int[] {0}, 0, 1, filled);
        point++;
      }
      for (Chunk c : filled) {
        assertThat(c.capacity()).isBetween(16 - 16 / 4 + 1, 1024);
      }
      fullAt.add(point);
    }
    assertThat(fullAt.get(0)).as("ordinal 0 keeps the nominal sizes 16, 32, ..., 1024")
        .isEqualTo(16 + 32 + 64 + 128 + 256 + 512 + 1024 + 1);
    assertThat(fullAt.stream().distinct().count()).as("points at which each series filled a full-size chunk")
        .isGreaterThan(48);
  }
}
