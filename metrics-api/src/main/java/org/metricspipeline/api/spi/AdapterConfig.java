package org.metricspipeline.api.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.metricspipeline.api.ConfigurationException;

/**
 * String settings handed to a provider, with typed getters that name the key when a value is bad.
 *
 * <p>Durations are written {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 7d}, or in
 * ISO-8601 ({@code PT5S}). Booleans are {@code true} or {@code false}.
 *
 * <pre>{@code
 * AdapterConfig config = AdapterConfig.of(Map.of("max-points", "1000000"));
 * long maxPoints = config.getLong("max-points", 10_000_000L);
 * }</pre>
 */
public final class AdapterConfig {

  private static final AdapterConfig EMPTY = new AdapterConfig(Map.of());

  private final Map<String, String> values;

  private AdapterConfig(Map<String, String> values) {
    this.values = values;
  }

  /** No settings: every getter returns its default. */
  public static AdapterConfig empty() {
    return EMPTY;
  }

  /** These settings (copied). */
  public static AdapterConfig of(Map<String, String> values) {
    Objects.requireNonNull(values, "values");
    return new AdapterConfig(Map.copyOf(values));
  }

  /** The settings as an immutable map. */
  public Map<String, String> asMap() {
    return values;
  }

  /** The keys set, sorted. */
  public Set<String> keys() {
    return new TreeMap<>(values).keySet();
  }

  /** The settings whose keys start with {@code prefix}, with the prefix removed. */
  public AdapterConfig withPrefix(String prefix) {
    Map<String, String> sub = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        sub.put(k.substring(prefix.length()), v);
      }
    });
    return of(sub);
  }

  /**
   * Fails with a {@link ConfigurationException} naming every key not in {@code known} and listing
   * the known ones, so that a misspelt setting is never silently ignored.
   *
   * @param provider how the error names the provider, for example {@code "memory storage provider"}
   */
  public void requireOnlyKnownKeys(String provider, Set<String> known) {
    List<String> unknown = new ArrayList<>();
    for (String key : keys()) {
      if (!known.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigurationException("unknown setting(s) " + unknown + " for the " + provider
          + "; known: " + (known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known))));
    }
  }

  /**
   * Runs {@code setter} (typically a builder call with a value read from this config), turning the
   * builder's {@link IllegalArgumentException} or {@link IllegalStateException} into a
   * {@link ConfigurationException} naming {@code key}.
   */
  public static void apply(String key, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigurationException("setting '" + key + "': " + e.getMessage(), e);
    }
  }

  /** The value of a key, if set. */
  public Optional<String> getString(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** The value of a key, or a default. */
  public String getString(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  /** The value of a required key; fails naming the key when it is not set. */
  public String requireString(String key) {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      throw new ConfigurationException("setting '" + key + "' is required");
    }
    return value;
  }

  /** An integer setting, or a default; fails naming the key when it is not an integer. */
  public int getInt(String key, int defaultValue) {
    long value = getLong(key, defaultValue);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new ConfigurationException("setting '" + key + "' is out of range for an int: " + value);
    }
    return (int) value;
  }

  /** A long setting, or a default; fails naming the key when it is not an integer. */
  public long getLong(String key, long defaultValue) {
    String value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new ConfigurationException("setting '" + key + "' must be an integer, got '" + value + "'");
    }
  }

  /** A boolean setting, or a default; fails naming the key unless it is true or false. */
  public boolean getBoolean(String key, boolean defaultValue) {
    String value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigurationException(
          "setting '" + key + "' must be true or false, got '" + value + "'");
    };
  }

  /** A duration setting, or a default; fails naming the key when it cannot be parsed. */
  public Duration getDuration(String key, Duration defaultValue) {
    String value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    return parseDuration(key, value);
  }

  /** Parses {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 7d} or ISO-8601. */
  public static Duration parseDuration(String key, String value) {
    String v = value.trim();
    try {
      if (v.startsWith("P") || v.startsWith("p")) {
        return Duration.parse(v);
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new ConfigurationException("setting '" + key
          + "' must be a duration such as 250ms, 5s, 2m, 1h, 7d or PT5S, got '" + value + "'");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdapterConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** The keys only: values may be secrets. */
  @Override
  public String toString() {
    return "AdapterConfig" + keys();
  }
}
