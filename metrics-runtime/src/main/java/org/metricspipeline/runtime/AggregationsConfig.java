package org.metricspipeline.runtime;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The windowed aggregations (seed 002's streaming job, top-level {@code aggregations} plus the
 * {@code streaming} section), checked by {@code StreamingJob.Builder#config} when loaded.
 *
 * @param pipeline the pipeline whose stored items feed the job [streaming.pipeline, the first pipeline]
 * @param jobConfig the map {@code StreamingJob.builder(name).config(jobConfig)} takes: {@code aggregations}
 *     (seed 002's list) and, when set, {@code trigger_interval}, {@code max_pending_results}, {@code stop_timeout}
 * @param sink the table results are written to through a table sink (clickhouse, postgres)
 *     [streaming.sink]; empty: back into the pipeline's store as metric type {@code aggregation}
 */
public record AggregationsConfig(String pipeline, Map<String, Object> jobConfig, Optional<StreamingSinkConfig> sink) {

  /** Validates and copies. */
  public AggregationsConfig {
    Objects.requireNonNull(pipeline, "pipeline");
    jobConfig = Map.copyOf(jobConfig);
    Objects.requireNonNull(sink, "sink");
  }
}
