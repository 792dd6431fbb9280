package org.metricspipeline.guard;

import java.net.URI;
import java.time.Duration;
import org.metricspipeline.guard.internal.LogNotifier;
import org.metricspipeline.guard.internal.WebhookNotifier;

/**
 * Receives alerts when they are raised and when they are resolved. The guard calls notifiers on
 * its own bounded notifier executor, never on its check thread, so a slow webhook never delays a
 * health check; a notifier that throws is logged and skipped. When the guard closes, it waits for
 * queued notifications and then closes its notifiers (the webhook ones release their HTTP
 * connections and threads).
 */
@FunctionalInterface
public interface AlertNotifier extends AutoCloseable {

  /** Default attempts of a webhook delivery. */
  int DEFAULT_WEBHOOK_ATTEMPTS = 3;
  /**
   * Default wait before the first webhook retry; doubled per retry. Retries are scheduled on the
   * guard's clock and sent by its tick, not slept.
   */
  Duration DEFAULT_WEBHOOK_BACKOFF = Duration.ofSeconds(1);

  /** Delivers one alert (raised: {@code resolved == false}; resolved: {@code true}). */
  void notify(Alert alert);

  /** Releases what the notifier holds; the guard calls it when it closes. Does nothing by default. */
  @Override
  default void close() {}

  /** Logs each alert through SLF4J: raised ones at WARN (critical and failed at ERROR), resolved at INFO. */
  static AlertNotifier log() {
    return new LogNotifier();
  }

  /**
   * POSTs each alert as JSON ({@code {"alert": {component, severity, message, timestamp, metadata,
   * resolved, resolution_action, occurrences}}}) to {@code url}, retried up to 3 times with
   * backoff on a network error or a 5xx/429 answer.
   */
  static AlertNotifier webhook(URI url) {
    return WebhookNotifier.json(url, DEFAULT_WEBHOOK_ATTEMPTS, DEFAULT_WEBHOOK_BACKOFF);
  }

  /** {@link #webhook(URI)} with this many attempts (1 to 10) and first backoff. */
  static AlertNotifier webhook(URI url, int attempts, Duration backoff) {
    return WebhookNotifier.json(url, attempts, backoff);
  }

  /**
   * POSTs each alert to a Slack incoming webhook in Slack's format: {@code text} plus one
   * attachment coloured by severity (danger, warning, good) with component and message fields.
   */
  static AlertNotifier slack(URI webhookUrl) {
    return WebhookNotifier.slack(webhookUrl, DEFAULT_WEBHOOK_ATTEMPTS, DEFAULT_WEBHOOK_BACKOFF);
  }

  /** {@link #slack(URI)} with this many attempts (1 to 10) and first backoff. */
  static AlertNotifier slack(URI webhookUrl, int attempts, Duration backoff) {
    return WebhookNotifier.slack(webhookUrl, attempts, backoff);
  }
}
