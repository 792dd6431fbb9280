package org.metricspipeline.adapters.memory.internal;

import java.util.Map;

/** What identifies a series: metric type, source, metric name, unit and tags. */
final class SeriesKey {

  final String metricType;
  final String source;
  final String name;
  final String unit;
  final Map<String, String> tags;
  private final int hash;

  SeriesKey(String metricType, String source, String name, String unit, Map<String, String> tags) {
    this.metricType = metricType;
    this.source = source;
    this.name = name;
    this.unit = unit;
    this.tags = tags;
    int h = metricType.hashCode();
    h = 31 * h + source.hashCode();
    h = 31 * h + name.hashCode();
    h = 31 * h + unit.hashCode();
    this.hash = 31 * h + tags.hashCode();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SeriesKey k && hash == k.hash && name.equals(k.name)
        && metricType.equals(k.metricType) && source.equals(k.source) && unit.equals(k.unit)
        && tags.equals(k.tags);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
