package org.metricspipeline.guard.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.guard.Alert;
import org.metricspipeline.guard.ComponentStatus;
import org.metricspipeline.guard.RecoveryAttempt;
import org.metricspipeline.guard.SystemStatus;

/** The guard's JSON shapes (snake_case, seed 001) and one shared mapper. */
public final class GuardJson {

  /** The shared mapper. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private GuardJson() {}

  /** Writes JSON-like values as UTF-8 bytes. */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e);
    }
  }

  /** An alert as seed 001 names its fields. */
  public static Map<String, Object> alert(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id());
    m.put("component", a.component());
    m.put("severity", a.severity().wireName());
    m.put("message", a.message());
    m.put("timestamp", a.timestamp().toString());
    m.put("metadata", a.metadata());
    m.put("resolved", a.resolved());
    m.put("resolution_action", a.resolutionAction().orElse(null));
    m.put("occurrences", a.occurrences());
    m.put("last_seen", a.lastSeen().toString());
    return m;
  }

  /** A component's status. */
  public static Map<String, Object> component(ComponentStatus c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("state", c.state().wireName());
    m.put("last_check", c.lastCheckedAt().map(Object::toString).orElse(null));
    m.put("consecutive_failures", c.consecutiveFailures());
    m.put("consecutive_successes", c.consecutiveSuccesses());
    m.put("recovery_attempts", c.recoveryAttempts());
    m.put("details", c.lastResult());
    List<Object> checks = new ArrayList<>();
    c.checks().forEach(k -> {
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("check_name", k.name());
      check.put("state", k.state().wireName());
      check.put("last_check", k.lastCheckedAt().map(Object::toString).orElse(null));
      check.put("details", k.details());
      checks.add(check);
    });
    m.put("checks", checks);
    return m;
  }

  /** A recovery attempt. */
  public static Map<String, Object> recovery(RecoveryAttempt r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("component", r.component());
    m.put("strategy", r.strategy());
    m.put("attempt", r.attempt());
    m.put("timestamp", r.at().toString());
    m.put("succeeded", r.succeeded());
    m.put("message", r.message());
    return m;
  }

  /** The whole system status. */
  public static Map<String, Object> status(SystemStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("overall_health", s.overall().wireName());
    m.put("timestamp", s.timestamp().toString());
    m.put("monitoring", s.monitoring());
    Map<String, Object> comps = new LinkedHashMap<>();
    for (ComponentStatus c : s.components()) {
      comps.put(c.name(), component(c));
    }
    m.put("components", comps);
    m.put("active_alerts", alerts(s.activeAlerts()));
    List<Object> rec = new ArrayList<>();
    s.recoveryHistory().forEach(r -> rec.add(recovery(r)));
    m.put("recovery_history", rec);
    return m;
  }

  /** A list of alerts. */
  public static List<Object> alerts(List<Alert> alerts) {
    List<Object> list = new ArrayList<>();
    alerts.forEach(a -> list.add(alert(a)));
    return list;
  }
}
