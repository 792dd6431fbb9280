package org.metricspipeline.testkit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/** Short ways to write the suite's items, all relative to one fixed base time. */
final class Items {

  /** The base time of every item: 2024-01-01T00:00:00Z, a whole day (so a whole hour and minute). */
  static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final long SECOND = 1_000;
  static final long MINUTE = 60_000;
  static final long HOUR = 3_600_000;
  static final long DAY = 86_400_000;
  /** The metric type of items written without one. */
  static final String TYPE = "system";

  private Items() {}

  /** The instant {@code offsetMillis} after {@link #T0}. */
  static Instant at(long offsetMillis) {
    return Instant.ofEpochMilli(T0 + offsetMillis);
  }

  static MetricsData item(long offsetMillis, String type, String source, Metric... metrics) {
    return new MetricsData(at(offsetMillis), type, List.of(metrics), source, Map.of());
  }

  static MetricsData item(long offsetMillis, Metric... metrics) {
    return item(offsetMillis, TYPE, "", metrics);
  }

  /** A metric without unit, tags given as key, value, key, value, ... */
  static Metric m(String name, double value, String... tags) {
    return Metric.of(name, value, tags(tags));
  }

  static Map<String, String> tags(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("tags come in key, value pairs");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return Map.copyOf(map);
  }
}
