package org.metricspipeline.runtime;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.metricspipeline.api.spi.AdapterConfig;

/**
 * An adapter chosen by provider name, with its options (the keys that provider documents, such as
 * {@code url} or {@code queue-url}), secrets already resolved. {@link #toString()} shows keys only.
 *
 * @param provider the provider's name, for example {@code memory}, {@code clickhouse}, {@code sqs}
 * @param options the provider's options, values as text
 */
public record ProviderConfig(String provider, Map<String, String> options) {

  /** Validates and copies. */
  public ProviderConfig {
    Objects.requireNonNull(provider, "provider");
    if (provider.isBlank()) {
      throw new IllegalArgumentException("provider must not be empty");
    }
    options = Map.copyOf(new TreeMap<>(Objects.requireNonNull(options, "options")));
  }

  /** The options as the provider SPI takes them ({@code AdapterRegistry.storage(provider, adapterConfig())}). */
  public AdapterConfig adapterConfig() {
    return AdapterConfig.of(options);
  }

  /** The provider and its option keys; values may be secrets and are never shown. */
  @Override
  public String toString() {
    return "ProviderConfig{provider=" + provider + ", options=" + new TreeMap<>(options).keySet() + "}";
  }
}
