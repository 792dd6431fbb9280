package org.metricspipeline.adapters.memory.internal;

import org.metricspipeline.core.Aggregations;

/**
 * Sorts parallel timestamp/value columns in core's point order ({@link Aggregations#comparePoints}:
 * timestamp, then value), without
 * boxing. A merge sort that skips merging already ordered halves, so nearly sorted input (the usual
 * case: a few late points) costs close to a linear pass.
 */
final class PointSorter {

  private static final int INSERTION_THRESHOLD = 24;

  private PointSorter() {}

  static void sort(long[] times, double[] values, int n) {
    if (n < 2) {
      return;
    }
    long[] tmpTimes = new long[n];
    double[] tmpValues = new double[n];
    sort(times, values, tmpTimes, tmpValues, 0, n);
  }

  private static void sort(long[] t, double[] v, long[] tt, double[] tv, int from, int to) {
    int n = to - from;
    if (n <= INSERTION_THRESHOLD) {
      insertionSort(t, v, from, to);
      return;
    }
    int mid = (from + to) >>> 1;
    sort(t, v, tt, tv, from, mid);
    sort(t, v, tt, tv, mid, to);
    if (compare(t[mid - 1], v[mid - 1], t[mid], v[mid]) <= 0) {
      return;
    }
    System.arraycopy(t, from, tt, from, n);
    System.arraycopy(v, from, tv, from, n);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || (i < mid && compare(tt[i], tv[i], tt[j], tv[j]) <= 0)) {
        t[k] = tt[i];
        v[k] = tv[i];
        i++;
      } else {
        t[k] = tt[j];
        v[k] = tv[j];
        j++;
      }
    }
  }

  private static void insertionSort(long[] t, double[] v, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      long kt = t[i];
      double kv = v[i];
      int j = i - 1;
      while (j >= from && compare(t[j], v[j], kt, kv) > 0) {
        t[j + 1] = t[j];
        v[j + 1] = v[j];
        j--;
      }
      t[j + 1] = kt;
      v[j + 1] = kv;
    }
  }

  static int compare(long t1, double v1, long t2, double v2) {
    return Aggregations.comparePoints(t1, v1, t2, v2);
  }
}
