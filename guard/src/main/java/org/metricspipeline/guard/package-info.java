/**
 * The self-healing pipeline guard (seed 001): {@link org.metricspipeline.guard.SelfHealingPipelineGuard}
 * watches a pipeline, its adapters and user components, moves each through
 * {@link org.metricspipeline.guard.ComponentState}s, runs {@link org.metricspipeline.guard.RecoveryStrategy
 * recovery strategies}, raises {@link org.metricspipeline.guard.Alert}s, and serves its status and
 * Prometheus text through {@link org.metricspipeline.guard.GuardEndpoints}.
 */
package org.metricspipeline.guard;
