package org.metricspipeline.adapters.memory;

import java.time.Duration;
import java.util.Set;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.IngestionProvider;

/**
 * Provides {@link InMemoryIngestionAdapter} under the name {@code memory}, validating with
 * {@link org.metricspipeline.api.MetricsValidator#defaults()}.
 *
 * <p>Settings (all optional): {@value #CAPACITY} (the most items held, default 10,000),
 * {@value #RETRY_AFTER} (the wait suggested when full, a duration such as {@code 250ms}, default
 * 100 ms) and {@value #MAX_REJECTED_KEPT} (rejected items kept for inspection, default 1,000).
 * Unknown keys are rejected.
 */
public final class MemoryIngestionProvider implements IngestionProvider {

  /** Setting: {@link InMemoryIngestionAdapter.Builder#capacity(int)}. */
  public static final String CAPACITY = "capacity";
  /** Setting: {@link InMemoryIngestionAdapter.Builder#retryAfter(Duration)}. */
  public static final String RETRY_AFTER = "retry-after";
  /** Setting: {@link InMemoryIngestionAdapter.Builder#maxRejectedKept(int)}. */
  public static final String MAX_REJECTED_KEPT = "max-rejected-kept";

  /** Used by {@link java.util.ServiceLoader}. */
  public MemoryIngestionProvider() {}

  @Override
  public String name() {
    return InMemoryIngestionAdapter.NAME;
  }

  @Override
  public IngestionAdapter create(AdapterConfig config) {
    config.requireOnlyKnownKeys("memory ingestion provider", Set.of(CAPACITY, RETRY_AFTER, MAX_REJECTED_KEPT));
    InMemoryIngestionAdapter.Builder b = InMemoryIngestionAdapter.builder();
    int capacity = config.getInt(CAPACITY, InMemoryIngestionAdapter.DEFAULT_CAPACITY);
    AdapterConfig.apply(CAPACITY, () -> b.capacity(capacity));
    Duration retryAfter = config.getDuration(RETRY_AFTER, InMemoryIngestionAdapter.DEFAULT_RETRY_AFTER);
    AdapterConfig.apply(RETRY_AFTER, () -> b.retryAfter(retryAfter));
    int kept = config.getInt(MAX_REJECTED_KEPT, InMemoryIngestionAdapter.DEFAULT_MAX_REJECTED_KEPT);
    AdapterConfig.apply(MAX_REJECTED_KEPT, () -> b.maxRejectedKept(kept));
    return b.build();
  }
}
