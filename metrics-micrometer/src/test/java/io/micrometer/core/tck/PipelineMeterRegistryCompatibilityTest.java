package io.micrometer.core.tck;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.micrometer.PipelineMeterRegistry;

/**
 * Micrometer's own compatibility kit, which every Micrometer registry passes. In the kit's package
 * because JUnit does not inherit its package-private test methods into another package.
 */
class PipelineMeterRegistryCompatibilityTest extends MeterRegistryCompatibilityKit {

  @Override
  public MeterRegistry registry() {
    return PipelineMeterRegistry.builder(batch -> CompletableFuture.completedFuture(
            MetricsBatchResult.allSucceeded(batch.size())))
        .clock(new MockClock()).step(step()).start(false).build();
  }

  @Override
  public Duration step() {
    return Duration.ofMinutes(1);
  }
}
