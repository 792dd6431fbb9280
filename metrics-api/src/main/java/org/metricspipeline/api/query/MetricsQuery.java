package org.metricspipeline.api.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Selects stored points (one point = one {@code Metric} of one stored {@code MetricsData}) and reads
 * them back.
 *
 * <p>Semantics every store implements:
 *
 * <ul>
 *   <li>A point matches when its item's metric type equals {@link #metricType()} (if given), its name
 *       is one of {@link #metricNames()} (if any are given), its timestamp lies in {@link #range()}
 *       (half-open), and its tags contain every entry of {@link #tags()} (exact, case-sensitive).
 *   <li>Matching points are ordered by timestamp, then metric type, source, metric name, the sorted
 *       tag keys, the tag values in key order, and value; strings compare by Unicode code point.
 *   <li>{@link #offset()} and {@link #limit()} count points in that order.
 *   <li>The page is returned as {@code MetricsData} items: consecutive points with the same timestamp,
 *       metric type and source form one item, in the order above. Timestamps have millisecond
 *       precision.
 * </ul>
 *
 * <pre>{@code
 * MetricsQuery q = MetricsQuery.builder()
 *     .metricType("system").metricNames("cpu_usage")
 *     .range(TimeRange.between(start, end)).tag("host", "web-1")
 *     .limit(500).build();
 * }</pre>
 */
public final class MetricsQuery {

  /** Default page size. */
  public static final int DEFAULT_LIMIT = 100;
  /** Largest page size. */
  public static final int MAX_LIMIT = 100_000;

  private final String metricType;
  private final List<String> metricNames;
  private final TimeRange range;
  private final Map<String, String> tags;
  private final int limit;
  private final int offset;

  private MetricsQuery(Builder b) {
    this.metricType = b.metricType;
    this.metricNames = List.copyOf(b.metricNames);
    this.range = b.range;
    this.tags = Map.copyOf(b.tags);
    this.limit = b.limit;
    this.offset = b.offset;
  }

  /** A builder matching everything, first page of {@link #DEFAULT_LIMIT} points. */
  public static Builder builder() {
    return new Builder();
  }

  /** The metric type to match, if restricted. */
  public Optional<String> metricType() {
    return Optional.ofNullable(metricType);
  }

  /** The metric names to match; empty matches every name. */
  public List<String> metricNames() {
    return metricNames;
  }

  /** The time range to match. */
  public TimeRange range() {
    return range;
  }

  /** Tags a point must carry (each key with exactly this value). */
  public Map<String, String> tags() {
    return tags;
  }

  /** The most points to return, 1 to {@link #MAX_LIMIT}. */
  public int limit() {
    return limit;
  }

  /** How many matching points to skip first. */
  public int offset() {
    return offset;
  }

  /** A builder starting from this query. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.metricType = metricType;
    b.metricNames.addAll(metricNames);
    b.range = range;
    b.tags.putAll(tags);
    b.limit = limit;
    b.offset = offset;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetricsQuery q && Objects.equals(metricType, q.metricType)
        && metricNames.equals(q.metricNames) && range.equals(q.range) && tags.equals(q.tags)
        && limit == q.limit && offset == q.offset;
  }

  @Override
  public int hashCode() {
    return Objects.hash(metricType, metricNames, range, tags, limit, offset);
  }

  @Override
  public String toString() {
    return "MetricsQuery{type=" + metricType + ", names=" + metricNames + ", range=" + range
        + ", tags=" + tags + ", limit=" + limit + ", offset=" + offset + "}";
  }

  /** Builds a {@link MetricsQuery}; setters validate their argument and name it on failure. */
  public static final class Builder {
    private String metricType;
    private final List<String> metricNames = new ArrayList<>();
    private TimeRange range = TimeRange.all();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private int limit = DEFAULT_LIMIT;
    private int offset;

    private Builder() {}

    /** Match only this metric type. */
    public Builder metricType(String metricType) {
      this.metricType = Objects.requireNonNull(metricType, "metricType");
      return this;
    }

    /** Match only these names (adds to earlier ones). */
    public Builder metricNames(String... names) {
      for (String name : names) {
        metricNames.add(Objects.requireNonNull(name, "metric name"));
      }
      return this;
    }

    /** Match only these names (adds to earlier ones). */
    public Builder metricNames(List<String> names) {
      return metricNames(names.toArray(String[]::new));
    }

    /** Match only this time range. */
    public Builder range(TimeRange range) {
      this.range = Objects.requireNonNull(range, "range");
      return this;
    }

    /** Match only {@code [start, end)}. */
    public Builder between(Instant start, Instant end) {
      return range(TimeRange.between(start, end));
    }

    /** Match only points carrying this tag with this value. */
    public Builder tag(String key, String value) {
      tags.put(Objects.requireNonNull(key, "tag key"), Objects.requireNonNull(value, "tag value"));
      return this;
    }

    /** Match only points carrying all these tags. */
    public Builder tags(Map<String, String> tags) {
      tags.forEach(this::tag);
      return this;
    }

    /** The most points to return, 1 to {@link #MAX_LIMIT}. */
    public Builder limit(int limit) {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
      }
      this.limit = limit;
      return this;
    }

    /** How many matching points to skip, 0 or more. */
    public Builder offset(int offset) {
      if (offset < 0) {
        throw new IllegalArgumentException("offset must be >= 0, got " + offset);
      }
      this.offset = offset;
      return this;
    }

    /** The query. */
    public MetricsQuery build() {
      return new MetricsQuery(this);
    }
  }
}
