package org.metricspipeline.guard;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One way to repair a component, run by the guard when the component turns critical (seed 001's
 * recovery strategies). Built-in ones are in {@link RecoveryStrategies}; a custom one is a lambda:
 *
 * <pre>{@code
 * guard = SelfHealingPipelineGuard.builder()
 *     .component("cache", cacheCheck, Duration.ofSeconds(30), Duration.ofSeconds(2))
 *     .recovery("cache", RecoveryStrategy.of("flush-cache", ctx -> cache.flush()))
 *     .build();
 * }</pre>
 *
 * <p>A strategy runs on the guard's check thread: it should finish within seconds. Throwing counts
 * as a failed attempt.
 */
public interface RecoveryStrategy {

  /** A stable, lower-case name recorded in the history and as an alert's resolution action. */
  String name();

  /** Tries to repair the component once. */
  Outcome attempt(Context context);

  /**
   * Called when the component is healthy again after this strategy ran, to undo temporary measures
   * (resume ingestion, restore the batch size). Does nothing by default.
   */
  default void onHealthy(String component) {}

  /** A strategy from a name and a function that answers whether the repair worked. */
  static RecoveryStrategy of(String name, Predicate<Context> action) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    return new RecoveryStrategy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Outcome attempt(Context context) {
        return action.test(context) ? Outcome.success(name + " succeeded") : Outcome.failure(name + " failed");
      }
    };
  }

  /**
   * What a strategy is told about the component it repairs.
   *
   * @param component the component's name
   * @param attempt the attempt number since the component was last healthy, from 1
   * @param now the guard's clock
   * @param lastResult the details of the last failed check
   */
  record Context(String component, int attempt, Instant now, Map<String, Object> lastResult) {
    /** Validates and copies. */
    public Context {
      Objects.requireNonNull(component, "component");
      Objects.requireNonNull(now, "now");
      lastResult = Map.copyOf(lastResult);
    }
  }

  /**
   * The result of one attempt.
   *
   * @param succeeded whether the repair action worked
   * @param message what was done, or why it failed
   */
  record Outcome(boolean succeeded, String message) {
    /** Validates. */
    public Outcome {
      Objects.requireNonNull(message, "message");
    }

    /** A successful attempt. */
    public static Outcome success(String message) {
      return new Outcome(true, message);
    }

    /** A failed attempt. */
    public static Outcome failure(String message) {
      return new Outcome(false, message);
    }
  }
}
