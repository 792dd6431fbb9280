package org.metricspipeline.api;

/** The named thing (a dashboard, a metric, ...) does not exist; the message names it. */
public class NotFoundException extends MetricsPipelineException {
  private static final long serialVersionUID = 1L;

  /** An exception naming what was not found. */
  public NotFoundException(String message) {
    super(message);
  }
}
