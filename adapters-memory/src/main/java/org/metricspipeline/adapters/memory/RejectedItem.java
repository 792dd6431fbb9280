package org.metricspipeline.adapters.memory;

import java.util.Objects;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationResult;

/**
 * An item the pipeline rejected through {@link org.metricspipeline.api.Delivery#reject}: it can
 * never be stored, and {@link InMemoryIngestionAdapter} keeps it for its producer to inspect.
 *
 * @param data the item
 * @param reason why it was rejected
 */
public record RejectedItem(MetricsData data, MetricsValidationResult reason) {

  /** Validates. */
  public RejectedItem {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(reason, "reason");
  }
}
