package org.metricspipeline.core.http;

import org.metricspipeline.api.telemetry.SelfMeasuring;

/**
 * An ingestion channel that also serves {@code GET /metrics} (the HTTP adapter). A
 * {@link org.metricspipeline.core.MetricsPipeline} built with such a channel hands itself over, so
 * the server exposes the pipeline's figures (which include its adapters') with no extra wiring; a
 * contributed {@code GET /metrics}, such as the guard's, still replaces the built-in one.
 */
public interface TelemetryExposing {

  /** Serve {@code source}'s measurements at {@code GET /metrics} from now on. */
  void exposeTelemetryOf(SelfMeasuring source);
}
