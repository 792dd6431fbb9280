package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PointSorterTest {

  private record P(long t, double v) {}

  @Test
  void sortsByTimeThenValueLikeAComparatorSort() {
    Random r = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = r.nextInt(300);
      long[] t = new long[n];
      double[] v = new double[n];
      List<P> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        t[i] = r.nextInt(round % 2 == 0 ? 20 : 10_000) - 5;
        v[i] = r.nextInt(5) - 2 + (r.nextInt(10) == 0 ? -0.0 : 0);
        expected.add(new P(t[i], v[i]));
      }
      if (round % 3 == 0) { // nearly sorted input, the usual case
        expected.sort(Comparator.comparingLong(P::t).thenComparing(P::v, Double::compare));
        for (int i = 0; i < n; i++) {
          t[i] = expected.get(i).t();
          v[i] = expected.get(i).v();
        }
        if (n > 2) {
          t[n - 1] = t[0] - 1;
          expected.set(n - 1, new P(t[n - 1], v[n - 1]));
        }
      }
      expected.sort(Comparator.comparingLong(P::t).thenComparing(P::v, Double::compare));

      PointSorter.sort(t, v, n);

      List<P> actual = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        actual.add(new P(t[i], v[i]));
      }
      assertThat(actual).isEqualTo(expected);
    }
  }
}
