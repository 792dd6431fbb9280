package org.metricspipeline.guard;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.metricspipeline.api.HealthStatus;

/**
 * One named check of a component (seed 001's {@code check_name}), answering any of seed 001's
 * states. Like {@link HealthCheck} it must not block; a check that throws, fails or does not answer
 * within the component's timeout answers {@link ComponentState#CRITICAL}.
 */
@FunctionalInterface
public interface ComponentCheck {

  /** Checks once. */
  CompletableFuture<Result> check();

  /** A check from a synchronous function answering a state (run on the guard's thread; keep it quick). */
  static ComponentCheck of(Supplier<ComponentState> function) {
    Objects.requireNonNull(function, "function");
    return () -> CompletableFuture.completedFuture(new Result(function.get(), Map.of()));
  }

  /**
   * A check from a {@link HealthCheck}: healthy answers {@link ComponentState#HEALTHY}, degraded
   * {@link ComponentState#DEGRADED}, unhealthy {@link ComponentState#CRITICAL}, with its details.
   */
  static ComponentCheck from(HealthCheck check) {
    Objects.requireNonNull(check, "check");
    return () -> {
      CompletableFuture<org.metricspipeline.api.HealthCheckResult> f = check.check();
      if (f == null) {
        return null;
      }
      return f.thenApply(r -> r == null ? null : new Result(r.status() == HealthStatus.HEALTHY ? ComponentState.HEALTHY
          : r.status() == HealthStatus.DEGRADED ? ComponentState.DEGRADED : ComponentState.CRITICAL, r.details()));
    };
  }

  /**
   * What a check answered.
   *
   * @param state the state the check sees
   * @param details what it found (a {@code reason} entry is quoted in alerts)
   */
  record Result(ComponentState state, Map<String, Object> details) {
    /** Validates and copies. */
    public Result {
      Objects.requireNonNull(state, "state");
      details = Map.copyOf(details);
    }

    /** A result with a reason. */
    public static Result of(ComponentState state, String reason) {
      return new Result(state, Map.of("reason", Objects.requireNonNull(reason, "reason")));
    }
  }
}
