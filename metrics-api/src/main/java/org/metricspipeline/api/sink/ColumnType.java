package org.metricspipeline.api.sink;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The column types of a {@link TableSpec}, as in the streaming config's table schemas. Each sink maps
 * them to its engine's types (see the sink's documentation); {@link #MAP} and {@link #ARRAY} exist
 * only where the engine has them.
 *
 * <table>
 * <caption>Type mapping</caption>
 * <tr><th>type</th><th>PostgreSQL</th><th>ClickHouse</th></tr>
 * <tr><td>string</td><td>text</td><td>String</td></tr>
 * <tr><td>int</td><td>integer</td><td>Int64</td></tr>
 * <tr><td>long</td><td>bigint</td><td>Int64</td></tr>
 * <tr><td>float</td><td>real</td><td>Float64</td></tr>
 * <tr><td>double</td><td>double precision</td><td>Float64</td></tr>
 * <tr><td>boolean</td><td>boolean</td><td>UInt8</td></tr>
 * <tr><td>timestamp (or datetime)</td><td>timestamptz</td><td>DateTime</td></tr>
 * <tr><td>date</td><td>date</td><td>Date</td></tr>
 * <tr><td>map (string to string)</td><td>jsonb</td><td>not available (18.16 has no Map)</td></tr>
 * <tr><td>array (of strings)</td><td>text[]</td><td>Array(String)</td></tr>
 * </table>
 */
public enum ColumnType {
  /** Text. */
  STRING,
  /** A 32-bit integer (64-bit where the engine's mapping says so). */
  INT,
  /** A 64-bit integer. */
  LONG,
  /** A 32-bit float (64-bit where the engine's mapping says so). */
  FLOAT,
  /** A 64-bit float. */
  DOUBLE,
  /** True or false. */
  BOOLEAN,
  /** An instant (second precision in ClickHouse, microseconds in PostgreSQL). */
  TIMESTAMP,
  /** A calendar date (UTC). */
  DATE,
  /** String keys to string values. */
  MAP,
  /** A list of strings. */
  ARRAY;

  /** The lower-case name used in configs, for example {@code timestamp}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type with this config name ({@code datetime} is {@link #TIMESTAMP}); fails naming the allowed names. */
  public static ColumnType fromWireName(String name) {
    Objects.requireNonNull(name, "type");
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("datetime")) {
      return TIMESTAMP;
    }
    for (ColumnType t : values()) {
      if (t.wireName().equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException("column type must be one of " + Arrays.stream(values())
        .map(ColumnType::wireName).toList() + " or datetime, got '" + name + "'");
  }
}
