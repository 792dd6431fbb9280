package org.metricspipeline.micrometer.internal;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.core.otlp.OtlpMapping;

/**
 * Turns one meter into metrics, named as Prometheus names the same meter and shaped as the OTLP
 * endpoint stores histograms and summaries ({@link OtlpMapping}): counters and gauges as one
 * metric; timers and distribution summaries as {@code _count}, {@code _sum}, {@code _max}, one
 * {@code <name>} per percentile with a {@code quantile} tag, one {@code _bucket} per histogram
 * bucket with an {@code le} tag and the cumulative count ({@code le="+Inf"} last); long task timers
 * as {@code _active_count}, {@code _duration_sum}, {@code _max} (and buckets); function timers as
 * {@code _count} and {@code _sum}. Non-finite values (the NaN of a gauge whose object was collected)
 * are left out.
 */
public final class MeterMapper {

  private final TimeUnit baseTimeUnit;
  private final String timeUnit;

  /** A mapper writing times in {@code baseTimeUnit}. */
  public MeterMapper(TimeUnit baseTimeUnit) {
    this.baseTimeUnit = baseTimeUnit;
    this.timeUnit = baseTimeUnit.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Adds the metrics of {@code meter}, named {@code name} with {@code tags}, to {@code out}. */
  public void map(Meter meter, String name, Map<String, String> tags, List<Metric> out) {
    String unit = unit(meter.getId().getBaseUnit());
    meter.use(
        gauge -> add(out, name, gauge.value(), unit, tags),
        counter -> add(out, name, counter.count(), unit, tags),
        timer -> distribution(out, name, timer.takeSnapshot(), timeUnit, tags, true),
        summary -> distribution(out, name, summary.takeSnapshot(), unit, tags, false),
        ltt -> longTaskTimer(out, name, ltt, tags),
        timeGauge -> add(out, name, timeGauge.value(baseTimeUnit), timeUnit, tags),
        functionCounter -> add(out, name, functionCounter.count(), unit, tags),
        functionTimer -> {
          add(out, name + "_count", functionTimer.count(), "", tags);
          add(out, name + "_sum", functionTimer.totalTime(baseTimeUnit), timeUnit, tags);
        },
        other -> custom(out, name, other.measure(), unit, tags));
  }

  private void distribution(List<Metric> out, String name, HistogramSnapshot s, String unit,
      Map<String, String> tags, boolean time) {
    add(out, name + "_count", s.count(), "", tags);
    add(out, name + "_sum", time ? s.total(baseTimeUnit) : s.total(), unit, tags);
    add(out, name + "_max", time ? s.max(baseTimeUnit) : s.max(), unit, tags);
    for (ValueAtPercentile p : s.percentileValues()) {
      add(out, name, time ? p.value(baseTimeUnit) : p.value(), unit, with(tags, "quantile", OtlpMapping.bound(p.percentile())));
    }
    buckets(out, name, s, time, tags);
  }

  private void longTaskTimer(List<Metric> out, String name, LongTaskTimer ltt, Map<String, String> tags) {
    add(out, name + "_active_count", ltt.activeTasks(), "", tags);
    add(out, name + "_duration_sum", ltt.duration(baseTimeUnit), timeUnit, tags);
    add(out, name + "_max", ltt.max(baseTimeUnit), timeUnit, tags);
    HistogramSnapshot s = ltt.takeSnapshot();
    for (ValueAtPercentile p : s.percentileValues()) {
      add(out, name, p.value(baseTimeUnit), timeUnit, with(tags, "quantile", OtlpMapping.bound(p.percentile())));
    }
    buckets(out, name, s, true, tags);
  }

  private void buckets(List<Metric> out, String name, HistogramSnapshot s, boolean time, Map<String, String> tags) {
    CountAtBucket[] counts = s.histogramCounts();
    if (counts.length == 0) {
      return;
    }
    double last = 0;
    for (CountAtBucket c : counts) {
      double bound = time ? c.bucket(baseTimeUnit) : c.bucket();
      last = Math.max(last, c.count());
      if (bound == Double.POSITIVE_INFINITY) {
        continue; // written once, below
      }
      add(out, name + "_bucket", c.count(), "", with(tags, "le", OtlpMapping.bound(bound)));
    }
    add(out, name + "_bucket", Math.max(last, s.count()), "", with(tags, "le", "+Inf"));
  }

  private static void custom(List<Metric> out, String name, Iterable<Measurement> measurements, String unit,
      Map<String, String> tags) {
    for (Measurement m : measurements) {
      String suffix = switch (m.getStatistic()) {
        case TOTAL, TOTAL_TIME -> "_sum";
        case COUNT -> "_count";
        case MAX -> "_max";
        case ACTIVE_TASKS -> "_active_count";
        case DURATION -> "_duration_sum";
        case VALUE, UNKNOWN -> "";
      };
      add(out, name + suffix, m.getValue(), suffix.equals("_count") ? "" : unit, tags);
    }
  }

  private static void add(List<Metric> out, String name, double value, String unit, Map<String, String> tags) {
    if (Double.isFinite(value)) {
      out.add(new Metric(name, value, unit, tags));
    }
  }

  private static Map<String, String> with(Map<String, String> tags, String key, String value) {
    Map<String, String> t = new LinkedHashMap<>(tags);
    t.put(key, value);
    return t;
  }

  /** A base unit the validator accepts: no control characters, at most the longest unit. */
  static String unit(String baseUnit) {
    if (baseUnit == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(baseUnit.length());
    for (int i = 0; i < baseUnit.length() && b.length() < MetricsValidator.DEFAULT_MAX_UNIT_LENGTH; i++) {
      char c = baseUnit.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    return b.toString();
  }

}
