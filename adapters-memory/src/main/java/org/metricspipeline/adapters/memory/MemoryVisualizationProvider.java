package org.metricspipeline.adapters.memory;

import java.util.Set;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.VisualizationProvider;

/**
 * Provides {@link InMemoryVisualizationAdapter} under the name {@code memory}. It takes no settings
 * (unknown keys are rejected) and has no storage, so it exports JSON definitions only; build one with
 * {@link InMemoryVisualizationAdapter#builder()} to export data too.
 */
public final class MemoryVisualizationProvider implements VisualizationProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public MemoryVisualizationProvider() {}

  @Override
  public String name() {
    return InMemoryVisualizationAdapter.NAME;
  }

  @Override
  public VisualizationAdapter create(AdapterConfig config) {
    config.requireOnlyKnownKeys("memory visualization provider", Set.of());
    return InMemoryVisualizationAdapter.create();
  }
}
