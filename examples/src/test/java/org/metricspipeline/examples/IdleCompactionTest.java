package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdleCompactionTest {

  private static final long S = 1_000_000_000L;
  private static final long MB = 1L << 20;

  @Test
  void compactsOnceAfterCollectionsStopForFiveSecondsWhenTheHeapIsWorthShrinking() {
    IdleCompaction.State state = new IdleCompaction.State();
    assertThat(state.compactNow(3, 0, 2_000 * MB, 500 * MB)).as("first look: collections ran").isFalse();
    assertThat(state.compactNow(7, 1 * S, 2_000 * MB, 500 * MB)).as("still collecting").isFalse();
    assertThat(state.compactNow(7, 5 * S, 2_000 * MB, 500 * MB)).as("quiet for 4 s only").isFalse();
    assertThat(state.compactNow(7, 6 * S, 2_000 * MB, 500 * MB)).as("quiet for 5 s").isTrue();
    state.collected(8); // its own full collection
    assertThat(state.compactNow(8, 7 * S, 2_000 * MB, 500 * MB)).as("not its own collection again").isFalse();
    assertThat(state.compactNow(8, 60 * S, 2_000 * MB, 500 * MB)).as("once per quiet spell").isFalse();
    assertThat(state.compactNow(9, 61 * S, 2_000 * MB, 500 * MB)).isFalse();
    assertThat(state.compactNow(9, 66 * S, 2_000 * MB, 500 * MB)).as("activity, then quiet again").isTrue();
  }

  @Test
  void leavesAHeapAloneThatIsNotMuchLargerThanWhatIsInUse() {
    IdleCompaction.State state = new IdleCompaction.State();
    state.compactNow(1, 0, 700 * MB, 500 * MB);
    assertThat(state.compactNow(1, 10 * S, 700 * MB, 500 * MB)).as("1.4x").isFalse();

    IdleCompaction.State small = new IdleCompaction.State();
    small.compactNow(1, 0, 100 * MB, 40 * MB);
    assertThat(small.compactNow(1, 10 * S, 100 * MB, 40 * MB)).as("2.5x but only 60 MB to gain").isFalse();
  }

  @Test
  void doesNothingBeforeAnyCollection() {
    IdleCompaction.State state = new IdleCompaction.State();
    assertThat(state.compactNow(0, 0, 2_000 * MB, 10 * MB)).isFalse();
    assertThat(state.compactNow(0, 60 * S, 2_000 * MB, 10 * MB)).isFalse();
  }
}
