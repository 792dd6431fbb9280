package org.metricspipeline.adapters.memory.internal.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.TimeRange;

/**
 * The query a chart actually runs: its spec's query, over a window when one is asked for, with the
 * step its type needs. Defined once for the live pages and every export.
 *
 * <ul>
 *   <li>{@code line} and {@code area} are time series: their step is the query's step or the
 *       {@linkplain #autoStep(Duration) automatic step} of a bounded range, whichever is coarser.
 *       A bounded range is widened to whole steps (aligned to the epoch, as buckets are).
 *   <li>{@code bar} is a time series when the query has a step, else one bar per group.
 *   <li>{@code pie} and {@code table} have one value per group (no step).
 *   <li>{@code scalar} has one value (no step, no group-by).
 * </ul>
 */
public final class ChartQuery {

  /** At most this many time buckets per series when the step is chosen automatically. */
  public static final int MAX_BUCKETS = 120;

  /** Steps the automatic step is chosen from; rollup resolutions (1m, 5m, 1h) among them. */
  static final List<Duration> NICE_STEPS = List.of(
      Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
      Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12),
      Duration.ofDays(1), Duration.ofDays(7));

  private ChartQuery() {}

  /** The query to run for a chart, over {@code window} when present, else over its own range. */
  public static AggregationQuery resolve(VisualizationSpec spec, Optional<TimeRange> window) {
    AggregationQuery q = spec.query();
    TimeRange range = window.orElse(q.range());
    VisualizationType type = spec.type();
    boolean timeSeries = type == VisualizationType.LINE || type == VisualizationType.AREA
        || (type == VisualizationType.BAR && q.step().isPresent());
    AggregationQuery.Builder b = AggregationQuery.builder(q.metricName(), q.function())
        .range(range).tags(q.tags()).source(q.source());
    q.metricType().ifPresent(b::metricType);
    if (type != VisualizationType.SCALAR) {
      b.groupBy(q.groupBy());
    }
    if (timeSeries) {
      Optional<Duration> auto = range.start().isPresent() && range.end().isPresent()
          ? Optional.of(autoStep(Duration.between(range.start().get(), range.end().get())))
          : Optional.empty();
      Optional<Duration> step = q.step().isEmpty() ? auto
          : Optional.of(auto.filter(a -> a.compareTo(q.step().get()) > 0).orElse(q.step().get()));
      step.ifPresent(b::step);
      if (step.isPresent() && range.start().isPresent() && range.end().isPresent()) {
        // whole buckets only: a first bucket cut by the window would show a partial sum or count,
        // and whole, aligned buckets can be answered from rollups
        long s = step.get().toMillis();
        long from = Math.floorDiv(range.startMillis(), s) * s;
        long to = -Math.floorDiv(-range.endMillis(), s) * s;
        b.range(TimeRange.between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)));
      }
    }
    return b.build();
  }

  /** The finest nice step giving at most {@link #MAX_BUCKETS} buckets over {@code span}. */
  public static Duration autoStep(Duration span) {
    for (Duration step : NICE_STEPS) {
      if (span.toMillis() <= step.toMillis() * MAX_BUCKETS) {
        return step;
      }
    }
    long days = -Math.floorDiv(-span.toMillis(), Duration.ofDays(1).toMillis() * MAX_BUCKETS);
    return Duration.ofDays(days);
  }
}
