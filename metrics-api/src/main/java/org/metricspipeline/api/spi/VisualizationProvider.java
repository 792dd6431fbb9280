package org.metricspipeline.api.spi;

import org.metricspipeline.api.VisualizationAdapter;

/**
 * Creates {@link VisualizationAdapter}s by name; found with {@link java.util.ServiceLoader}.
 *
 * <p>Register an implementation in {@code META-INF/services/org.metricspipeline.api.spi.VisualizationProvider}
 * (and with {@code provides} in {@code module-info.java}); look it up with
 * {@link AdapterRegistry#visualization(String, AdapterConfig)}.
 */
public interface VisualizationProvider {

  /** The stable, lower-case name users select this provider by, for example {@code memory}. */
  String name();

  /**
   * A new adapter configured by {@code config}; fails with
   * {@link org.metricspipeline.api.ConfigurationException} naming any bad setting.
   */
  VisualizationAdapter create(AdapterConfig config);
}
