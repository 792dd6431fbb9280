package org.metricspipeline.api;

import java.util.Map;
import java.util.Objects;

/**
 * What a dashboard should be: a name, a description and free-form metadata.
 *
 * @param name non-blank
 * @param description may be empty
 * @param metadata free-form settings; an immutable copy
 */
public record DashboardSpec(String name, String description, Map<String, String> metadata) {

  /** Validates and copies. */
  public DashboardSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(metadata, "metadata");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    metadata = Map.copyOf(metadata);
  }

  /** A dashboard with just a name. */
  public static DashboardSpec named(String name) {
    return new DashboardSpec(name, "", Map.of());
  }
}
