package org.metricspipeline.api.timeseries;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;

/**
 * A store that keeps rollups: per series, buckets of {@link Resolution} width holding count, sum,
 * min, max and the counter state, from which every aggregation is answered exactly (see core's
 * {@code Aggregations} and {@code QueryPlanner}).
 *
 * <p>The <em>watermark</em> of a resolution is the time before which every stored point is rolled
 * up (as of the last {@link #rollup} call); points written later before the watermark (late data)
 * are included when their buckets are rolled up again.
 */
public interface RollupStorage {

  /**
   * Computes the buckets of every series for the points in {@code range} from raw points and stores
   * them, replacing stored buckets starting in the range (so running it twice changes nothing).
   * The range's end must be bounded; both bounded edges must be multiples of the resolution. The
   * watermark moves to the range's end when the range starts at or before the current watermark,
   * or is unbounded below, or when there is no watermark yet and no point before the range.
   * Completes with the number of buckets stored.
   */
  CompletableFuture<Long> rollup(Resolution resolution, TimeRange range);

  /** The stored buckets matching the query, ordered by series then start. */
  CompletableFuture<List<RollupBucket>> readRollups(RollupQuery query);

  /**
   * The buckets the query's range would have if rolled up now, computed from raw points and not
   * stored (the planner uses it for the part after the watermark). Same order as {@link #readRollups}.
   */
  CompletableFuture<List<RollupBucket>> computeRollups(RollupQuery query);

  /** The resolution's watermark; empty before the first rollup. */
  CompletableFuture<Optional<Instant>> rollupWatermark(Resolution resolution);

  /** What is rolled up, per metric and resolution, ordered by name then resolution. */
  CompletableFuture<List<RollupInfo>> listRollups();
}
