package org.metricspipeline.api.spi;

import org.metricspipeline.api.sink.TableSink;

/**
 * Creates {@link TableSink}s by name; found with {@link java.util.ServiceLoader}.
 *
 * <p>Register an implementation in {@code META-INF/services/org.metricspipeline.api.spi.TableSinkProvider}
 * (and with {@code provides} in {@code module-info.java}); look it up with
 * {@link AdapterRegistry#tableSink(String, AdapterConfig)}.
 */
public interface TableSinkProvider {

  /** The stable, lower-case name users select this provider by, for example {@code postgres}. */
  String name();

  /** A new sink configured by {@code config}; fails with a configuration error naming any bad setting. */
  TableSink create(AdapterConfig config);
}
