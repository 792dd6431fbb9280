package org.metricspipeline.guard;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;

/** What {@link GuardedStorage#restart()} and {@link GuardedIngestion#restart()} ask of the adapter they created. */
final class FreshAdapters {

  /** How long a re-created adapter has to answer its first health check. */
  static final Duration RESTART_CHECK_TIMEOUT = Duration.ofSeconds(5);

  private FreshAdapters() {}

  /** Whether the adapter's health check answers healthy or degraded within {@link #RESTART_CHECK_TIMEOUT}. */
  static boolean usable(Supplier<CompletableFuture<HealthCheckResult>> healthCheck) {
    try {
      HealthCheckResult h = healthCheck.get().get(RESTART_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return h != null && h.status() != HealthStatus.UNHEALTHY;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }
}
