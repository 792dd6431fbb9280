package org.metricspipeline.micrometer.internal;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.Histogram;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.NoopHistogram;
import io.micrometer.core.instrument.distribution.TimeWindowFixedBoundaryHistogram;
import io.micrometer.core.instrument.distribution.TimeWindowPercentileHistogram;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;

/**
 * A timer's or summary's histogram whose bucket counts only grow (so {@code rate} over the
 * {@code _bucket} series works, as over Prometheus or cumulative OTLP histograms), while client-side
 * percentiles still follow the configured time window.
 */
public final class CumulativeHistogram implements Histogram {

  /** Long enough that the bucket window never rotates while a service runs. */
  private static final Duration NEVER = Duration.ofDays(1825);

  private final Histogram percentiles;
  private final Histogram buckets;

  private CumulativeHistogram(Histogram percentiles, Histogram buckets) {
    this.percentiles = percentiles;
    this.buckets = buckets;
  }

  /** The histogram for {@code config}: percentiles, buckets, both or neither. */
  public static Histogram create(Clock clock, DistributionStatisticConfig config) {
    Histogram percentiles = config.isPublishingPercentiles()
        ? new TimeWindowPercentileHistogram(clock, DistributionStatisticConfig.builder()
            .percentilesHistogram(false).serviceLevelObjectives(new double[0]).build().merge(config), false)
        : NoopHistogram.INSTANCE;
    Histogram buckets = config.isPublishingHistogram()
        ? new TimeWindowFixedBoundaryHistogram(clock, DistributionStatisticConfig.builder()
            .expiry(NEVER).bufferLength(1).build().merge(config), true)
        : NoopHistogram.INSTANCE;
    if (buckets == NoopHistogram.INSTANCE) {
      return percentiles;
    }
    return percentiles == NoopHistogram.INSTANCE ? buckets : new CumulativeHistogram(percentiles, buckets);
  }

  @Override
  public HistogramSnapshot takeSnapshot(long count, double total, double max) {
    ValueAtPercentile[] values = percentiles.takeSnapshot(count, total, max).percentileValues();
    CountAtBucket[] counts = buckets.takeSnapshot(count, total, max).histogramCounts();
    return new HistogramSnapshot(count, total, max, values, counts, null);
  }

  @Override
  public void recordLong(long value) {
    percentiles.recordLong(value);
    buckets.recordLong(value);
  }

  @Override
  public void recordDouble(double value) {
    percentiles.recordDouble(value);
    buckets.recordDouble(value);
  }

  @Override
  public void close() {
    percentiles.close();
    buckets.close();
  }
}
