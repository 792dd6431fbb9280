package org.metricspipeline.core.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.api.HealthCheckResult;

/** The {@code env} backend: a secret is the environment variable of the same name. */
final class EnvironmentSecretResolver implements SecretResolver {
  private final Map<String, String> environment;

  EnvironmentSecretResolver(Map<String, String> environment) {
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
  }

  @Override
  public Optional<String> lookup(String key) {
    return Optional.ofNullable(environment.get(Objects.requireNonNull(key, "key")));
  }

  @Override
  public String backend() {
    return "env";
  }

  @Override
  public HealthCheckResult health() {
    return HealthCheckResult.healthy(Map.of("backend", "env"));
  }

  @Override
  public String toString() {
    return "SecretResolver{backend=env}";
  }
}
