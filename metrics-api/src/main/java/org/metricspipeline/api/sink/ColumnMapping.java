package org.metricspipeline.api.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which field of a row goes into which column, as in the streaming config's {@code column_mapping}:
 * a field path to a column name. A path reaches into nested maps with dots ({@code window.start} is
 * the {@code start} entry of the map under {@code window}); a field may be renamed
 * ({@code count -> event_count}). Columns not mapped get no value (their default, or NULL).
 *
 * <pre>{@code
 * ColumnMapping mapping = ColumnMapping.of(Map.of(
 *     "window.start", "window_start", "device_type", "device_type", "count", "event_count"));
 * }</pre>
 */
public final class ColumnMapping {

  private final List<String> paths;
  private final List<String[]> splitPaths;
  private final List<String> columns;

  private ColumnMapping(Map<String, String> fieldToColumn) {
    this.paths = List.copyOf(fieldToColumn.keySet());
    this.columns = List.copyOf(fieldToColumn.values());
    this.splitPaths = new ArrayList<>();
    for (String p : paths) {
      if (p.isEmpty() || p.startsWith(".") || p.endsWith(".") || p.contains("..")) {
        throw new IllegalArgumentException("column mapping: field path must be names separated by dots, got '" + p + "'");
      }
      splitPaths.add(p.split("\\."));
    }
    if (columns.stream().distinct().count() != columns.size()) {
      throw new IllegalArgumentException("column mapping: two fields map to one column: " + fieldToColumn);
    }
    columns.forEach(c -> Column.checkName("column mapping target", c));
  }

  /** A mapping from field paths to column names, in the map's iteration order. */
  public static ColumnMapping of(Map<String, String> fieldToColumn) {
    Objects.requireNonNull(fieldToColumn, "fieldToColumn");
    if (fieldToColumn.isEmpty()) {
      throw new IllegalArgumentException("column mapping must map at least one field");
    }
    return new ColumnMapping(new LinkedHashMap<>(fieldToColumn));
  }

  /** Each field into the column of the same name. */
  public static ColumnMapping identity(List<String> columns) {
    Map<String, String> m = new LinkedHashMap<>();
    columns.forEach(c -> m.put(c, c));
    return of(m);
  }

  /** The target columns, in mapping order. */
  public List<String> columns() {
    return columns;
  }

  /** The field paths, in mapping order. */
  public List<String> paths() {
    return paths;
  }

  /** The value of mapping entry {@code i} in {@code row}; empty when a step of the path is missing. */
  public Optional<Object> value(Map<String, ?> row, int i) {
    Object current = row;
    for (String step : splitPaths.get(i)) {
      if (!(current instanceof Map<?, ?> m) || !m.containsKey(step)) {
        return Optional.empty();
      }
      current = m.get(step);
    }
    return Optional.ofNullable(current);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ColumnMapping{");
    for (int i = 0; i < paths.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(paths.get(i)).append(" -> ").append(columns.get(i));
    }
    return sb.append('}').toString();
  }
}
