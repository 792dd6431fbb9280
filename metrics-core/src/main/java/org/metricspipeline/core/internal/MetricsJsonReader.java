package org.metricspipeline.core.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.ValidationError;

/**
 * Reads the wire form of {@link MetricsData} with Jackson's streaming parser, collecting every
 * field-level error of an item instead of stopping at the first.
 *
 * <p>Structural problems (wrong JSON type, missing required field, unparseable timestamp,
 * non-finite number) are item errors with the field's wire path; the parser then skips the bad
 * value and goes on, so one bad item of a batch never loses the others. Malformed JSON (a syntax
 * error) cannot be skipped reliably and fails the whole document with its line and column.
 */
public final class MetricsJsonReader {

  /** Message for a missing timestamp value of the wrong shape. */
  static final String BAD_TIMESTAMP =
      "not a valid ISO-8601 timestamp or epoch milliseconds";

  /** Repeated names, units, tag values and tag maps decode to shared instances. */
  private static final DecodeCache CACHE = DecodeCache.SHARED;

  private MetricsJsonReader() {}

  /** The current VALUE_STRING, through the cache. */
  private static String text(JsonParser p) throws IOException {
    return CACHE.string(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  /** One item's outcome: the item, or its errors (exactly one is non-null). */
  public record ItemResult(MetricsData data, List<ValidationError> errors) {}

  /** Reads one item from a document holding exactly one JSON object. */
  public static MetricsData readItem(JsonParser p) {
    try (p) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw invalid("", "empty input: expected a JSON object");
      }
      if (t != JsonToken.START_OBJECT) {
        throw invalid("", "expected an object, got " + describe(t));
      }
      ItemResult r = readObject(p);
      expectEnd(p);
      if (r.errors != null) {
        throw new MetricsValidationException(r.errors);
      }
      return r.data;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new MetricsPipelineException("could not read the JSON input: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a JSON array of items (or a single object, read as a batch of one); one result per index.
   */
  public static List<ItemResult> readBatch(JsonParser p) {
    try (p) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw invalid("", "empty input: expected a JSON array of objects");
      }
      List<ItemResult> results = new ArrayList<>();
      if (t == JsonToken.START_OBJECT) {
        results.add(readObject(p));
      } else if (t == JsonToken.START_ARRAY) {
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t == JsonToken.START_OBJECT) {
            results.add(readObject(p));
          } else {
            p.skipChildren();
            results.add(new ItemResult(null,
                List.of(new ValidationError("", "expected an object, got " + describe(t)))));
          }
        }
      } else {
        throw invalid("", "expected an array of objects, got " + describe(t));
      }
      expectEnd(p);
      return results;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new MetricsPipelineException("could not read the JSON input: " + e.getMessage(), e);
    }
  }

  private static void expectEnd(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t != null) {
      JsonLocation at = p.currentTokenLocation();
      throw invalid("", "malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()
          + ": unexpected " + describe(t) + " after the end of the document");
    }
  }

  /** Reads the object whose START_OBJECT is the current token, up to and including its END_OBJECT. */
  static ItemResult readObject(JsonParser p) throws IOException {
    Errors errors = new Errors();
    Instant timestamp = null;
    boolean hasTimestamp = false;
    String metricType = null;
    boolean hasMetricType = false;
    List<Metric> metrics = null;
    boolean hasMetrics = false;
    String source = "";
    Map<String, Object> context = Map.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "timestamp":
          hasTimestamp = true;
          timestamp = readTimestamp(p, t, errors);
          break;
        case "metric_type":
          hasMetricType = true;
          metricType = readRequiredString(p, t, "metric_type", errors);
          break;
        case "metrics":
          hasMetrics = true;
          metrics = readMetrics(p, t, errors);
          break;
        case "source":
          source = readOptionalString(p, t, "source", errors);
          break;
        case "context":
          context = readContext(p, t, errors);
          break;
        default:
          // Unknown fields are ignored, so newer producers can talk to older pipelines.
          p.skipChildren();
      }
    }
    if (!hasTimestamp) {
      errors.add("timestamp", "required");
    }
    if (!hasMetricType) {
      errors.add("metric_type", "required");
    }
    if (!hasMetrics) {
      errors.add("metrics", "required");
    }
    if (errors.list != null) {
      return new ItemResult(null, errors.list);
    }
    return new ItemResult(new MetricsData(timestamp, metricType, metrics, source, context), null);
  }

  private static Instant readTimestamp(JsonParser p, JsonToken t, Errors errors) throws IOException {
    switch (t) {
      case VALUE_STRING: {
        Instant parsed = Timestamps.parseIso(p.getText());
        if (parsed == null) {
          errors.add("timestamp", BAD_TIMESTAMP + " (an ISO-8601 date-time needs an offset such as Z"
              + " or +01:00), got " + quote(p.getText()));
        }
        return parsed;
      }
      case VALUE_NUMBER_INT: {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          errors.add("timestamp", BAD_TIMESTAMP + ": " + p.getText() + " is out of range");
          return null;
        }
        return Instant.ofEpochMilli(p.getLongValue());
      }
      case VALUE_NUMBER_FLOAT: {
        double v = p.getDoubleValue();
        if (p.isNaN() || Math.abs(v) > 9.2e18) {
          errors.add("timestamp", BAD_TIMESTAMP + ", got " + p.getText());
          return null;
        }
        // A fractional number of milliseconds (as from JavaScript or Python clocks) is floored.
        return Instant.ofEpochMilli((long) Math.floor(v));
      }
      case VALUE_NULL:
        errors.add("timestamp", "required, got null");
        return null;
      default:
        errors.add("timestamp", BAD_TIMESTAMP + ", got " + describe(t));
        p.skipChildren();
        return null;
    }
  }

  private static String readRequiredString(JsonParser p, JsonToken t, String path, Errors errors)
      throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return text(p);
    }
    if (t == JsonToken.VALUE_NULL) {
      errors.add(path, "required, got null");
    } else {
      errors.add(path, "expected a string, got " + describe(t));
      p.skipChildren();
    }
    return null;
  }

  private static String readOptionalString(
      JsonParser p, JsonToken t, String path, Errors errors) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return text(p);
    }
    if (t != JsonToken.VALUE_NULL) {
      errors.add(path, "expected a string, got " + describe(t));
      p.skipChildren();
    }
    return "";
  }

  private static List<Metric> readMetrics(JsonParser p, JsonToken t, Errors errors)
      throws IOException {
    if (t != JsonToken.START_ARRAY) {
      errors.add("metrics", t == JsonToken.VALUE_NULL ? "required, got null"
          : "expected an array, got " + describe(t));
      p.skipChildren();
      return null;
    }
    List<Metric> metrics = new ArrayList<>();
    int index = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.START_OBJECT) {
        Metric m = readMetric(p, index, errors);
        if (m != null) {
          metrics.add(m);
        }
      } else {
        errors.add(at(index, ""), "expected an object, got " + describe(t));
        p.skipChildren();
      }
      index++;
    }
    return metrics;
  }

  private static Metric readMetric(JsonParser p, int index, Errors errors) throws IOException {
    int before = errors.size();
    String name = null;
    boolean hasName = false;
    double value = 0;
    boolean hasValue = false;
    String unit = "";
    Map<String, String> tags = Map.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "name":
          hasName = true;
          if (t == JsonToken.VALUE_STRING) {
            name = text(p);
          } else {
            errors.add(at(index, ".name"), t == JsonToken.VALUE_NULL ? "required, got null"
                : "expected a string, got " + describe(t));
            p.skipChildren();
          }
          break;
        case "value":
          hasValue = true;
          if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            value = p.getDoubleValue();
            if (p.isNaN()) {
              errors.add(at(index, ".value"), "must be a finite number, got " + p.getText()
                  + " (JSON has no NaN or Infinity)");
            } else if (!Double.isFinite(value)) {
              errors.add(at(index, ".value"), "number out of range: " + p.getText());
            }
          } else {
            errors.add(at(index, ".value"), t == JsonToken.VALUE_NULL ? "required, got null"
                : "expected a number, got " + describe(t));
            p.skipChildren();
          }
          break;
        case "unit":
          if (t == JsonToken.VALUE_STRING) {
            unit = text(p);
          } else if (t != JsonToken.VALUE_NULL) {
            errors.add(at(index, ".unit"), "expected a string, got " + describe(t));
            p.skipChildren();
          }
          break;
        case "tags":
          tags = readTags(p, t, index, errors);
          break;
        default:
          p.skipChildren();
      }
    }
    if (!hasName) {
      errors.add(at(index, ".name"), "required");
    }
    if (!hasValue) {
      errors.add(at(index, ".value"), "required");
    }
    if (errors.size() != before) {
      return null;
    }
    return new Metric(name, value, unit, tags);
  }

  private static Map<String, String> readTags(JsonParser p, JsonToken t, int index, Errors errors)
      throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (t != JsonToken.START_OBJECT) {
      errors.add(at(index, ".tags"), "expected an object, got " + describe(t));
      p.skipChildren();
      return Map.of();
    }
    // Pairs into a small array, then one shared immutable map per distinct content (Metric's
    // Map.copyOf keeps it as is); a later duplicate key wins, as in a JSON object read into a map.
    String[] kv = null;
    int size = 0;
    Map<String, String> many = null;
    boolean bad = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken vt = p.nextToken();
      if (vt != JsonToken.VALUE_STRING) {
        errors.add(at(index, ".tags." + key), "expected a string, got " + describe(vt));
        p.skipChildren();
        bad = true;
        continue;
      }
      String value = text(p);
      if (many != null) {
        many.put(key, value);
        continue;
      }
      if (kv == null) {
        kv = new String[2 * DecodeCache.MAX_TAGS];
      }
      int grown = DecodeCache.putTag(kv, size, key, value);
      if (grown >= 0) {
        size = grown;
      } else {
        many = new HashMap<>(4 * DecodeCache.MAX_TAGS);
        for (int i = 0; i < size; i += 2) {
          many.put(kv[i], kv[i + 1]);
        }
        many.put(key, value);
      }
    }
    if (bad || size == 0) {
      return Map.of();
    }
    return many != null ? many : CACHE.tagMap(kv, size);
  }

  private static Map<String, Object> readContext(JsonParser p, JsonToken t, Errors errors)
      throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (t != JsonToken.START_OBJECT) {
      errors.add("context", "expected an object, got " + describe(t));
      p.skipChildren();
      return Map.of();
    }
    int before = errors.size();
    Map<String, Object> map = readJsonObject(p, "context", errors);
    return errors.size() == before ? map : Map.of();
  }

  /** A JSON object as an unmodifiable map; {@code null} members are left out. */
  private static Map<String, Object> readJsonObject(JsonParser p, String path, Errors errors)
      throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      Object value = readJsonValue(p, t, path + "." + key, errors);
      if (value != null) {
        map.put(key, value);
      }
    }
    return Collections.unmodifiableMap(map);
  }

  private static Object readJsonValue(JsonParser p, JsonToken t, String path, Errors errors)
      throws IOException {
    switch (t) {
      case START_OBJECT:
        return readJsonObject(p, path, errors);
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        int i = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          Object v = readJsonValue(p, t, path + "[" + i + "]", errors);
          if (v != null) {
            list.add(v);
          }
          i++;
        }
        return Collections.unmodifiableList(list);
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? p.getBigIntegerValue() : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT: {
        double v = p.getDoubleValue();
        if (p.isNaN() || !Double.isFinite(v)) {
          errors.add(path, "must be a finite number, got " + p.getText());
          return null;
        }
        return v;
      }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  private static String at(int index, String rest) {
    return "metrics[" + index + "]" + rest;
  }

  static String describe(JsonToken t) {
    switch (t) {
      case START_OBJECT:
        return "object";
      case START_ARRAY:
        return "array";
      case VALUE_STRING:
        return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "boolean";
      case VALUE_NULL:
        return "null";
      default:
        return t.asString() == null ? t.name() : t.asString();
    }
  }

  private static String quote(String s) {
    return "\"" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "\"";
  }

  private static MetricsValidationException invalid(String field, String message) {
    return new MetricsValidationException(List.of(new ValidationError(field, message)));
  }

  private static MetricsValidationException malformed(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String reason = e.getOriginalMessage();
    int newline = reason == null ? -1 : reason.indexOf('\n');
    if (newline >= 0) {
      reason = reason.substring(0, newline);
    }
    return invalid("", "malformed JSON" + where + ": " + reason);
  }

  /** The errors of one item, allocated on the first one. */
  private static final class Errors {
    List<ValidationError> list;

    void add(String field, String message) {
      if (list == null) {
        list = new ArrayList<>(4);
      }
      list.add(new ValidationError(field, message));
    }

    int size() {
      return list == null ? 0 : list.size();
    }
  }
}
