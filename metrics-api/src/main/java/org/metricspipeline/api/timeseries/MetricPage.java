package org.metricspipeline.api.timeseries;

import java.util.List;
import java.util.Objects;

/**
 * A page of the metric list.
 *
 * @param metrics the metrics on this page, ordered by name
 * @param page the page number, from 1
 * @param pageSize the page size asked for
 * @param total the number of metrics matching the search, on all pages
 */
public record MetricPage(List<MetricSummary> metrics, int page, int pageSize, long total) {

  /** Validates and copies. */
  public MetricPage {
    metrics = List.copyOf(Objects.requireNonNull(metrics, "metrics"));
  }

  /** Whether a later page has more metrics. */
  public boolean hasNext() {
    return (long) page * pageSize < total;
  }
}
