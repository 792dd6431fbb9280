package org.metricspipeline.runtime;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where {@code ${secret:KEY}} references are looked up ({@code secrets}). The section itself may use
 * {@code ${env:NAME}} but not {@code ${secret:..}}.
 *
 * @param backend {@code env} (the default), {@code file} or {@code vault}
 * @param options the backend's settings: {@code file} for the file backend; {@code url}, {@code token},
 *     {@code mount}, {@code path}, {@code namespace}, {@code timeout} for vault
 */
public record SecretsConfig(String backend, Map<String, String> options) {

  /** The {@code env} backend (the default). */
  public static final String ENV = "env";
  /** The {@code file} backend. */
  public static final String FILE = "file";
  /** The {@code vault} backend. */
  public static final String VAULT = "vault";

  /** Validates and copies. */
  public SecretsConfig {
    Objects.requireNonNull(backend, "backend");
    options = Map.copyOf(options);
  }

  /** The default: secrets are environment variables. */
  public static SecretsConfig defaults() {
    return new SecretsConfig(ENV, Map.of());
  }

  /** The backend and its option keys (a vault token is never shown). */
  @Override
  public String toString() {
    return "SecretsConfig{backend=" + backend + ", options=" + new TreeMap<>(options).keySet() + "}";
  }
}
