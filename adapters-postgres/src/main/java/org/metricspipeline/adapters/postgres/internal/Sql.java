package org.metricspipeline.adapters.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One SQL statement and its bound parameters: the one place where values meet SQL. User values
 * (metric names, types, tag keys and values, search strings) are only ever bound as parameters
 * ({@link #param}); schema and table names go through {@link #identifier}; numbers are formatted from
 * Java longs. Bulk data never becomes SQL text: it is sent by binary {@code COPY} ({@link CopyRows}).
 */
public final class Sql {

  /** What a schema or table name may look like: a letter or underscore, then up to 39 more. */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");

  /** A text[] parameter (bound with {@code createArrayOf("text", ...)}). */
  record TextArray(List<String> values) {}

  private final StringBuilder text = new StringBuilder(256);
  private final List<Object> params = new ArrayList<>();

  /** An empty statement. */
  public Sql() {}

  /** A statement starting with {@code sql}. */
  public Sql(String sql) {
    text.append(sql);
  }

  /** Appends SQL text (never a user value). */
  public Sql add(String sql) {
    text.append(sql);
    return this;
  }

  /** Appends another statement's text and parameters. */
  public Sql add(Sql other) {
    text.append(other.text);
    params.addAll(other.params);
    return this;
  }

  /** Appends a placeholder bound to {@code value} (String, Long, Double, byte[] or a text array). */
  public Sql param(Object value) {
    text.append('?');
    params.add(value);
    return this;
  }

  /** Appends a placeholder bound to a text[] of {@code values}. */
  public Sql textArray(List<String> values) {
    text.append("?::text[]");
    params.add(new TextArray(List.copyOf(values)));
    return this;
  }

  /** The SQL text with {@code ?} placeholders. */
  public String text() {
    return text.toString();
  }

  /** The parameters, in placeholder order. */
  public List<Object> params() {
    return Collections.unmodifiableList(params);
  }

  /** Whether nothing was appended. */
  public boolean isEmpty() {
    return text.length() == 0;
  }

  @Override
  public String toString() {
    return text.toString();
  }

  /** A tag value as stored (UTF-8 bytes in a bytea, so NUL and every code point survive). */
  public static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Whether a string can be a PostgreSQL {@code text} value: text cannot hold NUL, so a filter on a
   * text column with such a value matches nothing (and a stored text never holds one).
   */
  public static boolean isText(String value) {
    return value.indexOf('\0') < 0;
  }

  /**
   * A double-quoted identifier after checking it against {@link #IDENTIFIER}; fails naming
   * {@code option} and the rule otherwise.
   */
  public static String identifier(String option, String name) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(option + " must match " + IDENTIFIER.pattern()
          + " (a letter or underscore, then letters, digits or underscores, at most 40), got '" + name + "'");
    }
    return "\"" + name + "\"";
  }
}
