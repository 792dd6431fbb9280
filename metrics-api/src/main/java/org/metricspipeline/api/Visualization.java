package org.metricspipeline.api;

import java.util.Objects;

/**
 * A chart placed on a dashboard.
 *
 * @param id the backend's identifier
 * @param dashboardId the dashboard it is on
 * @param spec what it was created with
 */
public record Visualization(String id, String dashboardId, VisualizationSpec spec) {

  /** Validates. */
  public Visualization {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(dashboardId, "dashboardId");
    Objects.requireNonNull(spec, "spec");
  }
}
