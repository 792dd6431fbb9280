package org.metricspipeline.api;

import java.util.Locale;

/** Formats a dashboard can be exported in; each adapter lists the ones it supports. */
public enum ExportFormat {
  /** The definition and the data, as JSON. */
  JSON,
  /** The data, as CSV. */
  CSV,
  /** The data, as an Excel workbook. */
  XLSX,
  /** The charts, as an SVG image. */
  SVG,
  /** A standalone HTML page that opens offline. */
  HTML;

  /** The lower-case wire name, for example {@code json}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format for a wire name (case-insensitive); fails listing the known names. */
  public static ExportFormat fromWireName(String name) {
    for (ExportFormat f : values()) {
      if (f.wireName().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown export format '" + name + "'; known: json, csv, xlsx, svg, html");
  }
}
