package org.metricspipeline.api.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reduces the points of one metric to values: per group of tag values, and per time bucket when a
 * step is given.
 *
 * <p>Semantics every store implements:
 *
 * <ul>
 *   <li>Points are selected as by {@link MetricsQuery}: the metric name, the metric type (if given),
 *       the half-open {@link #range()}, and the tag filter.
 *   <li>Points are grouped by the values of the {@link #groupBy()} tag keys; a point without one of
 *       those tags falls in the group where that key's value is {@code ""}. Without group-by keys
 *       there is one group. Groups without points are absent.
 *   <li>Without a {@link #step()}, each group has one bucket holding every point. Its start is the
 *       range's start when bounded, else the earliest point's timestamp.
 *   <li>With a step, buckets are aligned to multiples of the step since the Unix epoch: a point at
 *       {@code t} falls in the bucket starting at {@code t - floorMod(t, step)}. Empty buckets are
 *       absent.
 *   <li>Groups are ordered by their key values (in {@link #groupBy()} order), buckets by start.
 *   <li>{@link #source()} says which data may answer: with {@link QuerySource#AUTO} a store that keeps
 *       rollups answers from the coarsest rollup that gives exactly the raw answer, and from raw
 *       points after its rollup watermark; {@link AggregationResult#sources()} names what answered.
 * </ul>
 *
 * <pre>{@code
 * AggregationQuery q = AggregationQuery.builder("cpu_usage", Aggregation.AVG)
 *     .range(TimeRange.between(start, end)).groupBy("host").step(Duration.ofMinutes(1)).build();
 * }</pre>
 */
public final class AggregationQuery {

  private final String metricName;
  private final Aggregation function;
  private final String metricType;
  private final TimeRange range;
  private final Map<String, String> tags;
  private final List<String> groupBy;
  private final Duration step;
  private final QuerySource source;

  private AggregationQuery(Builder b) {
    this.metricName = b.metricName;
    this.function = b.function;
    this.metricType = b.metricType;
    this.range = b.range;
    this.tags = Map.copyOf(b.tags);
    this.groupBy = List.copyOf(b.groupBy);
    this.step = b.step;
    this.source = b.source;
  }

  /** A builder for one metric and one function. */
  public static Builder builder(String metricName, Aggregation function) {
    return new Builder(metricName, function);
  }

  /** The metric name. */
  public String metricName() {
    return metricName;
  }

  /** The function applied to each group and bucket. */
  public Aggregation function() {
    return function;
  }

  /** The metric type to match, if restricted. */
  public Optional<String> metricType() {
    return Optional.ofNullable(metricType);
  }

  /** The time range to match. */
  public TimeRange range() {
    return range;
  }

  /** Tags a point must carry. */
  public Map<String, String> tags() {
    return tags;
  }

  /** The tag keys to group by, in order; empty for one group. */
  public List<String> groupBy() {
    return groupBy;
  }

  /** The bucket width, when bucketing by time. */
  public Optional<Duration> step() {
    return Optional.ofNullable(step);
  }

  /** Which data answers the query: {@link QuerySource#AUTO} unless set. */
  public QuerySource source() {
    return source;
  }

  /** A builder starting from this query. */
  public Builder toBuilder() {
    Builder b = new Builder(metricName, function);
    b.source = source;
    b.metricType = metricType;
    b.range = range;
    b.tags.putAll(tags);
    b.groupBy.addAll(groupBy);
    b.step = step;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AggregationQuery q && metricName.equals(q.metricName) && function == q.function
        && Objects.equals(metricType, q.metricType) && range.equals(q.range) && tags.equals(q.tags)
        && groupBy.equals(q.groupBy) && Objects.equals(step, q.step) && source == q.source;
  }

  @Override
  public int hashCode() {
    return Objects.hash(metricName, function, metricType, range, tags, groupBy, step, source);
  }

  @Override
  public String toString() {
    return "AggregationQuery{" + function.wireName() + "(" + metricName + "), type=" + metricType
        + ", range=" + range + ", tags=" + tags + ", groupBy=" + groupBy + ", step=" + step + ", source=" + source.wireName() + "}";
  }

  /** Builds an {@link AggregationQuery}; setters validate their argument and name it on failure. */
  public static final class Builder {
    private final String metricName;
    private final Aggregation function;
    private String metricType;
    private TimeRange range = TimeRange.all();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final List<String> groupBy = new ArrayList<>();
    private Duration step;
    private QuerySource source = QuerySource.AUTO;

    private Builder(String metricName, Aggregation function) {
      this.metricName = Objects.requireNonNull(metricName, "metricName");
      this.function = Objects.requireNonNull(function, "function");
      if (metricName.isEmpty()) {
        throw new IllegalArgumentException("metricName must not be empty");
      }
    }

    /** Match only this metric type. */
    public Builder metricType(String metricType) {
      this.metricType = Objects.requireNonNull(metricType, "metricType");
      return this;
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

    /** Group by these tag keys (adds to earlier ones; duplicates are rejected). */
    public Builder groupBy(String... keys) {
      for (String key : keys) {
        Objects.requireNonNull(key, "group-by key");
        if (groupBy.contains(key)) {
          throw new IllegalArgumentException("groupBy key '" + key + "' given twice");
        }
        groupBy.add(key);
      }
      return this;
    }

    /** Group by these tag keys. */
    public Builder groupBy(List<String> keys) {
      return groupBy(keys.toArray(String[]::new));
    }

    /** Bucket by time with this width: at least one millisecond, a whole number of milliseconds. */
    public Builder step(Duration step) {
      Objects.requireNonNull(step, "step");
      if (step.toMillis() < 1 || !step.equals(Duration.ofMillis(step.toMillis()))) {
        throw new IllegalArgumentException(
            "step must be a positive whole number of milliseconds, got " + step);
      }
      this.step = step;
      return this;
    }

    /**
     * Which data answers the query [{@link QuerySource#AUTO}]. An explicit rollup source answers
     * from that resolution's stored rollups only, and fails when they cannot answer the range and
     * step exactly.
     */
    public Builder source(QuerySource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** The query. */
    public AggregationQuery build() {
      return new AggregationQuery(this);
    }
  }
}
