package org.metricspipeline.api.timeseries;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A store that can list the metrics it holds and describe each one. */
public interface DiscoveryStorage {

  /** Default {@code maxTagValues} of {@link #metricInfo}. */
  int DEFAULT_MAX_TAG_VALUES = 100;

  /** A page of the metrics holding at least one point; see {@link MetricListQuery}. */
  CompletableFuture<MetricPage> listMetrics(MetricListQuery query);

  /**
   * The details of one metric, with at most {@code maxTagValues} (at least 1) values per tag key;
   * empty when the metric holds no point.
   */
  CompletableFuture<Optional<MetricInfo>> metricInfo(String metricName, int maxTagValues);
}
