package org.metricspipeline.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/**
 * Production-cardinality load for the store benchmarks: {@code hosts} hosts of
 * {@value #METRICS_PER_HOST} metrics each (so {@code hosts * 100} series), one item per host scrape,
 * scrapes sweeping host after host; every sweep advances the timestamps by {@code tickMillis} and
 * the values vary per point (two decimals, as an agent's gauges and counters do).
 *
 * <p>The tag maps are either built once per series and reused ({@code reuseTags}: what the HTTP
 * decoder's intern tables hand the store) or built afresh for every point (nothing held between
 * batches, so a footprint measurement sees only what the store keeps).
 *
 * <p>Not thread-safe: one instance per producer thread.
 */
final class CardinalityLoad {

  static final int METRICS_PER_HOST = 100;
  static final String METRIC_TYPE = "node";
  static final String SOURCE = "node-agent";

  private final int hosts;
  private final long startMillis;
  private final long tickMillis;
  private final String[] names = new String[METRICS_PER_HOST];
  private final String[] hostNames;
  /** [host * 100 + metric]: the reused tag maps, or null when built afresh. */
  private final Map<String, String>[] seriesTags;
  private long scrape;

  @SuppressWarnings("unchecked")
  CardinalityLoad(int hosts, long startMillis, long tickMillis, boolean reuseTags) {
    this.hosts = hosts;
    this.startMillis = startMillis;
    this.tickMillis = tickMillis;
    for (int m = 0; m < METRICS_PER_HOST; m++) {
      names[m] = "node_metric_" + m;
    }
    hostNames = new String[hosts];
    for (int h = 0; h < hosts; h++) {
      hostNames[h] = "host-" + h;
    }
    seriesTags = reuseTags ? new Map[hosts * METRICS_PER_HOST] : null;
    if (reuseTags) {
      for (int i = 0; i < seriesTags.length; i++) {
        seriesTags[i] = tags(i / METRICS_PER_HOST, i % METRICS_PER_HOST);
      }
    }
  }

  private static final String[] REGIONS = {"region-0", "region-1", "region-2", "region-3", "region-4",
      "region-5", "region-6", "region-7"};
  private static final String[] DEVICES = {"dev0", "dev1", "dev2", "dev3"};

  /** A new map of shared strings: the HTTP decoder interns keys and values even when maps are fresh. */
  private Map<String, String> tags(int host, int metric) {
    return Map.of("host", hostNames[host], "region", REGIONS[host % REGIONS.length], "env", "prod",
        "device", DEVICES[metric % DEVICES.length]);
  }

  /** Series this load writes to. */
  long series() {
    return (long) hosts * METRICS_PER_HOST;
  }

  /** The next {@code items} scrapes (each {@value #METRICS_PER_HOST} points). */
  List<MetricsData> next(int items) {
    List<MetricsData> batch = new ArrayList<>(items);
    for (int i = 0; i < items; i++) {
      int host = (int) (scrape % hosts);
      long sweep = scrape / hosts;
      // hosts scrape at slightly different moments within the tick
      long time = startMillis + sweep * tickMillis + (host % 1000);
      Metric[] metrics = new Metric[METRICS_PER_HOST];
      for (int m = 0; m < METRICS_PER_HOST; m++) {
        Map<String, String> t = seriesTags != null ? seriesTags[host * METRICS_PER_HOST + m] : tags(host, m);
        long mix = (scrape * 0x9E3779B97F4A7C15L + m * 0xBF58476D1CE4E5B9L) >>> 40;
        metrics[m] = new Metric(names[m], (mix % 100_000) / 100.0, "", t);
      }
      batch.add(new MetricsData(Instant.ofEpochMilli(time), METRIC_TYPE, List.of(metrics), SOURCE, Map.of()));
      scrape++;
    }
    return batch;
  }
}
