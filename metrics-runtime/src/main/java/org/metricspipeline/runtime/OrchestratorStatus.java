package org.metricspipeline.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The orchestrator's status (seed 001's {@code get_orchestrator_status}): its own state and one
 * {@link PartStatus} per part, in start order. {@link #toJson()} is what
 * {@code GET /api/v1/orchestrator/status} answers:
 *
 * <pre>{@code
 * {"state": "running", "started_at": "2026-12-04T19:00:00Z", "uptime_seconds": 12.5,
 *  "timestamp": "2026-12-04T19:00:12.500Z", "last_error": null,
 *  "parts": [{"name": "storage", "kind": "storage", "state": "running", "depends_on": [],
 *             "since": "...", "started_at": "...", "uptime_seconds": 12.5, "last_error": null,
 *             "details": {"provider": "memory"}}, ...]}
 * }</pre>
 *
 * @param state the orchestrator's state: {@code new}, {@code starting}, {@code running},
 *     {@code stopping}, {@code stopped} or {@code failed} (a start failed and was rolled back)
 * @param startedAt when its start succeeded; empty when it never ran
 * @param uptime how long it has been running; zero when it is not running
 * @param timestamp when this status was taken
 * @param lastError why the start failed, naming the part; empty when it did not
 * @param parts every part, in start order
 */
public record OrchestratorStatus(String state, Optional<Instant> startedAt, Duration uptime, Instant timestamp,
    Optional<String> lastError, List<PartStatus> parts) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Checks for null and copies. */
  public OrchestratorStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(uptime, "uptime");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(lastError, "lastError");
    parts = List.copyOf(parts);
  }

  /** The status of the part with this name, if there is one. */
  public Optional<PartStatus> part(String name) {
    return parts.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Whether the orchestrator and every part are running. */
  public boolean allRunning() {
    return state.equals("running") && parts.stream().allMatch(p -> p.state() == PartState.RUNNING);
  }

  /** The status as a JSON-like map (snake_case keys). */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", state);
    m.put("started_at", startedAt.map(Instant::toString).orElse(null));
    m.put("uptime_seconds", uptime.toMillis() / 1000.0);
    m.put("timestamp", timestamp.toString());
    m.put("last_error", lastError.orElse(null));
    m.put("parts", parts.stream().map(PartStatus::toJsonMap).toList());
    return m;
  }

  /** The status as indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(toJsonMap());
    } catch (JsonProcessingException e) {
      // a part's details hold something Jackson cannot write: report it instead of failing the status
      Map<String, Object> m = toJsonMap();
      m.put("parts", parts.stream().map(p -> {
        Map<String, Object> pm = p.toJsonMap();
        pm.put("details", Map.of("error", "details not serializable: " + e.getOriginalMessage()));
        return pm;
      }).toList());
      try {
        return JSON.writeValueAsString(m);
      } catch (JsonProcessingException again) {
        throw new IllegalStateException("status not serializable", again);
      }
    }
  }
}
