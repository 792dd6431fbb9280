package org.metricspipeline.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One thing the {@link Orchestrator} starts and stops: a store, a pipeline, a channel, the HTTP
 * server, the guard, its collector, a job.
 *
 * <p>{@link #start()} returns once the part works (a server listens, a store answers) or throws
 * naming what went wrong; a part whose start throws releases what it acquired itself. {@link #stop()}
 * stops gracefully (drains, flushes) and is called at most once, only after a successful start; the
 * orchestrator waits for it up to {@link #stopTimeout()} and then moves on.
 */
public interface Part {

  /** A unique name in the orchestrator, used in status and errors, for example {@code storage.main}. */
  String name();

  /** What the part is; orders parts whose dependencies are met. */
  PartKind kind();

  /** Names of the parts that must be running before this one starts (and stop after it). */
  default List<String> dependsOn() {
    return List.of();
  }

  /** Starts the part; returns once it works, or throws naming the problem. */
  void start() throws Exception;

  /** Stops the part gracefully; called once, after a successful {@link #start()}. */
  void stop() throws Exception;

  /** How long the orchestrator waits for {@link #stop()}; empty: the orchestrator's default. */
  default Optional<Duration> stopTimeout() {
    return Optional.empty();
  }

  /**
   * What the status shows about the running part beside its state (JSON-like values: strings,
   * numbers, booleans, lists, maps), for example the address a server listens on. Empty by default.
   */
  default Map<String, Object> details() {
    return Map.of();
  }

  /** A part from its parts: a start and a stop action. */
  static Part of(String name, PartKind kind, List<String> dependsOn, Action start, Action stop) {
    return new FunctionPart(name, kind, dependsOn, Optional.empty(), start, stop, Map::of);
  }

  /** A part from its parts, with details shown in the status. */
  static Part of(String name, PartKind kind, List<String> dependsOn, Action start, Action stop,
      Supplier<Map<String, Object>> details) {
    return new FunctionPart(name, kind, dependsOn, Optional.empty(), start, stop, details);
  }

  /** A part from its parts, with details and its own {@link #stopTimeout()}. */
  static Part of(String name, PartKind kind, List<String> dependsOn, Duration stopTimeout, Action start, Action stop,
      Supplier<Map<String, Object>> details) {
    return new FunctionPart(name, kind, dependsOn, Optional.of(stopTimeout), start, stop, details);
  }

  /** A start or stop action that may throw. */
  @FunctionalInterface
  interface Action {
    /** Runs the action. */
    void run() throws Exception;
  }
}
