package org.metricspipeline.api.query;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to an {@link AggregationQuery}.
 *
 * @param query the query answered
 * @param groups the non-empty groups, ordered by key (see {@link AggregationQuery})
 * @param sources which data answered, for example {@code ["raw"]} or {@code ["1m", "raw"]}
 */
public record AggregationResult(AggregationQuery query, List<GroupResult> groups, List<String> sources) {

  /** Validates and copies. */
  public AggregationResult {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(groups, "groups");
    Objects.requireNonNull(sources, "sources");
    groups = List.copyOf(groups);
    sources = List.copyOf(sources);
  }

  /** The single value of an ungrouped query without step; empty when no point matched. */
  public Optional<Double> singleValue() {
    return groups.isEmpty() ? Optional.empty() : Optional.of(groups.get(0).value());
  }
}
