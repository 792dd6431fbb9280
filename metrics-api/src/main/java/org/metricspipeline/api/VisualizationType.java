package org.metricspipeline.api;

import java.util.Locale;

/** The kinds of chart a {@link VisualizationAdapter} can draw. */
public enum VisualizationType {
  /** Values over time as lines. */
  LINE,
  /** Values as bars. */
  BAR,
  /** Values over time as filled areas. */
  AREA,
  /** Shares of a whole. */
  PIE,
  /** Rows and columns. */
  TABLE,
  /** One number. */
  SCALAR;

  /** The lower-case wire name, for example {@code line}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type for a wire name (case-insensitive); fails listing the known names. */
  public static VisualizationType fromWireName(String name) {
    for (VisualizationType t : values()) {
      if (t.wireName().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown visualization type '" + name + "'; known: line, bar, area, pie, table, scalar");
  }
}
