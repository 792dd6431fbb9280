package org.metricspipeline.core.internal;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.metricspipeline.api.MetricsData;

/**
 * One accepted item in the pipeline's queue, with whoever waits for its outcome: a
 * {@code CompletableFuture<Void>} (processMetrics), a {@link BatchTracker} (processBatch) or a
 * {@code Delivery} (a channel item).
 *
 * @param data the item
 * @param owner who is told the outcome
 * @param index the item's index in its processBatch call; 0 otherwise
 */
public record PipelineEntry(MetricsData data, Object owner, int index) {

  /** The items of a batch of entries, as the read-only list handed to storage (no copy). */
  public static List<MetricsData> itemsOf(PipelineEntry[] entries) {
    return new Items(entries);
  }

  private static final class Items extends AbstractList<MetricsData> implements RandomAccess {
    private final PipelineEntry[] entries;

    Items(PipelineEntry[] entries) {
      this.entries = entries;
    }

    @Override
    public MetricsData get(int index) {
      return entries[index].data;
    }

    @Override
    public int size() {
      return entries.length;
    }
  }
}
