package org.metricspipeline.api.telemetry;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One figure a component reports about itself (a request count, a queue depth, a latency sum), in
 * a shape that maps one to one onto a Prometheus sample.
 *
 * <p>Names follow Prometheus conventions: {@code metrics_pipeline_} or {@code metrics_<component>_}
 * prefix, base units (seconds, bytes), {@code _total} suffix on counters. Latencies are reported as
 * a {@code _seconds_sum} counter beside a {@code _seconds_count} counter, so a rate of one over the
 * other is a mean latency.
 *
 * @param name Prometheus metric name, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
 * @param kind counter (only grows while the component lives) or gauge
 * @param help one line saying what is counted
 * @param labels label names ({@code [a-zA-Z_][a-zA-Z0-9_]*}, not starting with {@code __}) to values
 * @param value the current value
 */
public record Measurement(String name, Kind kind, String help, Map<String, String> labels, double value) {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** Whether the value only grows (counter) or goes up and down (gauge). */
  public enum Kind {
    /** Monotonic while the reporting component lives. */
    COUNTER,
    /** A current level. */
    GAUGE
  }

  /** Validates the name, the label names and copies the labels. */
  public Measurement {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(help, "help");
    Objects.requireNonNull(labels, "labels");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name: must match [a-zA-Z_:][a-zA-Z0-9_:]*, got '" + name + "'");
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "labels: null key");
      Objects.requireNonNull(e.getValue(), () -> "labels." + key + ": null value");
      if (!LABEL.matcher(key).matches() || key.startsWith("__")) {
        throw new IllegalArgumentException(
            "labels." + key + ": label names must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
      }
    }
    labels = Map.copyOf(labels);
  }

  /** A counter without labels. */
  public static Measurement counter(String name, String help, double value) {
    return new Measurement(name, Kind.COUNTER, help, Map.of(), value);
  }

  /** A gauge without labels. */
  public static Measurement gauge(String name, String help, double value) {
    return new Measurement(name, Kind.GAUGE, help, Map.of(), value);
  }
}
