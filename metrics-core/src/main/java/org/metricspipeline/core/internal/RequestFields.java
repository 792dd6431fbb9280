package org.metricspipeline.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.metricspipeline.api.ValidationError;

/**
 * Reads request fields (JSON members or query parameters) collecting every error with its field
 * name instead of stopping at the first; {@code null} stands for absent or invalid.
 */
public final class RequestFields {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private final List<ValidationError> errors = new ArrayList<>();

  /** Every error found so far. */
  public List<ValidationError> errors() {
    return errors;
  }

  /** Whether no error was found. */
  public boolean ok() {
    return errors.isEmpty();
  }

  /** Records an error. */
  public void error(String field, String message) {
    errors.add(new ValidationError(field, message));
  }

  /** A string member; {@code null} when absent (an error when required) or not a string. */
  public String text(JsonNode obj, String field, boolean required) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        error(field, "is required");
      }
      return null;
    }
    if (!n.isTextual()) {
      error(field, "must be a string, got " + kind(n));
      return null;
    }
    return n.asText();
  }

  /** A required non-empty string (query parameter). */
  public String requiredText(String value, String field) {
    if (value == null || value.isEmpty()) {
      error(field, "is required");
      return null;
    }
    return value;
  }

  /** A finite number member. */
  public Double number(JsonNode obj, String field, boolean required) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        error(field, "is required");
      }
      return null;
    }
    if (!n.isNumber()) {
      error(field, "must be a number, got " + kind(n));
      return null;
    }
    double d = n.asDouble();
    if (!Double.isFinite(d)) {
      error(field, "must be finite, got " + d);
      return null;
    }
    return d;
  }

  /** A time: ISO-8601 with offset, or epoch milliseconds (JSON number or digits). */
  public Instant time(JsonNode obj, String field) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isNumber()) {
      if (!n.canConvertToLong() || !Double.isFinite(n.asDouble())) {
        error(field, "must be epoch milliseconds or an ISO-8601 date-time");
        return null;
      }
      return Instant.ofEpochMilli(n.asLong());
    }
    if (!n.isTextual()) {
      error(field, "must be an ISO-8601 date-time or epoch milliseconds, got " + kind(n));
      return null;
    }
    if (n.asText().isBlank()) {
      // an empty string is a value, not an absent member: guessing "now" would store the wrong time
      error(field, "must be an ISO-8601 date-time or epoch milliseconds, got an empty string"
          + " (leave the member out instead)");
      return null;
    }
    return time(n.asText(), field);
  }

  /** A time from text: ISO-8601 with offset or epoch milliseconds. */
  public Instant time(String text, String field) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (text.chars().allMatch(c -> c >= '0' && c <= '9') && text.length() <= 18) {
      return Instant.ofEpochMilli(Long.parseLong(text));
    }
    Instant t = Timestamps.parseIso(text);
    if (t == null) {
      error(field, "must be an ISO-8601 date-time with offset (2025-12-03T12:00:00Z) or epoch milliseconds, got '"
          + abbreviate(text) + "'");
    }
    return t;
  }

  /** A map of strings: JSON object whose values are all strings. */
  public Map<String, String> labels(JsonNode n, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      error(field, "must be an object of strings, got " + kind(n));
      return out;
    }
    n.fields().forEachRemaining(e -> {
      if (e.getValue().isTextual()) {
        out.put(e.getKey(), e.getValue().asText());
      } else {
        error(field + "." + e.getKey(), "must be a string, got " + kind(e.getValue()));
      }
    });
    return out;
  }

  /** A map of strings given as JSON text in a query parameter. */
  public Map<String, String> labelsParam(String text, String field) {
    if (text == null || text.isEmpty()) {
      return new LinkedHashMap<>();
    }
    try {
      return labels(HttpJson.read(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), field);
    } catch (HttpJson.BadJsonException e) {
      error(field, "must be a JSON object of strings: " + e.getMessage());
      return new LinkedHashMap<>();
    }
  }

  /** An integer in {@code [min, max]}, or the default when absent. */
  public int integer(String text, String field, int dflt, int min, int max) {
    if (text == null || text.isEmpty()) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(text.trim());
      if (v < min || v > max) {
        error(field, "must be between " + min + " and " + max + ", got " + v);
        return dflt;
      }
      return v;
    } catch (NumberFormatException e) {
      error(field, "must be an integer, got '" + abbreviate(text) + "'");
      return dflt;
    }
  }

  /** A duration such as {@code 500ms}, {@code 60s}, {@code 1m}, {@code 1h}, {@code 1d}. */
  public Duration duration(String text, String field) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      error(field, "must be a positive duration like 500ms, 60s, 1m, 1h or 1d, got '" + abbreviate(text) + "'");
      return null;
    }
    long v = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(v);
      case "s" -> Duration.ofSeconds(v);
      case "m" -> Duration.ofMinutes(v);
      case "h" -> Duration.ofHours(v);
      default -> Duration.ofDays(v);
    };
  }

  /** The JSON kind of a node, for messages. */
  public static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
