package org.metricspipeline.adapters.http.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parser of InfluxDB line protocol, written after the line protocol reference:
 *
 * <pre>
 * measurement[,tag_key=tag_value...] field_key=field_value[,field_key=field_value...] [timestamp]
 * </pre>
 *
 * <p>It walks the body's bytes once, line by line, without splitting it into strings first. Lines
 * are separated by {@code \n} (a {@code \r} before it is dropped); empty lines and lines starting
 * with {@code #} are skipped. In the measurement, tag keys, tag values and field keys a backslash
 * escapes a comma, a space, an equals sign or a backslash; before any other character it is a
 * literal backslash (as InfluxDB and VictoriaMetrics read it), and at the end of a line it is an
 * error. Field values are floats ({@code 1}, {@code -1.5e3}), integers ({@code 1i}), unsigned
 * integers ({@code 1u}), booleans ({@code t}, {@code true}, {@code F}, ...) or double-quoted strings
 * (in which {@code \"} and {@code \\} are escapes); {@code NaN} and the infinities are not numbers
 * here. Names and values must be UTF-8. Each line either parses whole or is reported with its
 * 1-based number and the element at fault; one bad line never hides the others.
 */
public final class LineProtocol {

  /** A timestamp unit: how many nanoseconds one unit holds. */
  public enum Precision {
    /** Nanoseconds (the default). */
    NANOSECONDS(1L),
    /** Microseconds. */
    MICROSECONDS(1_000L),
    /** Milliseconds. */
    MILLISECONDS(1_000_000L),
    /** Seconds. */
    SECONDS(1_000_000_000L),
    /** Minutes (v1 only). */
    MINUTES(60_000_000_000L),
    /** Hours (v1 only). */
    HOURS(3_600_000_000_000L);

    private final long nanos;

    Precision(long nanos) {
      this.nanos = nanos;
    }

    /** InfluxDB 1.x's {@code precision} values: {@code ns} (or {@code n}), {@code u} (or {@code us}), {@code ms}, {@code s}, {@code m}, {@code h}. */
    public static Optional<Precision> v1(String text) {
      return Optional.ofNullable(switch (text) {
        case "n", "ns" -> NANOSECONDS;
        case "u", "us", "µ" -> MICROSECONDS;
        case "ms" -> MILLISECONDS;
        case "s" -> SECONDS;
        case "m" -> MINUTES;
        case "h" -> HOURS;
        default -> null;
      });
    }

    /** InfluxDB 2.x's {@code precision} values: {@code ns}, {@code us}, {@code ms}, {@code s}. */
    public static Optional<Precision> v2(String text) {
      return Optional.ofNullable(switch (text) {
        case "ns" -> NANOSECONDS;
        case "us" -> MICROSECONDS;
        case "ms" -> MILLISECONDS;
        case "s" -> SECONDS;
        default -> null;
      });
    }
  }

  /** What a field holds. */
  public enum FieldType {
    /** A float ({@code 1.5}). */
    FLOAT,
    /** A signed 64-bit integer ({@code 1i}). */
    INTEGER,
    /** An unsigned 64-bit integer ({@code 1u}). */
    UNSIGNED,
    /** A boolean, as 1 or 0. */
    BOOLEAN,
    /** A quoted string; {@link Field#value()} is its number when the whole string is one, else NaN. */
    STRING
  }

  /**
   * One field.
   *
   * @param key the unescaped field key
   * @param type what the line carried
   * @param value the value as a double (integers beyond 2^53 are rounded; booleans are 1 or 0)
   * @param text the unescaped string of a {@link FieldType#STRING} field, else {@code ""}
   */
  public record Field(String key, FieldType type, double value, String text) {}

  /**
   * One parsed line.
   *
   * @param number the 1-based line number in the body
   * @param measurement the unescaped measurement (may be empty: {@code ,tag=v field=1})
   * @param tags the unescaped tags in line order
   * @param fields the fields in line order, a key repeated in a line keeps its last value
   * @param epochNanos the timestamp converted to nanoseconds since the epoch, when the line has one
   *     (a floor of the Long range: timestamps beyond it are reported as errors)
   */
  public record Line(int number, String measurement, Map<String, String> tags, List<Field> fields,
      Optional<Long> epochNanos) {}

  /** Receives each line that parsed, and each error, in body order. */
  public interface Handler {
    /** A line that parsed. */
    void line(Line line);

    /**
     * A line that did not parse.
     *
     * @param number its 1-based number
     * @param element what was at fault: {@code measurement}, {@code tag <key>}, {@code field <key>},
     *     {@code timestamp} or {@code ""} for the line's framing
     * @param message why
     */
    void error(int number, String element, String message);
  }

  private static final int MAX_SHOWN = 40;

  private final byte[] body;
  private final int end;
  private final Precision precision;
  private final Handler handler;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final StringBuilder scratch = new StringBuilder();
  /** Tokens seen in this body (measurements, keys, repeated values), so a repeated one is one String. */
  private final Map<TokenKey, String> seen = new java.util.HashMap<>();
  private final TokenKey probe = new TokenKey();

  private int pos;
  private int lineNumber;

  private LineProtocol(byte[] body, int end, Precision precision, Handler handler) {
    this.body = body;
    this.end = end;
    this.precision = precision;
    this.handler = handler;
  }

  /**
   * Parses {@code body[0..length)}, calling {@code handler} for every line in order; returns the
   * number of lines that were not blank or comments (parsed or not). Stops early, returning what it
   * counted so far plus one, once that count exceeds {@code maxLines}.
   */
  public static int parse(byte[] body, int length, Precision precision, int maxLines, Handler handler) {
    LineProtocol p = new LineProtocol(body, length, precision, handler);
    return p.run(maxLines);
  }

  private int run(int maxLines) {
    int lines = 0;
    while (pos < end) {
      lineNumber++;
      int lineEnd = indexOf((byte) '\n', pos);
      int next = lineEnd < 0 ? end : lineEnd + 1;
      int stop = lineEnd < 0 ? end : lineEnd;
      if (stop > pos && body[stop - 1] == '\r') {
        stop--;
      }
      int start = pos;
      while (start < stop && (body[start] == ' ' || body[start] == '\t')) {
        start++;
      }
      pos = next;
      if (start == stop || body[start] == '#') {
        continue;
      }
      if (++lines > maxLines) {
        return lines;
      }
      try {
        handler.line(parseLine(start, stop));
      } catch (LineError e) {
        handler.error(lineNumber, e.element, e.getMessage());
      }
    }
    return lines;
  }

  private int indexOf(byte b, int from) {
    for (int i = from; i < end; i++) {
      if (body[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Why a line did not parse; no stack trace, it is an answer. */
  private static final class LineError extends Exception {
    private static final long serialVersionUID = 1L;
    final String element;

    LineError(String element, String message) {
      super(message, null, false, false);
      this.element = element;
    }
  }

  private Line parseLine(int start, int stop) throws LineError {
    // measurement: up to an unescaped ',' or ' '
    int i = scanKey(start, stop, false, "measurement");
    String measurement = token(start, i, "measurement");
    Map<String, String> tags = new LinkedHashMap<>();
    while (i < stop && body[i] == ',') {
      int keyStart = i + 1;
      int eq = scanKey(keyStart, stop, true, "tag");
      if (eq >= stop || body[eq] != '=') {
        throw new LineError("tag " + show(keyStart, eq), "a tag needs '=' and a value (tag keys escape ',', '=' and ' ' with '\\')");
      }
      String key = token(keyStart, eq, "tag");
      if (key.isEmpty()) {
        throw new LineError("tag", "a tag key must not be empty");
      }
      int valueStart = eq + 1;
      i = scanKey(valueStart, stop, true, "tag " + key);
      if (i < stop && body[i] == '=') {
        throw new LineError("tag " + key, "an unescaped '=' in the tag value (escape it as '\\=')");
      }
      if (i == valueStart) {
        throw new LineError("tag " + key, "a tag value must not be empty (omit the tag instead)");
      }
      if (tags.put(key, token(valueStart, i, "tag " + key)) != null) {
        throw new LineError("tag " + key, "the tag key appears twice in the line");
      }
    }
    if (i >= stop) {
      throw new LineError("", "the line has no fields: expected a space, then field_key=value after "
          + (measurement.isEmpty() ? "the tags" : "measurement '" + measurement + "'"));
    }
    i = skipSpaces(i, stop);
    if (i >= stop) {
      throw new LineError("", "the line has no fields after the space");
    }
    List<Field> fields = new ArrayList<>(4);
    while (true) {
      int keyStart = i;
      int eq = scanKey(keyStart, stop, true, "field");
      if (eq >= stop || body[eq] != '=') {
        throw new LineError("field " + show(keyStart, eq), "a field needs '=' and a value");
      }
      String key = token(keyStart, eq, "field");
      if (key.isEmpty()) {
        throw new LineError("field", "a field key must not be empty");
      }
      i = eq + 1;
      Field field;
      if (i < stop && body[i] == '"') {
        int close = closingQuote(i + 1, stop, key);
        String text = unquote(i + 1, close, key);
        field = new Field(key, FieldType.STRING, numberOrNaN(text), text);
        i = close + 1;
      } else {
        int valueEnd = i;
        while (valueEnd < stop && body[valueEnd] != ',' && body[valueEnd] != ' ') {
          valueEnd++;
        }
        field = value(key, i, valueEnd);
        i = valueEnd;
      }
      fields.add(field);
      if (i >= stop || body[i] == ' ') {
        break;
      }
      i++; // ','
      if (i >= stop || body[i] == ' ') {
        throw new LineError("field", "a ',' must be followed by another field_key=value");
      }
    }
    i = skipSpaces(i, stop);
    Optional<Long> timestamp = Optional.empty();
    if (i < stop) {
      int tsEnd = i;
      while (tsEnd < stop && body[tsEnd] != ' ') {
        tsEnd++;
      }
      timestamp = Optional.of(timestamp(i, tsEnd));
      if (skipSpaces(tsEnd, stop) < stop) {
        throw new LineError("", "unexpected text after the timestamp: '" + show(skipSpaces(tsEnd, stop), stop)
            + "' (spaces in names must be escaped as '\\ ')");
      }
    }
    return new Line(lineNumber, measurement, tags, lastOfEachKey(fields), timestamp);
  }

  /**
   * The fields with each repeated key keeping only its last value, in line order, as InfluxDB
   * does; linear for lines of many fields (a hostile line of 100,000 fields stays cheap).
   */
  private static List<Field> lastOfEachKey(List<Field> fields) {
    int n = fields.size();
    if (n < 2) {
      return fields;
    }
    boolean repeated = false;
    if (n <= 16) {
      for (int i = 0; i < n && !repeated; i++) {
        for (int j = i + 1; j < n; j++) {
          if (fields.get(i).key().equals(fields.get(j).key())) {
            repeated = true;
            break;
          }
        }
      }
      if (!repeated) {
        return fields;
      }
    }
    Map<String, Integer> last = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      last.put(fields.get(i).key(), i);
    }
    if (last.size() == n) {
      return fields;
    }
    List<Field> kept = new ArrayList<>(last.size());
    for (int i = 0; i < n; i++) {
      if (last.get(fields.get(i).key()) == i) {
        kept.add(fields.get(i));
      }
    }
    return kept;
  }

  private int skipSpaces(int i, int stop) {
    while (i < stop && body[i] == ' ') {
      i++;
    }
    return i;
  }

  /**
   * The end of a measurement, tag key, tag value or field key starting at {@code from}: the first
   * unescaped ',' or ' ' (or '=' when {@code stopAtEquals}).
   */
  private int scanKey(int from, int stop, boolean stopAtEquals, String element) throws LineError {
    int i = from;
    while (i < stop) {
      byte b = body[i];
      if (b == '\\') {
        if (i + 1 >= stop) {
          throw new LineError(element, "a '\\' at the end of the line escapes nothing");
        }
        i += 2;
        continue;
      }
      if (b == ',' || b == ' ' || (stopAtEquals && b == '=')) {
        return i;
      }
      i++;
    }
    return i;
  }

  private int closingQuote(int from, int stop, String key) throws LineError {
    int i = from;
    while (i < stop) {
      byte b = body[i];
      if (b == '\\' && i + 1 < stop) {
        i += 2;
        continue;
      }
      if (b == '"') {
        if (i + 1 < stop && body[i + 1] != ',' && body[i + 1] != ' ') {
          throw new LineError("field " + key, "text after the closing quote of the string value");
        }
        return i;
      }
      i++;
    }
    throw new LineError("field " + key, "the string value's quote is not closed on this line");
  }

  /** An escaped name or tag value, unescaped and decoded as UTF-8. */
  private String token(int from, int to, String element) throws LineError {
    boolean plain = true;
    for (int i = from; i < to; i++) {
      byte b = body[i];
      if (b < 0 || b == '\\') {
        plain = false;
        break;
      }
    }
    if (plain) {
      probe.set(body, from, to);
      String known = seen.get(probe);
      if (known != null) {
        return known;
      }
      String s = new String(body, from, to - from, StandardCharsets.ISO_8859_1);
      if (seen.size() < 4096) {
        seen.put(new TokenKey().set(s.getBytes(StandardCharsets.ISO_8859_1), 0, to - from), s);
      }
      return s;
    }
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      byte b = body[i];
      if (b == '\\' && i + 1 < to) {
        byte c = body[i + 1];
        if (c == ',' || c == ' ' || c == '=' || c == '\\') {
          out[n++] = c;
          i++;
          continue;
        }
      }
      out[n++] = b;
    }
    return decode(out, 0, n, element);
  }

  private String unquote(int from, int to, String key) throws LineError {
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      byte b = body[i];
      if (b == '\\' && i + 1 < to && (body[i + 1] == '"' || body[i + 1] == '\\')) {
        out[n++] = body[++i];
        continue;
      }
      out[n++] = b;
    }
    return decode(out, 0, n, "field " + key);
  }

  private String decode(byte[] bytes, int from, int length, String element) throws LineError {
    try {
      CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(bytes, from, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new LineError(element, "not valid UTF-8");
    }
  }

  private Field value(String key, int from, int to) throws LineError {
    if (from == to) {
      throw new LineError("field " + key, "a field value must not be empty");
    }
    double plain = plainDecimal(from, to);
    if (!Double.isNaN(plain)) {
      return new Field(key, FieldType.FLOAT, plain, "");
    }
    byte last = body[to - 1];
    String text = new String(body, from, to - from, StandardCharsets.ISO_8859_1);
    if (last == 'i' && isInteger(from, to - 1, true)) {
      try {
        return new Field(key, FieldType.INTEGER, Long.parseLong(text.substring(0, text.length() - 1)), "");
      } catch (NumberFormatException e) {
        throw new LineError("field " + key, "the integer " + shorten(text) + " is outside the signed 64-bit range");
      }
    }
    if (last == 'u' && isInteger(from, to - 1, false)) {
      try {
        long bits = Long.parseUnsignedLong(text.substring(0, text.length() - 1));
        double v = bits >= 0 ? bits : (double) (bits >>> 1) * 2.0 + (bits & 1);
        return new Field(key, FieldType.UNSIGNED, v, "");
      } catch (NumberFormatException e) {
        throw new LineError("field " + key, "the unsigned integer " + shorten(text) + " is outside 0 to 2^64-1");
      }
    }
    switch (text) {
      case "t", "T", "true", "True", "TRUE" -> {
        return new Field(key, FieldType.BOOLEAN, 1, "");
      }
      case "f", "F", "false", "False", "FALSE" -> {
        return new Field(key, FieldType.BOOLEAN, 0, "");
      }
      default -> {
        // fall through to a float
      }
    }
    if (!isFloat(from, to)) {
      throw new LineError("field " + key, "'" + shorten(text) + "' is not a field value: expected a float (1.5),"
          + " an integer (1i), an unsigned integer (1u), a boolean (t, false) or a \"quoted string\"");
    }
    return new Field(key, FieldType.FLOAT, Double.parseDouble(text), "");
  }

  /** Powers of ten that are exact doubles. */
  private static final double[] POWERS_OF_TEN = {
      1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

  /**
   * The value of a float written {@code -?digits(.digits)?} with at most 15 digits, read straight
   * from the bytes (no String, no {@code Double.parseDouble}: most field values look like this);
   * NaN for anything else, which the general path reads. Both the digits, as a long, and the power
   * of ten are exact doubles, so one division gives the correctly rounded value, the same as
   * {@code Double.parseDouble} (Clinger's fast path).
   */
  private double plainDecimal(int from, int to) {
    int i = from;
    boolean negative = body[i] == '-';
    if (negative) {
      i++;
    }
    if (to - i > 16) {
      return Double.NaN;
    }
    long mantissa = 0;
    int intDigits = 0;
    while (i < to && body[i] >= '0' && body[i] <= '9') {
      mantissa = 10 * mantissa + (body[i++] - '0');
      intDigits++;
    }
    if (intDigits == 0) {
      return Double.NaN;
    }
    int fractionDigits = 0;
    if (i < to && body[i] == '.') {
      i++;
      while (i < to && body[i] >= '0' && body[i] <= '9') {
        mantissa = 10 * mantissa + (body[i++] - '0');
        fractionDigits++;
      }
      if (fractionDigits == 0) {
        return Double.NaN;
      }
    }
    if (i != to || intDigits + fractionDigits > 15) {
      return Double.NaN;
    }
    double v = mantissa / POWERS_OF_TEN[fractionDigits];
    return negative ? -v : v;
  }

  private boolean isInteger(int from, int to, boolean signed) {
    int i = from;
    if (signed && i < to && body[i] == '-') {
      i++;
    }
    if (i == to) {
      return false;
    }
    for (; i < to; i++) {
      if (body[i] < '0' || body[i] > '9') {
        return false;
      }
    }
    return true;
  }

  /** {@code -?(digits(.digits?)?|.digits)([eE][+-]?digits)?}: what InfluxDB's scanner takes as a float. */
  private boolean isFloat(int from, int to) {
    int i = from;
    if (i < to && body[i] == '-') {
      i++;
    }
    int digits = 0;
    while (i < to && body[i] >= '0' && body[i] <= '9') {
      i++;
      digits++;
    }
    if (i < to && body[i] == '.') {
      i++;
      while (i < to && body[i] >= '0' && body[i] <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < to && (body[i] == 'e' || body[i] == 'E')) {
      i++;
      if (i < to && (body[i] == '+' || body[i] == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < to && body[i] >= '0' && body[i] <= '9') {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == to;
  }

  private long timestamp(int from, int to) throws LineError {
    String text = new String(body, from, to - from, StandardCharsets.ISO_8859_1);
    if (!isInteger(from, to, true)) {
      throw new LineError("timestamp", "'" + shorten(text) + "' is not an integer timestamp");
    }
    try {
      return Math.multiplyExact(Long.parseLong(text), precision.nanos);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new LineError("timestamp", shorten(text) + " " + precision.name().toLowerCase(Locale.ROOT)
          + " is outside the range of nanosecond timestamps (years 1677 to 2262)");
    }
  }

  private static double numberOrNaN(String text) {
    String t = text.trim();
    if (t.isEmpty() || !t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+'
        || c == 'e' || c == 'E')) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private String show(int from, int to) {
    return shorten(new String(body, from, Math.max(0, Math.min(to, end) - from), StandardCharsets.UTF_8));
  }

  private static String shorten(String s) {
    return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
  }

  /** A byte range as a map key, for the token cache; {@link #probe} is reused for lookups. */
  private static final class TokenKey {
    byte[] bytes;
    int from;
    int to;
    int hash;

    TokenKey set(byte[] bytes, int from, int to) {
      this.bytes = bytes;
      this.from = from;
      this.to = to;
      int h = 1;
      for (int i = from; i < to; i++) {
        h = 31 * h + bytes[i];
      }
      this.hash = h;
      return this;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TokenKey k && java.util.Arrays.equals(bytes, from, to, k.bytes, k.from, k.to);
    }
  }
}
