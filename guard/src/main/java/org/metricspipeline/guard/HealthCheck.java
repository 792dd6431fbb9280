package org.metricspipeline.guard;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.metricspipeline.api.HealthCheckResult;

/**
 * A health check of one component. It must not block: it returns a future, and the guard counts a
 * check that throws, fails or does not answer within the component's timeout as unhealthy.
 */
@FunctionalInterface
public interface HealthCheck {

  /** Checks the component once. */
  CompletableFuture<HealthCheckResult> check();

  /** A check from a synchronous function (run on the guard's check thread; keep it quick). */
  static HealthCheck of(Supplier<HealthCheckResult> function) {
    java.util.Objects.requireNonNull(function, "function");
    return () -> CompletableFuture.completedFuture(function.get());
  }
}
