package org.metricspipeline.api.telemetry;

import java.util.List;

/**
 * Implemented by components (adapters, the pipeline, the guard) that report figures about
 * themselves. The pipeline gathers the measurements of its adapters that implement this
 * interface; the guard serves all of them as Prometheus text and records them as metrics.
 *
 * <p>Calls must be cheap and thread-safe: they read counters, they never do I/O.
 */
public interface SelfMeasuring {

  /** The current figures; never null, empty when there is nothing to report. */
  List<Measurement> measurements();
}
