package org.metricspipeline.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.metricspipeline.core.WindowedAggregator;
import org.metricspipeline.core.WindowedAggregator.WindowFunction;

/**
 * Seed 002's streaming job config, parsed into {@link WindowedAggregator} builders. Durations are
 * seed 002's words ({@code "1 minute"}, {@code "30 seconds"}, {@code "2 hours"}) or the short forms
 * ({@code 250ms}, {@code 30s}, {@code 1m}, {@code 1h}, {@code 1d}). Every error names the entry.
 */
public record StreamingConfig(List<WindowedAggregator.Builder> aggregations, Optional<Duration> triggerInterval,
    Optional<Integer> maxPendingResults, Optional<Duration> stopTimeout) {

  private static final Pattern DURATION = Pattern.compile(
      "(\\d+)\\s*(ms|millis|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)");

  /** Parses a job config map. */
  public static StreamingConfig parse(Map<String, ?> config) {
    Object list = config.get("aggregations");
    if (!(list instanceof List<?> entries) || entries.isEmpty()) {
      throw new IllegalArgumentException("aggregations must be a non-empty list, got " + list);
    }
    List<WindowedAggregator.Builder> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (!(entries.get(i) instanceof Map<?, ?> entry)) {
        throw new IllegalArgumentException("aggregations[" + i + "] must be a map");
      }
      try {
        out.add(aggregation(entry));
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new IllegalArgumentException("aggregations[" + i + "]: " + e.getMessage(), e);
      }
    }
    return new StreamingConfig(out, optional(config, "trigger_interval").map(v -> duration("trigger_interval", v)),
        optional(config, "max_pending_results").map(v -> integer("max_pending_results", v)),
        optional(config, "stop_timeout").map(v -> duration("stop_timeout", v)));
  }

  private static WindowedAggregator.Builder aggregation(Map<?, ?> e) {
    String name = required(e, "name");
    String type = required(e, "type").toLowerCase(Locale.ROOT);
    WindowFunction function = null;
    for (WindowFunction f : WindowFunction.values()) {
      if (f.wireName().equals(type)) {
        function = f;
      }
    }
    if (function == null) {
      throw new IllegalArgumentException("type must be one of count, count_distinct, sum, avg, min, max, got '" + type + "'");
    }
    Optional<String> field = optional(e, "field").map(String::valueOf);
    Optional<String> metric = optional(e, "metric").map(String::valueOf);
    WindowedAggregator.Builder b = WindowedAggregator.builder(function, name);
    switch (function) {
      case COUNT -> b.metricName(metric.or(() -> field).orElseThrow(
          () -> new IllegalArgumentException("count needs metric (the metric whose points are the events)")));
      case COUNT_DISTINCT -> {
        b.metricName(metric.orElseThrow(() -> new IllegalArgumentException(
            "count_distinct needs metric (the events) and field (the tag whose distinct values are counted)")));
        b.distinctTag(field.orElseThrow(() -> new IllegalArgumentException("count_distinct needs field (a tag key)")));
      }
      default -> b.metricName(metric.or(() -> field).orElseThrow(
          () -> new IllegalArgumentException(type + " needs field (the metric whose values are aggregated)")));
    }
    optional(e, "metric_type").or(() -> optional(e, "event_type")).map(String::valueOf).ifPresent(b::metricType);
    Object window = e.get("window");
    if (!(window instanceof Map<?, ?> w)) {
      throw new IllegalArgumentException("window must be a map with type and duration, got " + window);
    }
    Duration size = duration("window.duration", required(w, "duration"));
    String windowType = optional(w, "type").map(String::valueOf).orElse("tumbling").toLowerCase(Locale.ROOT);
    switch (windowType) {
      case "tumbling" -> b.tumbling(size);
      case "sliding" -> b.sliding(size, duration("window.slide", required(w, "slide")));
      default -> throw new IllegalArgumentException("window.type must be tumbling or sliding, got '" + windowType + "'");
    }
    Object groupBy = e.get("group_by");
    if (groupBy instanceof List<?> keys) {
      b.groupBy(keys.stream().map(String::valueOf).toArray(String[]::new));
    } else if (groupBy != null) {
      b.groupBy(String.valueOf(groupBy));
    }
    optional(e, "watermark").ifPresent(v -> b.allowedLateness(duration("watermark", v)));
    optional(e, "max_open_windows").ifPresent(v -> b.maxOpenWindows(integer("max_open_windows", v)));
    return b;
  }

  /** A duration in seed 002's words or the short forms; fails naming {@code key}. */
  public static Duration duration(String key, Object value) {
    String v = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException(key + " must be a duration such as \"1 minute\", \"30 seconds\", 250ms, 5s, "
          + "1m or 1h, got '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2);
    if (unit.startsWith("ms") || unit.startsWith("milli")) {
      return Duration.ofMillis(n);
    }
    return switch (unit.charAt(0)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static int integer(String key, Object value) {
    try {
      return value instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.parseInt(String.valueOf(value).trim());
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'", e);
    }
  }

  private static String required(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null || String.valueOf(v).isBlank()) {
      throw new IllegalArgumentException(key + " is required");
    }
    return String.valueOf(v);
  }

  private static Optional<Object> optional(Map<?, ?> m, String key) {
    return Optional.ofNullable(m.get(key));
  }
}
