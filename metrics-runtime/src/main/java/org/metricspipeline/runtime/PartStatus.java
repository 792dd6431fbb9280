package org.metricspipeline.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One part's status, as {@link Orchestrator#status()} reports it.
 *
 * @param name the part's name
 * @param kind what it is
 * @param state where it is
 * @param dependsOn the parts it needs
 * @param since when it entered its state
 * @param startedAt when its start succeeded; empty when it never ran
 * @param uptime how long it has been running; zero when it is not running
 * @param lastError the last start or stop failure; empty when none
 * @param details what the part shows about itself (JSON-like values)
 */
public record PartStatus(String name, PartKind kind, PartState state, List<String> dependsOn, Instant since,
    Optional<Instant> startedAt, Duration uptime, Optional<String> lastError, Map<String, Object> details) {

  /** Checks for null and copies. */
  public PartStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(state, "state");
    dependsOn = List.copyOf(dependsOn);
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(uptime, "uptime");
    Objects.requireNonNull(lastError, "lastError");
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** The JSON object of this part: snake_case keys, times in ISO-8601, uptime in seconds. */
  Map<String, Object> toJsonMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("kind", kind.wireName());
    m.put("state", state.wireName());
    m.put("depends_on", dependsOn);
    m.put("since", since.toString());
    m.put("started_at", startedAt.map(Instant::toString).orElse(null));
    m.put("uptime_seconds", uptime.toMillis() / 1000.0);
    m.put("last_error", lastError.orElse(null));
    m.put("details", details);
    return m;
  }
}
