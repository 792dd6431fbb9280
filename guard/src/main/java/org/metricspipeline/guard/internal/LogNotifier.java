package org.metricspipeline.guard.internal;

import org.metricspipeline.guard.Alert;
import org.metricspipeline.guard.AlertNotifier;
import org.metricspipeline.guard.ComponentState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs alerts. */
public final class LogNotifier implements AlertNotifier {

  private static final Logger LOG = LoggerFactory.getLogger("org.metricspipeline.guard.alerts");

  @Override
  public void notify(Alert alert) {
    if (alert.resolved()) {
      LOG.info("alert resolved: {} [{}] {} (action: {})", alert.component(), alert.severity().wireName(),
          alert.message(), alert.resolutionAction().orElse("none"));
    } else if (alert.severity().severity() >= ComponentState.CRITICAL.severity()) {
      LOG.error("alert: {} [{}] {} {}", alert.component(), alert.severity().wireName(), alert.message(),
          alert.metadata());
    } else {
      LOG.warn("alert: {} [{}] {} {}", alert.component(), alert.severity().wireName(), alert.message(),
          alert.metadata());
    }
  }

  @Override
  public String toString() {
    return "log";
  }
}
