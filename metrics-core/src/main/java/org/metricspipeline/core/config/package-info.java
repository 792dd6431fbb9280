/**
 * Configuration helpers every module shares: {@link org.metricspipeline.core.config.SecretResolver}
 * backends and the {@code ${secret:..}} / {@code ${env:..}} {@link org.metricspipeline.core.config.References}
 * resolver (seed 002), used by the guard's config and the runtime's layered config.
 */
package org.metricspipeline.core.config;
