package org.metricspipeline.runtime;

import java.util.Locale;

/** Where an orchestrated {@link Part} is in its life. */
public enum PartState {
  /** Not started yet. */
  PENDING,
  /** Its start is running. */
  STARTING,
  /** Started and not stopped. */
  RUNNING,
  /** Its stop is running. */
  STOPPING,
  /** Stopped (or never started because the orchestrator stopped first). */
  STOPPED,
  /** Its start or stop failed or timed out; the status's last error says why. */
  FAILED;

  /** The lower-case name used in status JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
