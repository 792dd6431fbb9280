/**
 * Optional storage capabilities for time-series work: rollups ({@link
 * org.metricspipeline.api.timeseries.RollupStorage}), retention ({@link
 * org.metricspipeline.api.timeseries.RetentionStorage}) and discovery ({@link
 * org.metricspipeline.api.timeseries.DiscoveryStorage}). A {@code StorageAdapter} implements the ones
 * it supports; {@link org.metricspipeline.api.timeseries.StorageCapabilities} finds them or fails
 * naming the store and the missing capability.
 */
package org.metricspipeline.api.timeseries;
