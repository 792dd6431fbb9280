package org.metricspipeline.api.timeseries;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.api.query.Resolution;

/**
 * What a store keeps rolled up for one metric at one resolution (a row of {@code GET /rollups}).
 *
 * @param metricName the metric name
 * @param resolution the bucket width
 * @param seriesCount the series with at least one bucket
 * @param bucketCount the buckets kept
 * @param pointCount the raw points the buckets summarize
 * @param firstBucket the earliest bucket start
 * @param lastBucket the latest bucket start
 * @param watermark everything before it is rolled up at this resolution, when known
 */
public record RollupInfo(
    String metricName, Resolution resolution, long seriesCount, long bucketCount, long pointCount,
    Instant firstBucket, Instant lastBucket, Optional<Instant> watermark) {

  /** Validates. */
  public RollupInfo {
    Objects.requireNonNull(metricName, "metricName");
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(firstBucket, "firstBucket");
    Objects.requireNonNull(lastBucket, "lastBucket");
    Objects.requireNonNull(watermark, "watermark");
  }
}
