package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesTest {

  private static Series series(int pointsPerChunk) {
    return new Series("system", "", "cpu", "", Map.of("host", "a"), pointsPerChunk, 0, true);
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
