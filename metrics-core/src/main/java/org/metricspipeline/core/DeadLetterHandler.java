package org.metricspipeline.core;

import java.util.Optional;
import org.metricspipeline.api.MetricsData;

/**
 * Receives the items {@link MetricsPipeline} accepted but could never store: items the storage
 * rejected as permanently unacceptable, and direct items whose batch still failed after every
 * retry. (Items from an ingestion channel whose retries ran out are not dead-lettered: they are
 * {@linkplain org.metricspipeline.api.Delivery#nack nacked} so the channel offers them again.)
 *
 * <p>Called on a pipeline thread; keep it short and do not throw (exceptions are logged and
 * ignored). The default {@linkplain #logging() logs a warning}.
 */
@FunctionalInterface
public interface DeadLetterHandler {

  /**
   * Takes one item that will not be stored.
   *
   * @param item the item
   * @param reason a one-line reason
   * @param cause the last storage failure, when there was one
   */
  void deadLettered(MetricsData item, String reason, Optional<Throwable> cause);

  /** The default handler: logs a warning naming the item's type, timestamp, size and the reason. */
  static DeadLetterHandler logging() {
    return org.metricspipeline.core.internal.LoggingDeadLetterHandler.INSTANCE;
  }
}
