package org.metricspipeline.clickhouse.sql;

import java.util.regex.Pattern;

/**
 * The one place where values become ClickHouse SQL text. ClickHouse 18.16 has no query parameters,
 * so every user value that appears in a statement (metric names, types, tag keys and values, search
 * strings) goes through {@link #quote}; database and table names go through {@link #identifier},
 * output column names made from user text through {@link #backQuote}. Bulk data never becomes SQL
 * text: the storage adapter sends it as RowBinary.
 */
public final class Sql {

  /** What a database or table name may look like: a letter or underscore, then up to 63 more. */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Sql() {}

  /**
   * A single-quoted ClickHouse string literal holding exactly {@code value}: backslash and quote are
   * escaped, NUL and the other control characters (and DEL) become escapes, everything else (UTF-8)
   * passes through. The result is a literal in every ClickHouse release since 1.1, 18.16 included.
   */
  public static String quote(String value) {
    return escaped(value, '\'');
  }

  private static String escaped(String value, char quoteChar) {
    StringBuilder sb = new StringBuilder(value.length() + 2);
    sb.append(quoteChar);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\0' -> sb.append("\\0");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c == quoteChar) {
            sb.append('\\').append(c);
          } else if (c < 0x20 || c == 0x7f) {
            sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append(quoteChar).toString();
  }

  /**
   * A back-quoted identifier holding exactly {@code name}, escaped as {@link #quote} escapes (the back
   * quote instead of the single quote): for output column names made from tag keys.
   */
  public static String backQuote(String name) {
    return escaped(name, '`');
  }

  /** An array literal of quoted strings, for example {@code ['a','b']}. */
  public static String quoteAll(Iterable<String> values) {
    StringBuilder sb = new StringBuilder("[");
    for (String v : values) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(quote(v));
    }
    return sb.append(']').toString();
  }

  /**
   * A back-quoted identifier after checking it against {@link #IDENTIFIER}; fails naming
   * {@code option} and the rule otherwise.
   */
  public static String identifier(String option, String name) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(option + " must match " + IDENTIFIER.pattern()
          + " (a letter or underscore, then letters, digits or underscores, at most 64), got '" + name + "'");
    }
    return "`" + name + "`";
  }
}
