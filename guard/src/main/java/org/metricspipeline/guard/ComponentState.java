package org.metricspipeline.guard;

import java.util.Locale;

/** Where a watched component stands (seed 001's health status), from best to worst. */
public enum ComponentState {
  /** Working as intended. */
  HEALTHY,
  /** Working, but checks report problems. */
  DEGRADED,
  /** Not working: enough consecutive checks failed. */
  CRITICAL,
  /** A recovery strategy ran; waiting for checks to pass again. */
  RECOVERING,
  /** Could not be recovered within the attempt limit. */
  FAILED;

  /** The lower-case wire name, for example {@code healthy}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** How bad the state is for the overall status: healthy 0, degraded and recovering 1, critical 2, failed 3. */
  public int severity() {
    return switch (this) {
      case HEALTHY -> 0;
      case DEGRADED, RECOVERING -> 1;
      case CRITICAL -> 2;
      case FAILED -> 3;
    };
  }

  /** The worse of this and {@code other}. */
  public ComponentState worst(ComponentState other) {
    return other.severity() > severity() ? other : this;
  }
}
