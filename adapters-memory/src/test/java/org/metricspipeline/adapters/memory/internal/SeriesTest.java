package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesTest {

  private static Series series(int pointsPerChunk) {
    return new Series(new SeriesKey("system", "", "cpu", "", Map.of("host", "a")), pointsPerChunk, 0, true);
  }

  private static List<Long> times(SeriesSnapshot s) {
    List<Long> times = new ArrayList<>();
    for (long p = s.lowerBound(Long.MIN_VALUE); p != s.endPosition(); p = s.next(p)) {
      times.add(s.timeAt(p));
    }
    return times;
  }

  @Test
  void growsChunksFromSixteenPointsUpToTheConfiguredSize() {
    Series s = series(64);
    for (int t = 0; t < 300; t++) {
      s.append(t, t);
    }

    SeriesSnapshot snapshot = s.snapshot();
    List<Integer> capacities = new ArrayList<>();
    for (int c = 0; c < snapshot.chunkCount(); c++) {
      capacities.add(snapshot.chunk(c).capacity());
    }

    assertThat(capacities).containsExactly(16, 32, 64, 64, 64, 64);
  }

  @Test
  void startsASmallSeriesWithRoomForFourPointsAndGrowsItsFirstChunkBySixteen() {
    Series s = series(64);
    List<Integer> capacities = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      s.append(t, t);
      capacities.add(s.snapshot().chunk(0).capacity());
    }

    assertThat(capacities.subList(0, 4)).containsOnly(4);
    assertThat(capacities.subList(4, 8)).containsOnly(8);
    assertThat(capacities.subList(8, 16)).containsOnly(16);
    assertThat(s.snapshot().chunkCount()).isEqualTo(1);
  }

  @Test
  void keepsSnapshotsTakenBeforeTheFirstChunkGrewReadable() {
    Series s = series(64);
    for (int t = 0; t < 4; t++) {
      s.append(t, t * 10);
    }
    SeriesSnapshot before = s.snapshot();
    for (int t = 4; t < 12; t++) {
      s.append(t, -1);
    }

    assertThat(times(before)).containsExactly(0L, 1L, 2L, 3L);
    assertThat(before.valueAt(before.lowerBound(3))).isEqualTo(30);
    assertThat(times(s.snapshot())).hasSize(12);
  }

  @Test
  void leavesFullChunksForTheCallerToSealAndTakesTheirSealedTwins() {
    Series s = series(16);
    List<Chunk> toSeal = new ArrayList<>();
    long[] times = new long[40];
    double[] values = new double[40];
    int[] order = new int[40];
    for (int k = 0; k < 40; k++) {
      times[k] = k * 1000L;
      values[k] = k / 4.0;
      order[k] = 39 - k; // the columns in reverse: the order given is the order appended
    }
    for (int k = 0; k < 20; k++) {
      long t = times[k];
      times[k] = times[39 - k];
      times[39 - k] = t;
      double v = values[k];
      values[k] = values[39 - k];
      values[39 - k] = v;
    }

    s.appendOrdered(times, values, order, 0, 40, toSeal);

    assertThat(toSeal).hasSize(2).allMatch(c -> !c.isSealed() && c.isFull()); // 16 + 16 + 8 points
    SeriesSnapshot unsealed = s.snapshot();
    for (Chunk full : toSeal) {
      s.sealed(full, full.seal());
    }
    SeriesSnapshot sealed = s.snapshot();
    assertThat(sealed.chunk(0).isSealed()).isTrue();
    assertThat(sealed.chunk(1).isSealed()).isTrue();
    assertThat(sealed.chunk(2).isSealed()).isFalse();
    assertThat(times(sealed)).isEqualTo(times(unsealed)).hasSize(40);
    assertThat(sealed.valueAt(sealed.lowerBound(39_000))).isEqualTo(9.75);
  }

  @Test
  void leavesSnapshotsTakenBeforeLatePointsUnchanged() {
    Series s = series(16);
    for (int t = 10; t < 100; t++) {
      s.append(t, 0);
    }
    SeriesSnapshot before = s.snapshot();
    s.append(5, 0);
    s.append(50, 1);

    SeriesSnapshot after = s.snapshot();

    assertThat(times(before)).hasSize(90).isSorted().startsWith(10L);
    assertThat(times(after)).hasSize(92).isSorted().startsWith(5L);
  }

  @Test
  void resortsOnlyChunksFromTheEarliestLatePointOnwards() {
    Series s = series(16);
    for (int t = 0; t < 200; t++) {
      s.append(t, 0);
    }
    SeriesSnapshot before = s.snapshot();
    s.append(150, 1);

    SeriesSnapshot after = s.snapshot();

    int kept = 0;
    while (kept < after.chunkCount() && after.chunk(kept) == before.chunk(kept)) {
      kept++;
    }
    assertThat(before.chunk(kept).base).isLessThanOrEqualTo(150);
    assertThat(kept).isGreaterThan(3);
    assertThat(times(after)).hasSize(201).isSorted();
  }

  @Test
  void findsTheFirstPositionAtOrAfterATime() {
    Series s = series(16);
    for (int t = 0; t < 100; t += 2) {
      s.append(t, t);
    }
    SeriesSnapshot snapshot = s.snapshot();

    assertThat(snapshot.timeAt(snapshot.lowerBound(31))).isEqualTo(32);
    assertThat(snapshot.timeAt(snapshot.lowerBound(32))).isEqualTo(32);
    assertThat(snapshot.lowerBound(99)).isEqualTo(snapshot.endPosition());
    assertThat(snapshot.countBetween(snapshot.lowerBound(10), snapshot.lowerBound(60))).isEqualTo(25);
  }
}
