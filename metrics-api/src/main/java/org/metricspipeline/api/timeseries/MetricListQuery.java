package org.metricspipeline.api.timeseries;

import java.util.Objects;

/**
 * A page of the metric list: metric names containing {@link #search()} (case-insensitive; empty
 * matches all), ordered by name (code point), page {@link #page()} of {@link #pageSize()} names.
 *
 * @param page the page, from 1
 * @param pageSize names per page, 1 to {@link #MAX_PAGE_SIZE}
 * @param search the substring to look for, {@code ""} for all
 */
public record MetricListQuery(int page, int pageSize, String search) {

  /** Default page size. */
  public static final int DEFAULT_PAGE_SIZE = 50;
  /** Largest page size. */
  public static final int MAX_PAGE_SIZE = 1000;

  /** Validates, naming the field and its allowed range. */
  public MetricListQuery {
    if (page < 1) {
      throw new IllegalArgumentException("page must be >= 1, got " + page);
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("page_size must be between 1 and " + MAX_PAGE_SIZE + ", got " + pageSize);
    }
    Objects.requireNonNull(search, "search (use \"\" for none)");
  }

  /** The first page of every metric. */
  public static MetricListQuery firstPage() {
    return new MetricListQuery(1, DEFAULT_PAGE_SIZE, "");
  }
}
