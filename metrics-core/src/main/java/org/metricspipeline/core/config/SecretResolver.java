package org.metricspipeline.core.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.api.HealthCheckResult;

/**
 * Looks up the value behind a {@code ${secret:KEY}} reference in one backend (seed 002's
 * {@code SecretResolver}): the process environment, a secrets file, or a vault. Implementations never
 * log or put a value into an exception message; {@link References} does the substitution of references
 * inside configuration values, recursively and with cycle detection.
 *
 * <pre>{@code
 * SecretResolver secrets = SecretResolver.file(Path.of("/etc/metrics/secrets.yaml"));
 * String password = References.builder().secrets(secrets).build().resolve("db.password", "${secret:db_password}");
 * }</pre>
 */
public interface SecretResolver {

  /**
   * The value of {@code key}, or empty when the backend has no such key.
   *
   * @throws SecretException when the backend cannot answer (unreachable, refused, malformed); the
   *     message names the key and never a value
   */
  Optional<String> lookup(String key);

  /** The backend's name as configured: {@code env}, {@code file}, {@code vault}, or a custom one. */
  String backend();

  /** Whether the backend is reachable and usable now; details never hold a secret value. */
  HealthCheckResult health();

  /** Secrets from environment variables: {@code ${secret:db_password}} reads {@code db_password}. */
  static SecretResolver environment(Map<String, String> environment) {
    return new EnvironmentSecretResolver(environment);
  }

  /** Secrets from the process environment. */
  static SecretResolver environment() {
    return environment(System.getenv());
  }

  /**
   * Secrets from a flat file of names to values: YAML ({@code .yaml}/{@code .yml}) or Java properties
   * (any other name). The file is read on first use and refused when group or others may read it
   * (POSIX permissions, where the file system has them).
   */
  static SecretResolver file(Path file) {
    return new FileSecretResolver(file);
  }

  /**
   * Whether group or others may read {@code file}: what {@link #file(Path)} refuses. False where the
   * file system has no POSIX permissions.
   *
   * @throws IOException when the permissions cannot be read (a missing file, for one)
   */
  static boolean readableByOthers(Path file) throws IOException {
    return FileSecretResolver.readableByOthers(file);
  }
}
