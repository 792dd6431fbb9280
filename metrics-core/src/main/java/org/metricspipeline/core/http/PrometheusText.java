package org.metricspipeline.core.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.metricspipeline.api.telemetry.Measurement;

/**
 * Writes {@link Measurement}s in the Prometheus text exposition format 0.0.4: one family per name
 * with HELP and TYPE lines, samples of a family together, label values and help escaped. A counter
 * pair {@code X_sum}/{@code X_count} is written as one summary family {@code X} (the shape latencies
 * are reported in), so that linting finds no counter without {@code _total}.
 *
 * <p>{@link MetricsEndpoints} serves it as {@code GET /metrics}, so any service mounting core's
 * endpoints (with or without the guard) can be scraped; to serve it from another route or web stack,
 * use {@link #endpoint(String, Supplier)} or {@link #write(List)}.
 */
public final class PrometheusText {

  /** The Content-Type of the format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** The route Prometheus scrapes by default. */
  public static final String PATH = "/metrics";

  private PrometheusText() {}

  /**
   * A {@code GET} endpoint at {@code path} answering the text of {@code source}'s measurements, read
   * at each request (for example {@code endpoint("/metrics", pipeline::measurements)}).
   */
  public static HttpEndpoint endpoint(String path, Supplier<? extends List<Measurement>> source) {
    Objects.requireNonNull(source, "source");
    return HttpEndpoint.of("GET", path, EndpointKind.GENERAL,
        r -> CompletableFuture.completedFuture(response(source.get())));
  }

  /** A 200 response holding the text of {@code measurements}. */
  public static EndpointResponse response(List<Measurement> measurements) {
    return new EndpointResponse(200, Map.of("Content-Type", CONTENT_TYPE),
        write(measurements).getBytes(StandardCharsets.UTF_8));
  }

  private record Family(String name, String type, String help, List<String> lines) {}

  /** The exposition text of all measurements. */
  public static String write(List<Measurement> measurements) {
    Set<String> counterNames = new HashSet<>();
    for (Measurement m : measurements) {
      if (m.kind() == Measurement.Kind.COUNTER) {
        counterNames.add(m.name());
      }
    }
    Map<String, Family> families = new LinkedHashMap<>();
    for (Measurement m : measurements) {
      String family = m.name();
      String type = m.kind() == Measurement.Kind.COUNTER ? "counter" : "gauge";
      String help = m.help();
      if (m.kind() == Measurement.Kind.COUNTER) {
        String base = summaryBase(m.name(), counterNames);
        if (base != null) {
          family = base;
          type = "summary";
          help = m.name().endsWith("_sum") ? help : null;
        }
      }
      Family f = families.get(family);
      if (f == null) {
        f = new Family(family, type, help, new ArrayList<>());
        families.put(family, f);
      } else if (!f.type.equals(type)) {
        continue; // one name, two kinds: keep the first kind's samples
      } else if (f.help == null && help != null) {
        f = new Family(f.name, f.type, help, f.lines);
        families.put(family, f);
      }
      f.lines.add(sample(m));
    }
    StringBuilder out = new StringBuilder();
    for (Family f : families.values()) {
      out.append("# HELP ").append(f.name).append(' ')
          .append(escapeHelp(f.help != null ? f.help : f.name)).append('\n');
      out.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
      for (String line : f.lines) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static String summaryBase(String name, Set<String> counters) {
    if (name.endsWith("_sum")) {
      String base = name.substring(0, name.length() - 4);
      return counters.contains(base + "_count") ? base : null;
    }
    if (name.endsWith("_count")) {
      String base = name.substring(0, name.length() - 6);
      return counters.contains(base + "_sum") ? base : null;
    }
    return null;
  }

  private static String sample(Measurement m) {
    StringBuilder b = new StringBuilder(m.name());
    if (!m.labels().isEmpty()) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, String> e : new TreeMap<>(m.labels()).entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        b.append(e.getKey()).append("=\"").append(escapeLabelValue(e.getValue())).append('"');
      }
      b.append('}');
    }
    return b.append(' ').append(number(m.value())).toString();
  }

  /** A label value with backslash, double quote and line feed escaped. */
  public static String escapeLabelValue(String v) {
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String escapeHelp(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** A sample value: integers without a fraction, NaN, +Inf, -Inf as Prometheus spells them. */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
