package org.metricspipeline.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetentionPolicy;
import org.metricspipeline.core.RollupSettings;

/**
 * One pipeline a config declares ({@code pipelines.<name>}): the channels it polls, the store it
 * writes to, how it batches, and its time-series jobs.
 *
 * @param name the pipeline's name (its key under {@code pipelines})
 * @param channels ingestion channels by provider name, in declaration order; may be empty (direct producers only)
 * @param storage the store by provider name [memory]
 * @param batch batching settings
 * @param rollups the 1m/5m/1h rollup job, when enabled
 * @param retention the retention job, when enabled
 */
public record PipelineConfig(String name, List<ProviderConfig> channels, ProviderConfig storage, BatchConfig batch,
    Optional<RollupSettings> rollups, Optional<RetentionPolicy> retention) {

  /** Validates and copies. */
  public PipelineConfig {
    Objects.requireNonNull(name, "name");
    channels = List.copyOf(channels);
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(rollups, "rollups");
    Objects.requireNonNull(retention, "retention");
  }

  /** Applies batching, rollups and retention to a pipeline builder (adapters are the caller's to create). */
  public MetricsPipeline.Builder applyTo(MetricsPipeline.Builder b) {
    batch.applyTo(b);
    rollups.ifPresent(b::rollups);
    retention.ifPresent(b::retention);
    return b;
  }
}
