package org.metricspipeline.runtime;

import java.util.Objects;
import org.metricspipeline.api.MetricsPipelineException;

/**
 * A part failed to start (or did not start in time); the orchestrator stopped what it had started.
 * The message names the part and the cause, for example
 * {@code part 'storage.main' (storage) failed to start: ...; stopped 0 started part(s)}.
 */
public class OrchestratorException extends MetricsPipelineException {
  private static final long serialVersionUID = 1L;

  /** The part that failed. */
  private final String partName;

  /** An exception naming the part that failed. */
  public OrchestratorException(String partName, String message, Throwable cause) {
    super(message, cause);
    this.partName = Objects.requireNonNull(partName, "partName");
  }

  /** The name of the part that failed to start. */
  public String partName() {
    return partName;
  }
}
