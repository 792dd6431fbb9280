package org.metricspipeline.runtime.internal;

import java.time.Duration;
import java.util.Optional;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.spi.AdapterConfig;

/** Durations as the config writes them: the adapters' forms ({@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 7d}, ISO-8601). */
final class Durations {

  private Durations() {}

  /** The duration, or empty when {@code text} is not one (or negative). */
  static Optional<Duration> parse(String text) {
    try {
      Duration d = AdapterConfig.parseDuration("value", text);
      return d.isNegative() ? Optional.empty() : Optional.of(d);
    } catch (ConfigurationException e) {
      return Optional.empty();
    }
  }

  /** The shortest exact form: {@code 7d}, {@code 24h} stays {@code 1d}, {@code 90s}, {@code 250ms}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }
}
