package org.metricspipeline.api.sink;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a value in a row becomes in a column of each {@link ColumnType}, the same for every sink:
 * {@code STRING} a {@link String} (any value's text), {@code INT} an {@link Integer} and {@code LONG}
 * a {@link Long} (integral numbers or their text; out of range fails), {@code FLOAT} a {@link Float}
 * and {@code DOUBLE} a {@link Double} (numbers or their text), {@code BOOLEAN} a {@link Boolean}
 * (booleans, {@code "true"}/{@code "false"}, 0/1), {@code TIMESTAMP} an {@link Instant} (instants,
 * offset or zoned date-times, epoch milliseconds, ISO-8601 text), {@code DATE} a {@link LocalDate}
 * (dates, instants as UTC dates, ISO text), {@code MAP} a {@code Map<String, String>}, {@code ARRAY}
 * a {@code List<String>}. A value that does not fit fails with an {@link IllegalArgumentException}
 * naming the column.
 */
public final class ColumnValues {

  private ColumnValues() {}

  /** {@code value} as the Java type of {@code type}; fails naming {@code column} when it does not fit. */
  public static Object convert(ColumnType type, Object value, String column) {
    try {
      return switch (type) {
        case STRING -> value instanceof String s ? s : String.valueOf(value);
        case INT -> Math.toIntExact(integral(value));
        case LONG -> integral(value);
        case FLOAT -> (float) real(value);
        case DOUBLE -> real(value);
        case BOOLEAN -> bool(value);
        case TIMESTAMP -> instant(value);
        case DATE -> date(value);
        case MAP -> map(value);
        case ARRAY -> list(value);
      };
    } catch (ArithmeticException | NumberFormatException | DateTimeParseException | ClassCastException e) {
      throw new IllegalArgumentException("column " + column + " (" + type.wireName() + ") cannot hold "
          + describe(value) + ": " + e.getMessage(), e);
    }
  }

  private static String describe(Object value) {
    String s = String.valueOf(value);
    return (s.length() > 60 ? s.substring(0, 60) + "..." : s) + " (" + value.getClass().getSimpleName() + ")";
  }

  private static long integral(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) > 9.007199254740992E15) {
        throw new ArithmeticException("not an integer");
      }
      return (long) d;
    }
    if (v instanceof String s) {
      return Long.parseLong(s.trim());
    }
    throw new ClassCastException("not a number");
  }

  private static double real(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      return Double.parseDouble(s.trim());
    }
    throw new ClassCastException("not a number");
  }

  private static boolean bool(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
      return n.doubleValue() == 1;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ClassCastException("not a boolean");
  }

  private static Instant instant(Object v) {
    if (v instanceof Instant i) {
      return i;
    }
    if (v instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (v instanceof ZonedDateTime z) {
      return z.toInstant();
    }
    if (v instanceof java.util.Date d) {
      return d.toInstant();
    }
    if (v instanceof Number) {
      return Instant.ofEpochMilli(integral(v));
    }
    if (v instanceof String s) {
      return Instant.parse(s.trim());
    }
    throw new ClassCastException("not an instant");
  }

  private static LocalDate date(Object v) {
    if (v instanceof LocalDate d) {
      return d;
    }
    if (v instanceof String s) {
      return LocalDate.parse(s.trim());
    }
    return LocalDate.ofInstant(instant(v), ZoneOffset.UTC);
  }

  private static Map<String, String> map(Object v) {
    if (!(v instanceof Map<?, ?> m)) {
      throw new ClassCastException("not a map");
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, x) -> out.put(String.valueOf(k), String.valueOf(x)));
    return out;
  }

  private static List<String> list(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof Collection<?> c) {
      c.forEach(x -> out.add(String.valueOf(x)));
    } else if (v instanceof Object[] a) {
      for (Object x : a) {
        out.add(String.valueOf(x));
      }
    } else {
      throw new ClassCastException("not a list");
    }
    return out;
  }
}
