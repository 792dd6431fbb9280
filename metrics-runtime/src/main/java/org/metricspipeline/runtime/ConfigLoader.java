package org.metricspipeline.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.core.config.ConfigProblem;
import org.metricspipeline.core.config.SecretResolver;
import org.metricspipeline.runtime.internal.ConfigReader;
import org.metricspipeline.runtime.internal.ConfigTree;

/**
 * Loads a config directory (seed 002's {@code ConfigLoader}): {@code platform.yaml}, then
 * {@code environments/{env}.yaml}, then {@code domains/{domain}.yaml}, deep-merged in that order (maps
 * merge key by key; lists and scalars replace), then environment variable overrides
 * ({@code METRICS_PIPELINE__HTTP__PORT=9090} sets {@code http.port}), validated once, then secrets
 * resolved. Every problem is reported at once, with its field path and source file.
 *
 * <pre>{@code
 * RuntimeConfig config = ConfigLoader.builder().configDir(Path.of("config")).env("prod").domain("shop").build().load();
 * }</pre>
 */
public final class ConfigLoader {

  /** Prefix of environment variables that override config values; {@code __} separates path segments. */
  public static final String ENV_PREFIX = "METRICS_PIPELINE__";
  /** The base layer's file name. */
  public static final String PLATFORM_FILE = "platform.yaml";

  private final Path configDir;
  private final Optional<String> env;
  private final Optional<String> domain;
  private final Map<String, String> environmentVariables;
  private final Optional<SecretResolver> secretResolver;

  private ConfigLoader(Builder b) {
    this.configDir = b.configDir;
    this.env = Optional.ofNullable(b.env);
    this.domain = Optional.ofNullable(b.domain);
    this.environmentVariables = b.environmentVariables;
    this.secretResolver = Optional.ofNullable(b.secretResolver);
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The merged, validated config with secrets resolved.
   *
   * @throws ConfigException listing every problem found
   */
  public RuntimeConfig load() {
    return new ConfigReader(merge(), environmentVariables, secretResolver).read();
  }

  /**
   * The files and overrides merged, neither validated nor resolved (what the security scan reads).
   *
   * @throws ConfigException when a file is missing or not valid YAML
   */
  public MergedConfig merge() {
    ConfigTree tree = new ConfigTree();
    List<Path> files = new ArrayList<>();
    Path platform = configDir.resolve(PLATFORM_FILE);
    if (!Files.isRegularFile(platform)) {
      tree.problems().add(new ConfigProblem("", platform.toString(), "", "is required: the base layer every config directory has"));
    } else {
      files.add(platform);
    }
    env.ifPresent(e -> layer(configDir.resolve("environments").resolve(e + ".yaml"), "environment " + e, files, tree));
    domain.ifPresent(d -> layer(configDir.resolve("domains").resolve(d + ".yaml"), "domain " + d, files, tree));
    for (Path f : files) {
      tree.mergeFile(f);
    }
    tree.applyEnvironment(environmentVariables, ENV_PREFIX);
    if (!tree.problems().isEmpty()) {
      throw new ConfigException(tree.problems());
    }
    return new MergedConfig(configDir, files, tree.root(), tree.origins(), tree.lines());
  }

  private static void layer(Path file, String what, List<Path> files, ConfigTree tree) {
    if (Files.isRegularFile(file)) {
      files.add(file);
    } else {
      tree.problems().add(new ConfigProblem("", file.toString(), "", "is required: " + what + " was asked for"));
    }
  }

  /**
   * The secret backend {@code config} names, or the one given to the builder: for its
   * {@link SecretResolver#health()} (status pages, {@code metrics-pipeline validate}).
   */
  public SecretResolver secretResolver(RuntimeConfig config) {
    return secretResolver.orElseGet(() -> SecretBackends.create(config.secrets(), configDir, environmentVariables));
  }

  /** Builds a {@link ConfigLoader}. */
  public static final class Builder {
    private Path configDir;
    private String env;
    private String domain;
    private Map<String, String> environmentVariables = System.getenv();
    private SecretResolver secretResolver;

    private Builder() {}

    /** The config directory holding {@code platform.yaml} (required). */
    public Builder configDir(Path configDir) {
      this.configDir = Objects.requireNonNull(configDir, "configDir");
      return this;
    }

    /** The environment whose {@code environments/{env}.yaml} is merged [none]. */
    public Builder env(String env) {
      this.env = name("env", env);
      return this;
    }

    /** The domain whose {@code domains/{domain}.yaml} is merged [none]. */
    public Builder domain(String domain) {
      this.domain = name("domain", domain);
      return this;
    }

    /** Environment variables for overrides and {@code ${env:..}} references [{@link System#getenv()}]. */
    public Builder environmentVariables(Map<String, String> variables) {
      this.environmentVariables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
      return this;
    }

    /** Where {@code ${secret:..}} is looked up, replacing the config's {@code secrets} section [that section]. */
    public Builder secretResolver(SecretResolver resolver) {
      this.secretResolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** The loader; fails naming the option when the config directory is missing. */
    public ConfigLoader build() {
      if (configDir == null) {
        throw new IllegalStateException("configDir is required");
      }
      return new ConfigLoader(this);
    }

    private static String name(String option, String value) {
      Objects.requireNonNull(value, option);
      if (!value.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") || value.contains("..")) {
        throw new IllegalArgumentException(option + " must be a file name of letters, digits, '_', '-' and '.', got '"
            + value + "'");
      }
      return value;
    }
  }
}
