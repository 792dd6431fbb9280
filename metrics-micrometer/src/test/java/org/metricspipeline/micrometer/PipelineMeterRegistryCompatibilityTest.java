package org.metricspipeline.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.tck.MeterRegistryCompatibilityKit;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.metricspipeline.api.MetricsBatchResult;

/**
 * Micrometer's own compatibility kit, which every Micrometer registry passes. Its nested test
 * classes run as usual; its top-level test methods are package-private, which JUnit does not
 * inherit into another package, so {@link #topLevelKitTests()} runs each of them.
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

  @TestFactory
  Stream<DynamicTest> topLevelKitTests() throws NoSuchMethodException {
    Method setup = MeterRegistryCompatibilityKit.class.getDeclaredMethod("setup");
    setup.setAccessible(true);
    return Arrays.stream(MeterRegistryCompatibilityKit.class.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Test.class))
        .sorted(Comparator.comparing(Method::getName))
        .map(m -> DynamicTest.dynamicTest(m.getName(), () -> {
          PipelineMeterRegistryCompatibilityTest kit = new PipelineMeterRegistryCompatibilityTest();
          m.setAccessible(true);
          try {
            setup.invoke(kit);
            m.invoke(kit);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            kit.registry.close();
          }
        }));
  }
}
