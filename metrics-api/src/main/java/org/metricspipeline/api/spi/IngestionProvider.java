package org.metricspipeline.api.spi;

import org.metricspipeline.api.IngestionAdapter;

/**
 * Creates {@link IngestionAdapter}s by name; found with {@link java.util.ServiceLoader}.
 *
 * <p>Register an implementation in {@code META-INF/services/org.metricspipeline.api.spi.IngestionProvider}
 * (and with {@code provides} in {@code module-info.java}); look it up with
 * {@link AdapterRegistry#ingestion(String, AdapterConfig)}.
 */
public interface IngestionProvider {

  /** The stable, lower-case name users select this provider by, for example {@code memory}. */
  String name();

  /**
   * A new adapter configured by {@code config}; fails with
   * {@link org.metricspipeline.api.ConfigurationException} naming any bad setting.
   */
  IngestionAdapter create(AdapterConfig config);
}
