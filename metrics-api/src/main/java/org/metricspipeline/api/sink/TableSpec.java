package org.metricspipeline.api.sink;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A table a {@link TableSink} creates: a name, columns and a key, which is the primary key in
 * PostgreSQL and the {@code ORDER BY} of ClickHouse's MergeTree.
 *
 * @param name the table name (see {@link Column#NAME})
 * @param columns the columns, at least one, names unique
 * @param key columns of the key, in order; may be empty (PostgreSQL: no primary key; ClickHouse:
 *     {@code ORDER BY tuple()})
 */
public record TableSpec(String name, List<Column> columns, List<String> key) {

  /** Validates and copies. */
  public TableSpec {
    Column.checkName("table name", name);
    columns = List.copyOf(columns);
    key = List.copyOf(key);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("table " + name + " needs at least one column");
    }
    Set<String> names = new HashSet<>();
    for (Column c : columns) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("table " + name + " has two columns named " + c.name());
      }
    }
    for (String k : key) {
      if (!names.contains(k)) {
        throw new IllegalArgumentException("key column " + k + " of table " + name + " is not one of its columns");
      }
    }
  }

  /** A table with these columns and key. */
  public static TableSpec of(String name, List<Column> columns, List<String> key) {
    return new TableSpec(name, columns, key);
  }

  /**
   * A table from the streaming config's schema form: {@code columns} (a list of maps with
   * {@code name}, {@code type} and optional {@code nullable}, default true) and {@code order_by} or
   * {@code primary_key} (a name or a list of names). Fails naming the entry at fault.
   */
  public static TableSpec fromConfig(String name, Map<String, ?> schema) {
    Objects.requireNonNull(schema, "schema");
    Object cols = schema.get("columns");
    if (!(cols instanceof List<?> list)) {
      throw new IllegalArgumentException("schema of table " + name + ": columns must be a list, got " + cols);
    }
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> c)) {
        throw new IllegalArgumentException("schema of table " + name + ": columns[" + i + "] must be a map");
      }
      Object nullable = c.get("nullable");
      try {
        columns.add(new Column(String.valueOf(c.get("name")), ColumnType.fromWireName(String.valueOf(c.get("type"))),
            nullable == null || Boolean.parseBoolean(String.valueOf(nullable))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("schema of table " + name + ": columns[" + i + "]: " + e.getMessage(), e);
      }
    }
    Object key = schema.containsKey("primary_key") ? schema.get("primary_key") : schema.get("order_by");
    List<String> keys = new ArrayList<>();
    if (key instanceof List<?> k) {
      k.forEach(v -> keys.add(String.valueOf(v)));
    } else if (key != null) {
      keys.add(String.valueOf(key));
    }
    return new TableSpec(name, columns, keys);
  }

  /** The column with this name, if any. */
  public java.util.Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
