package org.metricspipeline.api;

/**
 * A storage adapter was asked for an optional capability (rollups, retention, discovery) it does not
 * have. The message names the store and the capability; use another store or skip the feature.
 */
public class UnsupportedCapabilityException extends MetricsPipelineException {
  private static final long serialVersionUID = 1L;

  /** An exception naming the store and the missing capability. */
  public UnsupportedCapabilityException(String storageName, String capability) {
    super("storage '" + storageName + "' does not support " + capability);
  }
}
