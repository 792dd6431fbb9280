package org.metricspipeline.api.timeseries;

import java.util.List;

/**
 * The values one tag key takes on a metric.
 *
 * @param values distinct values, sorted, at most the limit asked for
 * @param distinctCount how many distinct values there are in all
 */
public record TagValues(List<String> values, long distinctCount) {

  /** Copies. */
  public TagValues {
    values = List.copyOf(values);
  }

  /** Whether {@link #values()} leaves some out. */
  public boolean truncated() {
    return distinctCount > values.size();
  }
}
