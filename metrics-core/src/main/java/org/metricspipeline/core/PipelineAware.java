package org.metricspipeline.core;

/**
 * An ingestion channel that serves something about the pipeline polling it: the HTTP adapter's
 * {@code GET /health}, for example, reports the pipeline's health. {@link MetricsPipeline.Builder#build()}
 * hands the new pipeline to its channel when the channel implements this, so a channel built before
 * its pipeline needs no forward reference to it.
 */
public interface PipelineAware {

  /** Called once, by {@link MetricsPipeline.Builder#build()}, with the pipeline this channel feeds. */
  void pipelineBuilt(MetricsPipeline pipeline);
}
