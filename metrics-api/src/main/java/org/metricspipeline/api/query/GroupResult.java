package org.metricspipeline.api.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The buckets of one group of an {@link AggregationResult}.
 *
 * @param key the group-by tag keys and this group's values for them (empty without group-by)
 * @param buckets the non-empty buckets in time order; never empty
 */
public record GroupResult(Map<String, String> key, List<Bucket> buckets) {

  /** Validates and copies. */
  public GroupResult {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(buckets, "buckets");
    key = Map.copyOf(key);
    buckets = List.copyOf(buckets);
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException("a group has at least one bucket");
    }
  }

  /**
   * A group whose key pairs each group-by tag key with the value at the same position.
   *
   * @throws IllegalArgumentException when the two lists differ in length
   */
  public static GroupResult of(List<String> groupBy, List<String> values, List<Bucket> buckets) {
    if (groupBy.size() != values.size()) {
      throw new IllegalArgumentException(
          groupBy.size() + " group-by keys but " + values.size() + " values");
    }
    Map<String, String> key = new LinkedHashMap<>();
    for (int i = 0; i < groupBy.size(); i++) {
      key.put(groupBy.get(i), values.get(i));
    }
    return new GroupResult(key, buckets);
  }

  /** The value of the first bucket: the group's value when the query had no step. */
  public double value() {
    return buckets.get(0).value();
  }

  /** The number of points behind all buckets. */
  public long count() {
    long total = 0;
    for (Bucket b : buckets) {
      total += b.count();
    }
    return total;
  }
}
