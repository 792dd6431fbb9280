package org.metricspipeline.api.sink;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One column of a {@link TableSpec}.
 *
 * @param name the column name: a letter or underscore, then letters, digits or underscores (at most 63)
 * @param type the column's type
 * @param nullable whether the column accepts missing values (a missing value of a non-null column
 *     fails the write)
 */
public record Column(String name, ColumnType type, boolean nullable) {

  /** What a table or column name may look like. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  /** Validates the name. */
  public Column {
    checkName("column name", name);
    Objects.requireNonNull(type, "type");
  }

  /** A nullable column. */
  public static Column of(String name, ColumnType type) {
    return new Column(name, type, true);
  }

  /** A column that must have a value. */
  public static Column required(String name, ColumnType type) {
    return new Column(name, type, false);
  }

  /** Checks a table or column name against {@link #NAME}; fails naming {@code what} and the rule. */
  public static String checkName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " must match " + NAME.pattern()
          + " (a letter or underscore, then letters, digits or underscores), got '" + name + "'");
    }
    return name;
  }
}
