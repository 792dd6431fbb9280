package org.metricspipeline.adapters.memory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/** Short ways to write test items. */
final class Items {

  private Items() {}

  static Instant at(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis);
  }

  static MetricsData item(long time, String type, String source, Metric... metrics) {
    return new MetricsData(at(time), type, List.of(metrics), source, Map.of());
  }

  static MetricsData item(long time, Metric... metrics) {
    return item(time, "system", "", metrics);
  }

  static Metric m(String name, double value, String... tags) {
    return Metric.of(name, value, tags(tags));
  }

  static Map<String, String> tags(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("tags come in key, value pairs");
    }
    java.util.LinkedHashMap<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return Map.copyOf(map);
  }
}
