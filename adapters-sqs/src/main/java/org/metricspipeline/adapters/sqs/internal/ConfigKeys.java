package org.metricspipeline.adapters.sqs.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.spi.AdapterConfig;

/** Checks provider settings: no unknown keys, and values in range (errors name the key). */
public final class ConfigKeys {

  private ConfigKeys() {}

  /** Fails naming every key not in {@code known}, and listing the known ones. */
  public static void requireKnown(String provider, AdapterConfig config, Set<String> known) {
    List<String> unknown = new ArrayList<>();
    for (String key : config.keys()) {
      if (!known.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigurationException("unknown setting(s) " + unknown + " for the " + provider
          + "; known: " + String.join(", ", new TreeSet<>(known)));
    }
  }

  /** Applies a setting, turning the builder's range error into one naming the key. */
  public static void apply(String key, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigurationException("setting '" + key + "': " + e.getMessage(), e);
    }
  }
}
