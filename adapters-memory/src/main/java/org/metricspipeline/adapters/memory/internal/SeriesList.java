package org.metricspipeline.adapters.memory.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An append-only list of series that readers can view without locking: the array is replaced (never
 * shrunk) before the size is published, so a reader that reads the size first sees every element
 * below it.
 */
final class SeriesList {

  private volatile Series[] array = new Series[8];
  private volatile int size;

  synchronized void add(Series series) {
    Series[] a = array;
    int n = size;
    if (n == a.length) {
      a = Arrays.copyOf(a, n * 2);
      a[n] = series;
      array = a;
    } else {
      a[n] = series;
    }
    size = n + 1;
  }

  int size() {
    return size;
  }

  /** The series added so far, as an unmodifiable view. */
  List<Series> view() {
    int n = size;
    Series[] a = array;
    return Collections.unmodifiableList(Arrays.asList(a).subList(0, n));
  }
}
