package org.metricspipeline.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/**
 * Deterministic synthetic data for demos, tests and benchmarks: metric series following a pattern
 * (seed 004's data generator) and e-commerce user sessions (seed 002's event generator). The same
 * seed always gives the same data.
 *
 * <pre>{@code
 * List<MetricsData> cpu = SyntheticData.series("cpu_usage", Pattern.SINE_WAVE,
 *     Instant.parse("2025-12-03T12:00:00Z"), Duration.ofMinutes(5), Duration.ofSeconds(5), 42L);
 * List<MetricsData> events = SyntheticData.userSessions(100, Instant.now(), 42L);
 * }</pre>
 */
public final class SyntheticData {

  /** The metric type of generated series. */
  public static final String SERIES_METRIC_TYPE = "synthetic";
  /** The level around which every pattern moves. */
  public static final double BASE = 50;

  /** How a generated series moves over time. */
  public enum Pattern {
    /** {@code BASE} plus Gaussian noise (standard deviation 5). */
    NOISE,
    /** {@code BASE + 25 sin(2 pi t / 5 min)} plus noise of 1. */
    SINE_WAVE,
    /** From {@code BASE}, rising 0.1 per point, plus noise of 1. */
    LINEAR_TREND,
    /** {@code BASE} plus noise of 2; about 1 point in 20 jumps by 40 to 60. */
    SPIKE,
    /** Sine wave plus linear trend plus noise plus spikes. */
    COMBINED;

    /** The wire name, for example {@code sine_wave}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The pattern for a wire name (case-insensitive); fails listing the known names. */
    public static Pattern fromWireName(String name) {
      for (Pattern p : values()) {
        if (p.wireName().equalsIgnoreCase(name)) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown pattern '" + name
          + "'; known: noise, sine_wave, linear_trend, spike, combined");
    }
  }

  private static final long SINE_PERIOD_MILLIS = 300_000;
  private static final String[] PAGES = {"/", "/products", "/products/42", "/cart", "/search", "/about"};
  private static final String[] DEVICES = {"desktop", "mobile", "tablet"};

  private SyntheticData() {}

  /**
   * One item per {@code interval} in {@code [start, start + duration)}, each with one metric
   * {@code metricName} following {@code pattern}, tagged {@code pattern=<wire name>}.
   */
  public static List<MetricsData> series(String metricName, Pattern pattern, Instant start,
      Duration duration, Duration interval, long seed) {
    Objects.requireNonNull(metricName, "metricName");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(start, "start");
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval must be at least 1ms, got " + interval);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must be >= 0, got " + duration);
    }
    long n = duration.toMillis() / interval.toMillis();
    if (n > 10_000_000) {
      throw new IllegalArgumentException("duration / interval must be at most 10000000 points, got " + n);
    }
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, String> tags = Map.of("pattern", pattern.wireName());
    List<MetricsData> out = new ArrayList<>((int) n);
    for (int i = 0; i < n; i++) {
      long offset = i * interval.toMillis();
      double v = value(pattern, i, offset, r);
      out.add(MetricsData.of(start.plusMillis(offset), SERIES_METRIC_TYPE,
          List.of(Metric.of(metricName, v, tags))));
    }
    return out;
  }

  private static double value(Pattern p, int i, long offset, SplittableRandom r) {
    double sine = 25 * Math.sin(2 * Math.PI * offset / SINE_PERIOD_MILLIS);
    return switch (p) {
      case NOISE -> BASE + gaussian(r) * 5;
      case SINE_WAVE -> BASE + sine + gaussian(r);
      case LINEAR_TREND -> BASE + 0.1 * i + gaussian(r);
      case SPIKE -> BASE + gaussian(r) * 2 + spike(r);
      case COMBINED -> BASE + sine + 0.1 * i + gaussian(r) * 2 + spike(r);
    };
  }

  private static double spike(SplittableRandom r) {
    return r.nextInt(20) == 0 ? 40 + r.nextDouble() * 20 : 0;
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * {@code sessions} user sessions starting at {@code start}, one after another a few seconds apart.
   * A session is a landing {@code page_view}, 0 to 5 more {@code page_view}s, then in about 30% of
   * sessions an {@code add_to_cart}, of which about half end in a {@code purchase}. Each event is an
   * item of that metric type with one metric {@code event} (value 1) tagged {@code user_id},
   * {@code session_id}, {@code device_type} and {@code page}; a purchase also has {@code amount}.
   * Users come from a pool of 100.
   */
  public static List<MetricsData> userSessions(int sessions, Instant start, long seed) {
    if (sessions < 0) {
      throw new IllegalArgumentException("sessions must be >= 0, got " + sessions);
    }
    Objects.requireNonNull(start, "start");
    SplittableRandom r = new SplittableRandom(seed);
    List<MetricsData> out = new ArrayList<>();
    long t = start.toEpochMilli();
    for (int s = 0; s < sessions; s++) {
      String user = "user_" + r.nextInt(100);
      String session = "session_" + s;
      String device = DEVICES[r.nextInt(DEVICES.length)];
      int views = 1 + r.nextInt(6);
      for (int v = 0; v < views; v++) {
        String page = v == 0 ? "/" : PAGES[r.nextInt(PAGES.length)];
        out.add(event("page_view", t, user, session, device, page, List.of()));
        t += 1000 + r.nextInt(20_000);
      }
      if (r.nextInt(10) < 3) {
        out.add(event("add_to_cart", t, user, session, device, "/products/42", List.of()));
        t += 1000 + r.nextInt(10_000);
        if (r.nextBoolean()) {
          double amount = Math.round((5 + r.nextDouble() * 195) * 100) / 100.0;
          out.add(event("purchase", t, user, session, device, "/checkout",
              List.of(new Metric("amount", amount, "USD", Map.of("user_id", user, "device_type", device)))));
          t += 1000;
        }
      }
      t += r.nextInt(5_000);
    }
    return out;
  }

  private static MetricsData event(String type, long t, String user, String session, String device,
      String page, List<Metric> extra) {
    List<Metric> metrics = new ArrayList<>();
    metrics.add(Metric.of("event", 1, Map.of("user_id", user, "session_id", session,
        "device_type", device, "page", page)));
    metrics.addAll(extra);
    return MetricsData.builder().timestamp(Instant.ofEpochMilli(t)).metricType(type).metrics(metrics)
        .source("synthetic").build();
  }
}
