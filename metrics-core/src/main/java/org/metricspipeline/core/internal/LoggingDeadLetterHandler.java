package org.metricspipeline.core.internal;

import java.util.Optional;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.DeadLetterHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default dead-letter handler: a warning per item. */
public final class LoggingDeadLetterHandler implements DeadLetterHandler {

  /** The one instance. */
  public static final LoggingDeadLetterHandler INSTANCE = new LoggingDeadLetterHandler();

  private static final Logger LOG = LoggerFactory.getLogger("org.metricspipeline.core.DeadLetters");

  private LoggingDeadLetterHandler() {}

  @Override
  public void deadLettered(MetricsData item, String reason, Optional<Throwable> cause) {
    LOG.warn("dead-lettered item metric_type={} timestamp={} metrics={}: {}",
        item.metricType(), item.timestamp(), item.metrics().size(), reason);
  }
}
