package org.metricspipeline.core;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a background job (rollup, retention) did last.
 *
 * @param name the job's name, {@code rollup} or {@code retention}
 * @param runs how many runs finished, successful or not
 * @param failures how many runs failed
 * @param lastRunAt when the last run started, if any ran
 * @param lastDuration how long the last run took ({@link Duration#ZERO} before the first)
 * @param lastResult what the last run changed (buckets rolled up, or points and buckets deleted)
 * @param lastError why the last run failed, when it did
 */
public record JobStatus(
    String name, long runs, long failures, Optional<Instant> lastRunAt, Duration lastDuration,
    long lastResult, Optional<String> lastError) {

  /** Validates. */
  public JobStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lastRunAt, "lastRunAt");
    Objects.requireNonNull(lastDuration, "lastDuration");
    Objects.requireNonNull(lastError, "lastError");
  }

  /** The status as health details (JSON-like values). */
  public Map<String, Object> toDetails() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("runs", runs);
    d.put("failures", failures);
    lastRunAt.ifPresent(t -> d.put("last_run_at", t.toString()));
    d.put("last_duration_ms", lastDuration.toMillis());
    d.put("last_result", lastResult);
    lastError.ifPresent(e -> d.put("last_error", e));
    return d;
  }
}
