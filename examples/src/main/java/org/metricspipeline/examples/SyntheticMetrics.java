package org.metricspipeline.examples;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/**
 * Deterministic synthetic host metrics: for each host and each tick, one {@code system} item with
 * {@code cpu_usage} (percent), {@code memory_used} (MiB) and the counter {@code http_requests_total}.
 *
 * <p>The values depend only on the seed, the host and the tick number, never on the wall clock, so a
 * run can be checked by generating the same data again.
 */
final class SyntheticMetrics {

  static final String METRIC_TYPE = "system";
  static final String SOURCE = "quickstart";
  static final String CPU = "cpu_usage";
  static final String MEMORY = "memory_used";
  static final String REQUESTS = "http_requests_total";
  static final List<String> METRIC_NAMES = List.of(CPU, MEMORY, REQUESTS);
  private static final String[] REGIONS = {"eu-west", "us-east"};

  private final long seed;
  private final int hosts;
  private final Instant start;
  private final Duration interval;
  private final int ticks;

  /**
   * Data for {@code hosts} hosts, one item per host every {@code interval} from {@code start}
   * (inclusive) for {@code ticks} ticks.
   */
  SyntheticMetrics(long seed, int hosts, Instant start, Duration interval, int ticks) {
    if (hosts < 1) {
      throw new IllegalArgumentException("hosts must be >= 1, got " + hosts);
    }
    if (ticks < 1) {
      throw new IllegalArgumentException("ticks must be >= 1, got " + ticks);
    }
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval must be >= 1ms, got " + interval);
    }
    this.seed = seed;
    this.hosts = hosts;
    this.start = start;
    this.interval = interval;
    this.ticks = ticks;
  }

  static String hostName(int host) {
    return "web-" + (host + 1);
  }

  int hosts() {
    return hosts;
  }

  int ticks() {
    return ticks;
  }

  /** The tags of a host: built once per host and shared by its metrics, as a real producer would. */
  static Map<String, String> tagsOf(int host) {
    return Map.of("host", hostName(host), "region", REGIONS[host % REGIONS.length]);
  }

  /** Every item of one host, in time order. */
  List<MetricsData> itemsOf(int host) {
    // One random stream per host, so a host's values do not depend on how many hosts there are.
    SplittableRandom random = new SplittableRandom(seed * 31 + host);
    Map<String, String> tags = tagsOf(host);
    double cpuBase = 20 + 10 * host;
    double memory = 2048 + 256 * host;
    double requestsPerSecond = 40 + 15 * host;
    double requests = 1000 * (host + 1);
    double intervalSeconds = interval.toMillis() / 1000.0;
    List<MetricsData> items = new ArrayList<>(ticks);
    for (int tick = 0; tick < ticks; tick++) {
      double wave = 8 * Math.sin(2 * Math.PI * tick / 90.0);
      double cpu = clamp(cpuBase + wave + random.nextDouble(-5, 5), 0, 100);
      memory = Math.max(0, memory + random.nextDouble(-16, 16));
      requests += Math.floor(requestsPerSecond * intervalSeconds * random.nextDouble(0.5, 1.5));
      items.add(MetricsData.builder()
          .timestamp(start.plus(interval.multipliedBy(tick)))
          .metricType(METRIC_TYPE)
          .source(SOURCE)
          .metric(new Metric(CPU, round(cpu), "percent", tags))
          .metric(new Metric(MEMORY, round(memory), "MiB", tags))
          .metric(new Metric(REQUESTS, requests, "requests", tags))
          .build());
    }
    return items;
  }

  private static double clamp(double v, double min, double max) {
    return Math.max(min, Math.min(max, v));
  }

  /** Two decimals, so printed samples read well. */
  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
