package org.metricspipeline.guard;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A guard configuration, as {@link ConfigManager} reads it from YAML (field names in brackets).
 * Values that came from {@code ${env:..}} or {@code ${secret:..}} references are resolved here and
 * listed in {@code references}, so {@link ConfigManager#save} writes the reference back and
 * {@link #toString()} masks them.
 *
 * @param checkInterval time between checks [check_interval_seconds, 30]
 * @param checkTimeout longest wait for a check [check_timeout_seconds, 5]
 * @param failureThreshold unhealthy checks in a row before critical [failure_threshold, 3]
 * @param degradedThreshold bad checks in a row before degraded [degraded_threshold, 2]
 * @param successThreshold healthy checks in a row before healthy [success_threshold, 2]
 * @param maxRecoveryAttempts attempts before failed [recovery.max_attempts, 3]
 * @param recoveryBackoff wait after the first attempt, doubled per attempt [recovery.backoff_seconds, 30]
 * @param httpHost address the guard's HTTP API listens on [http.host, 127.0.0.1]
 * @param httpPort its port, 0 for any free one [http.port, 8080]
 * @param bearerTokens tokens the HTTP API accepts; empty for none [http.bearer_tokens]
 * @param logAlerts whether alerts are logged [alerts.log, true]
 * @param webhookUrl generic JSON webhook [alerts.webhook_url]
 * @param slackWebhookUrl Slack incoming webhook [alerts.slack_webhook_url]
 * @param baselineMethod median_mad or ewma [baselines.method, median_mad]
 * @param baselineWindow values per baseline [baselines.window, 60]
 * @param baselineThreshold band half-width in deviations [baselines.threshold, 3.5]
 * @param baselinePointsOutside values outside in a row that alert [baselines.points_outside, 3]
 * @param collectorInterval time between two collections [collector.interval_seconds, 15]
 * @param references field path to the reference its value was resolved from
 */
public record GuardConfig(Duration checkInterval, Duration checkTimeout, int failureThreshold,
    int degradedThreshold, int successThreshold, int maxRecoveryAttempts, Duration recoveryBackoff,
    String httpHost, int httpPort, List<String> bearerTokens, boolean logAlerts, Optional<URI> webhookUrl,
    Optional<URI> slackWebhookUrl, Baselines.Method baselineMethod, int baselineWindow, double baselineThreshold,
    int baselinePointsOutside, Duration collectorInterval, Map<String, String> references) {

  /** Field paths whose values are secrets whatever their source. */
  static final Set<String> SENSITIVE = Set.of("http.bearer_tokens", "alerts.webhook_url", "alerts.slack_webhook_url");

  /** Checks for null and copies; ranges are checked by {@link ConfigManager#validate}. */
  public GuardConfig {
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(checkTimeout, "checkTimeout");
    Objects.requireNonNull(recoveryBackoff, "recoveryBackoff");
    Objects.requireNonNull(httpHost, "httpHost");
    bearerTokens = List.copyOf(bearerTokens);
    Objects.requireNonNull(webhookUrl, "webhookUrl");
    Objects.requireNonNull(slackWebhookUrl, "slackWebhookUrl");
    Objects.requireNonNull(baselineMethod, "baselineMethod");
    Objects.requireNonNull(collectorInterval, "collectorInterval");
    references = Map.copyOf(references);
  }

  /** The defaults (what the sample config says). */
  public static GuardConfig defaults() {
    return new GuardConfig(SelfHealingPipelineGuard.DEFAULT_CHECK_INTERVAL, SelfHealingPipelineGuard.DEFAULT_CHECK_TIMEOUT,
        SelfHealingPipelineGuard.DEFAULT_FAILURE_THRESHOLD, SelfHealingPipelineGuard.DEFAULT_DEGRADED_THRESHOLD,
        SelfHealingPipelineGuard.DEFAULT_SUCCESS_THRESHOLD, SelfHealingPipelineGuard.DEFAULT_MAX_RECOVERY_ATTEMPTS,
        SelfHealingPipelineGuard.DEFAULT_RECOVERY_BACKOFF, "127.0.0.1", 8080, List.of(), true, Optional.empty(),
        Optional.empty(), Baselines.Method.MEDIAN_MAD, Baselines.DEFAULT_WINDOW, Baselines.DEFAULT_THRESHOLD,
        Baselines.DEFAULT_POINTS_OUTSIDE, MetricsCollector.DEFAULT_INTERVAL, Map.of());
  }

  /** Applies thresholds, timings and notifiers to a guard builder. */
  public SelfHealingPipelineGuard.Builder applyTo(SelfHealingPipelineGuard.Builder b) {
    b.checkInterval(checkInterval).checkTimeout(checkTimeout).failureThreshold(failureThreshold)
        .degradedThreshold(degradedThreshold).successThreshold(successThreshold)
        .maxRecoveryAttempts(maxRecoveryAttempts).recoveryBackoff(recoveryBackoff);
    for (AlertNotifier n : notifiers()) {
      b.notifier(n);
    }
    return b;
  }

  /** The notifiers this configuration asks for. */
  public List<AlertNotifier> notifiers() {
    List<AlertNotifier> list = new ArrayList<>();
    if (logAlerts) {
      list.add(AlertNotifier.log());
    }
    webhookUrl.ifPresent(u -> list.add(AlertNotifier.webhook(u)));
    slackWebhookUrl.ifPresent(u -> list.add(AlertNotifier.slack(u)));
    return list;
  }

  /** A baselines builder with these settings. */
  public Baselines.Builder baselines() {
    return Baselines.builder().method(baselineMethod).window(baselineWindow).threshold(baselineThreshold)
        .pointsOutside(baselinePointsOutside);
  }

  /** Every setting, with secrets and referenced values masked as {@code ****}. */
  @Override
  public String toString() {
    return "GuardConfig{check_interval=" + checkInterval + ", check_timeout=" + checkTimeout
        + ", failure_threshold=" + failureThreshold + ", degraded_threshold=" + degradedThreshold
        + ", success_threshold=" + successThreshold + ", recovery.max_attempts=" + maxRecoveryAttempts
        + ", recovery.backoff=" + recoveryBackoff + ", http=" + mask("http.host", httpHost) + ":" + httpPort
        + ", http.bearer_tokens=" + bearerTokens.size() + " token(s), alerts.log=" + logAlerts
        + ", alerts.webhook_url=" + webhookUrl.map(u -> "****").orElse("none")
        + ", alerts.slack_webhook_url=" + slackWebhookUrl.map(u -> "****").orElse("none")
        + ", baselines=" + baselineMethod.name().toLowerCase(java.util.Locale.ROOT) + "/" + baselineWindow + "/"
        + baselineThreshold + "/" + baselinePointsOutside + ", collector.interval=" + collectorInterval + "}";
  }

  private String mask(String field, String value) {
    return references.containsKey(field) ? "****" : value;
  }
}
