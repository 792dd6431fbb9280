package org.metricspipeline.api;

import java.util.Objects;

/**
 * A dashboard as the visualization backend knows it.
 *
 * @param id the backend's identifier
 * @param spec what it was created with
 */
public record Dashboard(String id, DashboardSpec spec) {

  /** Validates. */
  public Dashboard {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spec, "spec");
  }

  /** The dashboard's name. */
  public String name() {
    return spec.name();
  }
}
