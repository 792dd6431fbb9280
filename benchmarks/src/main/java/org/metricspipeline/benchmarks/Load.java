package org.metricspipeline.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/**
 * The synthetic load of the benchmarks: {@value #HOSTS} hosts, each reporting {@value #METRICS_PER_ITEM}
 * metrics per scrape, so {@value #SERIES} series; one item is one host's scrape.
 *
 * <p>Tags look like a node agent's: {@code host}, {@code region}, {@code env}, {@code service} for
 * every metric, plus a {@code device} tag that tells the four instances of each metric apart. A
 * producer either reuses one tag map per series (as one holding its labels in constants would) or
 * builds a fresh map for every point (as one assembling labels on the fly would).
 *
 * <p>Not thread-safe: one instance per producer thread.
 */
final class Load {

  static final int HOSTS = 10;
  static final int METRICS_PER_ITEM = 100;
  static final int SERIES = HOSTS * METRICS_PER_ITEM;
  static final String METRIC_TYPE = "node";
  static final String SOURCE = "node-agent";

  private static final String[] BASE_NAMES = {
      "cpu_seconds_total", "cpu_guest_seconds_total", "cpu_frequency_hertz", "cpu_scaling_hertz",
      "disk_read_bytes_total", "disk_written_bytes_total", "disk_io_time_seconds_total",
      "disk_reads_completed_total", "disk_writes_completed_total", "filesystem_avail_bytes",
      "filesystem_size_bytes", "filesystem_files_free", "network_receive_bytes_total",
      "network_transmit_bytes_total", "network_receive_packets_total", "network_transmit_packets_total",
      "network_receive_errs_total", "network_transmit_errs_total", "memory_active_bytes",
      "memory_cached_bytes", "memory_buffers_bytes", "memory_free_bytes", "load1", "load5",
      "context_switches_total"};
  private static final int DEVICES = METRICS_PER_ITEM / BASE_NAMES.length;
  private static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-south-1"};
  private static final String[] SERVICES = {"checkout", "search", "payments", "catalog", "auth"};

  private final String[] names = new String[METRICS_PER_ITEM];
  private final String[] units = new String[METRICS_PER_ITEM];
  private final String[] devices = new String[METRICS_PER_ITEM];
  /** [host][metric]: the one tag map of each series. */
  private final Map<String, String>[][] seriesTags;
  private final Map<String, String>[] hostTags;
  private final long startMillis;
  private final long tickMillis;
  private long tick;

  /**
   * A load whose first scrape is at {@code startMillis} and whose scrapes are {@code tickMillis}
   * apart; {@code offsetMillis} shifts this producer's timestamps off the others'.
   */
  @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays
  Load(long startMillis, long tickMillis, long offsetMillis) {
    this.startMillis = startMillis + offsetMillis;
    this.tickMillis = tickMillis;
    for (int m = 0; m < METRICS_PER_ITEM; m++) {
      String base = BASE_NAMES[m % BASE_NAMES.length];
      names[m] = "node_" + base;
      units[m] = base.endsWith("bytes") || base.endsWith("bytes_total") ? "bytes"
          : base.contains("seconds") ? "seconds" : base.endsWith("hertz") ? "hertz" : "";
      devices[m] = String.valueOf(m / BASE_NAMES.length);
    }
    hostTags = new Map[HOSTS];
    seriesTags = new Map[HOSTS][METRICS_PER_ITEM];
    for (int h = 0; h < HOSTS; h++) {
      hostTags[h] = Map.of("host", String.format("ip-10-0-%d-%d", h / 4, 10 + h),
          "region", REGIONS[h % REGIONS.length], "env", "prod", "service", SERVICES[h % SERVICES.length]);
      for (int m = 0; m < METRICS_PER_ITEM; m++) {
        seriesTags[h][m] = Map.copyOf(withDevice(hostTags[h], devices[m]));
      }
    }
  }

  /** A new mutable map: what a producer assembling labels per point hands to {@code Metric}. */
  private static Map<String, String> withDevice(Map<String, String> host, String device) {
    Map<String, String> tags = new HashMap<>(host);
    tags.put("device", device);
    return tags;
  }

  /** The next {@code items} scrapes, host after host and then tick after tick. */
  List<MetricsData> next(int items, boolean freshTags) {
    List<MetricsData> batch = new ArrayList<>(items);
    for (int i = 0; i < items; i++) {
      int host = (int) (tick % HOSTS);
      long time = startMillis + (tick / HOSTS) * tickMillis;
      batch.add(scrape(host, time, tick, freshTags));
      tick++;
    }
    return batch;
  }

  /** Points produced so far. */
  long points() {
    return tick * METRICS_PER_ITEM;
  }

  private MetricsData scrape(int host, long time, long seq, boolean freshTags) {
    Metric[] metrics = new Metric[METRICS_PER_ITEM];
    for (int m = 0; m < METRICS_PER_ITEM; m++) {
      Map<String, String> tags = freshTags ? withDevice(hostTags[host], devices[m]) : seriesTags[host][m];
      // Cheap, varied values: counters grow, gauges wander; neither costs more than the store does.
      double value = (seq * 7 + m * 13) % 1000 + m * 0.25;
      metrics[m] = new Metric(names[m], value, units[m], tags);
    }
    return new MetricsData(Instant.ofEpochMilli(time), METRIC_TYPE, List.of(metrics), SOURCE, Map.of());
  }
}
