package org.metricspipeline.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/**
 * A fast path in front of {@link MetricsJsonReader} for the shape producers send by the million:
 * an array (or one object) of well-formed items with ASCII strings without escapes, each field
 * once, no {@code context}, at most {@value DecodeCache#MAX_TAGS} tags per metric. It reads the
 * UTF-8 bytes directly (no tokens, no char buffers) through the shared {@link DecodeCache}.
 *
 * <p>It decides nothing: the moment a document is anything else (an escape, a non-ASCII byte, an
 * unknown or repeated field, a missing field, a malformed or unusual number, trailing bytes, ...)
 * it gives up and returns {@code null}, and the caller reads the document with
 * {@link MetricsJsonReader}, which reports every error with its path. When it answers, the answer
 * equals {@link MetricsJsonReader#readBatch}'s for the same bytes (FastJsonReaderTest compares
 * them); numbers are converted with correct rounding as {@link Double#parseDouble} does.
 */
public final class FastJsonReader {

  private static final byte[] TIMESTAMP = key("timestamp");
  private static final byte[] METRIC_TYPE = key("metric_type");
  private static final byte[] METRICS = key("metrics");
  private static final byte[] SOURCE = key("source");
  private static final byte[] NAME = key("name");
  private static final byte[] VALUE = key("value");
  private static final byte[] UNIT = key("unit");
  private static final byte[] TAGS = key("tags");
  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  /** Longest number (in bytes) read here; longer ones go to the full reader. */
  private static final int MAX_NUMBER_LENGTH = 64;

  /** Thrown to give up; preallocated and without a stack trace, so giving up is cheap. */
  private static final RuntimeException GIVE_UP = new RuntimeException("not on the fast path", null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  private final byte[] b;
  private final DecodeCache cache;
  private int i;
  private String[] kv;
  /** The metrics of the item being read; reused across the items of one document. */
  private Metric[] scratch = new Metric[16];

  private FastJsonReader(byte[] json, DecodeCache cache) {
    this.b = json;
    this.cache = cache;
  }

  /** The items of {@code json}, or {@code null} when the document is not on the fast path. */
  public static List<MetricsJsonReader.ItemResult> tryReadBatch(byte[] json) {
    try {
      return new FastJsonReader(json, DecodeCache.SHARED).batch();
    } catch (RuntimeException e) {
      // GIVE_UP, an index past the end, or a record refusing a value: the full reader decides.
      return null;
    }
  }

  private List<MetricsJsonReader.ItemResult> batch() {
    List<MetricsJsonReader.ItemResult> results = new ArrayList<>();
    ws();
    if (b[i] == '[') {
      i++;
      ws();
      if (b[i] == ']') {
        i++;
      } else {
        while (true) {
          expect('{');
          results.add(new MetricsJsonReader.ItemResult(item(), null));
          ws();
          if (b[i] == ',') {
            i++;
            ws();
          } else {
            expect(']');
            break;
          }
        }
      }
    } else {
      expect('{');
      results.add(new MetricsJsonReader.ItemResult(item(), null));
    }
    while (i < b.length) {
      if (!isWs(b[i])) {
        throw GIVE_UP;
      }
      i++;
    }
    return results;
  }

  /** One item; the current byte follows its '{'. */
  private MetricsData item() {
    Instant timestamp = null;
    String metricType = null;
    List<Metric> metrics = null;
    String source = null;
    ws();
    do {
      ws();
      if (key(TIMESTAMP) && timestamp == null) {
        timestamp = timestamp();
      } else if (key(METRIC_TYPE) && metricType == null) {
        metricType = string();
      } else if (key(METRICS) && metrics == null) {
        metrics = metrics();
      } else if (key(SOURCE) && source == null) {
        source = b[i] == 'n' ? nullLiteral("") : string();
      } else {
        throw GIVE_UP;
      }
      ws();
    } while (b[i++] == ',');
    if (b[i - 1] != '}' || timestamp == null || metricType == null || metrics == null) {
      throw GIVE_UP;
    }
    return new MetricsData(timestamp, metricType, metrics, source == null ? "" : source, Map.of());
  }

  private Instant timestamp() {
    if (b[i] == '"') {
      Instant parsed = Timestamps.parseIso(string());
      if (parsed == null) {
        throw GIVE_UP;
      }
      return parsed;
    }
    int start = i;
    long millis = integer();
    if (i - start > 19) {
      throw GIVE_UP;
    }
    return Instant.ofEpochMilli(millis);
  }

  /** A JSON integer of at most 18 digits (no fraction, no exponent). */
  private long integer() {
    boolean negative = b[i] == '-';
    if (negative) {
      i++;
    }
    int start = i;
    long value = 0;
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      value = 10 * value + (b[i] - '0');
      i++;
    }
    int digits = i - start;
    if (digits == 0 || digits > 18 || (digits > 1 && b[start] == '0')
        || (i < b.length && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'))) {
      throw GIVE_UP;
    }
    return negative ? -value : value;
  }

  private List<Metric> metrics() {
    expect('[');
    ws();
    if (b[i] == ']') {
      i++;
      return List.of();
    }
    int n = 0;
    while (true) {
      expect('{');
      if (n == scratch.length) {
        scratch = Arrays.copyOf(scratch, n * 2);
      }
      scratch[n++] = metric();
      ws();
      if (b[i] == ',') {
        i++;
        ws();
      } else {
        expect(']');
        // one exact copy, which List.of copies once more (MetricsData keeps that immutable list as it
        // is) instead of an ArrayList grown 6 times for 100 metrics and then copied twice
        List<Metric> metrics = List.of(Arrays.copyOf(scratch, n));
        Arrays.fill(scratch, 0, n, null);
        return metrics;
      }
    }
  }

  /** One metric; the current byte follows its '{'. */
  private Metric metric() {
    String name = null;
    boolean hasValue = false;
    double value = 0;
    String unit = null;
    Map<String, String> tags = null;
    do {
      ws();
      if (key(NAME) && name == null) {
        name = string();
      } else if (key(VALUE) && !hasValue) {
        hasValue = true;
        value = number();
      } else if (key(UNIT) && unit == null) {
        unit = b[i] == 'n' ? nullLiteral("") : string();
      } else if (key(TAGS) && tags == null) {
        tags = b[i] == 'n' ? nullLiteral(Map.of()) : tags();
      } else {
        throw GIVE_UP;
      }
      ws();
    } while (b[i++] == ',');
    if (b[i - 1] != '}' || name == null || !hasValue) {
      throw GIVE_UP;
    }
    return new Metric(name, value, unit == null ? "" : unit, tags == null ? Map.of() : tags);
  }

  /** Tags as MetricsJsonReader reads them: a later duplicate key wins; shared through the cache. */
  private Map<String, String> tags() {
    expect('{');
    ws();
    if (b[i] == '}') {
      i++;
      return Map.of();
    }
    if (kv == null) {
      kv = new String[2 * DecodeCache.MAX_TAGS];
    }
    int size = 0;
    do {
      ws();
      String key = string();
      ws();
      expect(':');
      ws();
      String value = string();
      size = DecodeCache.putTag(kv, size, key, value);
      if (size < 0) {
        throw GIVE_UP;
      }
      ws();
    } while (b[i++] == ',');
    if (b[i - 1] != '}') {
      throw GIVE_UP;
    }
    return cache.tagMap(kv, size);
  }

  /**
   * A JSON number as Jackson's {@code getDoubleValue()} gives it: integers through {@code long}
   * (so {@code -0} is {@code 0.0}), decimals correctly rounded (exactly when the digits fit in 15
   * and the power of ten in 22, as {@code Double.parseDouble} would; otherwise by it).
   */
  private double number() {
    int start = i;
    boolean negative = b[i] == '-';
    if (negative) {
      i++;
    }
    int intStart = i;
    long mantissa = 0;
    int significant = 0;
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      if (mantissa != 0 || b[i] != '0') {
        significant++;
      }
      mantissa = 10 * mantissa + (b[i] - '0');
      i++;
    }
    int intDigits = i - intStart;
    if (intDigits == 0 || (intDigits > 1 && b[intStart] == '0')) {
      throw GIVE_UP;
    }
    boolean integer = true;
    int exponent = 0;
    if (i < b.length && b[i] == '.') {
      integer = false;
      i++;
      int fracStart = i;
      while (i < b.length && b[i] >= '0' && b[i] <= '9') {
        if (mantissa != 0 || b[i] != '0') {
          significant++;
        }
        if (significant <= 18) {
          mantissa = 10 * mantissa + (b[i] - '0');
          exponent--;
        }
        i++;
      }
      if (i == fracStart) {
        throw GIVE_UP;
      }
    }
    if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
      integer = false;
      i++;
      boolean negativeExponent = b[i] == '-';
      if (b[i] == '-' || b[i] == '+') {
        i++;
      }
      int expStart = i;
      int e = 0;
      while (i < b.length && b[i] >= '0' && b[i] <= '9') {
        e = 10 * e + (b[i] - '0');
        i++;
        if (i - expStart > 4) {
          throw GIVE_UP;
        }
      }
      if (i == expStart) {
        throw GIVE_UP;
      }
      exponent += negativeExponent ? -e : e;
    }
    if (i - start > MAX_NUMBER_LENGTH || significant > 18) {
      throw GIVE_UP;
    }
    if (integer) {
      return (double) (negative ? -mantissa : mantissa);
    }
    double v;
    if (significant <= 15 && exponent >= -22 && exponent <= 22) {
      // Both operands are exact doubles: one correctly rounded operation (Clinger's fast path).
      v = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
    } else {
      v = Math.abs(Double.parseDouble(new String(b, start, i - start, StandardCharsets.ISO_8859_1)));
      if (!Double.isFinite(v)) {
        throw GIVE_UP;
      }
    }
    return negative ? -v : v;
  }

  /** A string of printable ASCII without escapes, through the cache. */
  private String string() {
    expect('"');
    int start = i;
    while (true) {
      byte c = b[i++];
      if (c == '"') {
        return cache.ascii(b, start, i - 1 - start);
      }
      if (c < 0x20 || c == '\\') { // bytes >= 0x80 are negative: not ASCII
        throw GIVE_UP;
      }
    }
  }

  private <T> T nullLiteral(T value) {
    if (b[i] == 'n' && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
      i += 4;
      return value;
    }
    throw GIVE_UP;
  }

  /**
   * Whether {@code "key"} (given with its quotes) is at the current byte; if so, moves past it and
   * the colon after it.
   */
  private boolean key(byte[] key) {
    int n = key.length;
    if (i + n > b.length) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != key[k]) {
        return false;
      }
    }
    i += n;
    ws();
    expect(':');
    ws();
    return true;
  }

  private void expect(char c) {
    if (b[i] != c) {
      throw GIVE_UP;
    }
    i++;
  }

  private void ws() {
    while (i < b.length && isWs(b[i])) {
      i++;
    }
  }

  private static boolean isWs(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private static byte[] key(String name) {
    return ('"' + name + '"').getBytes(StandardCharsets.US_ASCII);
  }
}
