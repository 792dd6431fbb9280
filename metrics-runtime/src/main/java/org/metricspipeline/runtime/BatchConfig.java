package org.metricspipeline.runtime;

import java.time.Duration;
import java.util.Objects;
import org.metricspipeline.core.MetricsPipeline;

/**
 * How a pipeline batches what it stores ({@code pipelines.<name>.batch}); the defaults are
 * {@link MetricsPipeline}'s.
 *
 * @param batchSize items per store call [batch_size, 100]
 * @param processingInterval longest wait before a partial batch is stored [processing_interval, 1s]
 * @param queueCapacity accepted items waiting for storage [queue_capacity, 10000]
 * @param maxConcurrentStores batches in flight to storage [max_concurrent_stores, 2]
 * @param storeTimeout slow-store warning and retry threshold [store_timeout, 30s]
 * @param drainTimeout how long stopping waits for storage [drain_timeout, 30s]
 */
public record BatchConfig(int batchSize, Duration processingInterval, int queueCapacity, int maxConcurrentStores,
    Duration storeTimeout, Duration drainTimeout) {

  /** Checks for null; ranges are checked by {@link ConfigLoader} and the pipeline builder. */
  public BatchConfig {
    Objects.requireNonNull(processingInterval, "processingInterval");
    Objects.requireNonNull(storeTimeout, "storeTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
  }

  /** {@link MetricsPipeline}'s defaults. */
  public static BatchConfig defaults() {
    return new BatchConfig(MetricsPipeline.DEFAULT_BATCH_SIZE, MetricsPipeline.DEFAULT_PROCESSING_INTERVAL,
        MetricsPipeline.DEFAULT_QUEUE_CAPACITY, MetricsPipeline.DEFAULT_MAX_CONCURRENT_STORES,
        MetricsPipeline.DEFAULT_STORE_TIMEOUT, MetricsPipeline.DEFAULT_DRAIN_TIMEOUT);
  }

  /** Applies these settings to a pipeline builder. */
  public MetricsPipeline.Builder applyTo(MetricsPipeline.Builder b) {
    return b.batchSize(batchSize).processingInterval(processingInterval).queueCapacity(queueCapacity)
        .maxConcurrentStores(maxConcurrentStores).storeTimeout(storeTimeout).drainTimeout(drainTimeout);
  }
}
