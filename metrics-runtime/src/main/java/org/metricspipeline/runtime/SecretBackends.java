package org.metricspipeline.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.core.config.SecretResolver;
import org.metricspipeline.runtime.internal.VaultSecretResolver;

/**
 * The {@link SecretResolver} a {@link SecretsConfig} names: {@code env} (environment variables),
 * {@code file} (a YAML or properties file, mode 600) or {@code vault} (HashiCorp Vault KV v2).
 */
public final class SecretBackends {

  /** The vault backend's default KV v2 mount. */
  public static final String DEFAULT_VAULT_MOUNT = "secret";
  /** The vault backend's default secret path. */
  public static final String DEFAULT_VAULT_PATH = "metrics-pipeline";
  /** The vault backend's default timeout. */
  public static final Duration DEFAULT_VAULT_TIMEOUT = Duration.ofSeconds(5);

  private SecretBackends() {}

  /**
   * The resolver for {@code config}; a relative secrets file is taken from {@code configDir}, and the
   * env backend reads {@code environment}.
   *
   * @throws ConfigurationException naming the setting when the backend is unknown or incomplete
   */
  public static SecretResolver create(SecretsConfig config, Path configDir, java.util.Map<String, String> environment) {
    Objects.requireNonNull(config, "config");
    return switch (config.backend()) {
      case SecretsConfig.ENV -> SecretResolver.environment(environment);
      case SecretsConfig.FILE -> {
        String file = config.options().get("file");
        if (file == null || file.isBlank()) {
          throw new ConfigurationException("secrets.file is required with the file backend");
        }
        yield SecretResolver.file(configDir.resolve(file));
      }
      case SecretsConfig.VAULT -> {
        String url = require(config, "url");
        URI uri;
        try {
          uri = URI.create(url);
        } catch (IllegalArgumentException e) {
          throw new ConfigurationException("secrets.vault.url must be an http or https URL");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
            || uri.getHost() == null) {
          throw new ConfigurationException("secrets.vault.url must be an http or https URL");
        }
        Duration timeout = Optional.ofNullable(config.options().get("timeout"))
            .map(t -> org.metricspipeline.api.spi.AdapterConfig.parseDuration("secrets.vault.timeout", t))
            .orElse(DEFAULT_VAULT_TIMEOUT);
        yield new VaultSecretResolver(uri, require(config, "token"),
            config.options().getOrDefault("mount", DEFAULT_VAULT_MOUNT),
            config.options().getOrDefault("path", DEFAULT_VAULT_PATH),
            Optional.ofNullable(config.options().get("namespace")), timeout);
      }
      default -> throw new ConfigurationException("secrets.backend must be env, file or vault, got '" + config.backend() + "'");
    };
  }

  private static String require(SecretsConfig config, String key) {
    String v = config.options().get(key);
    if (v == null || v.isBlank()) {
      throw new ConfigurationException("secrets.vault." + key + " is required with the vault backend");
    }
    return v;
  }
}
