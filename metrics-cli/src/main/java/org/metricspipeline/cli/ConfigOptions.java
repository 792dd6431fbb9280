package org.metricspipeline.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.metricspipeline.runtime.ConfigException;
import org.metricspipeline.runtime.ConfigLoader;
import org.metricspipeline.core.config.ConfigProblem;
import picocli.CommandLine.Option;

/** The options naming a config directory, shared by every subcommand that reads one. */
final class ConfigOptions {

  @Option(names = {"-c", "--config-dir"}, required = true, paramLabel = "DIR",
      description = "config directory: platform.yaml, environments/ENV.yaml, domains/DOMAIN.yaml")
  Path configDir;

  @Option(names = {"-e", "--env"}, paramLabel = "ENV", description = "environment merged over platform.yaml")
  String env;

  @Option(names = {"-d", "--domain"}, paramLabel = "DOMAIN", description = "domain merged last")
  String domain;

  /** The loader of these options; fails with a usage error naming a bad option. */
  ConfigLoader loader() {
    if (!Files.isDirectory(configDir)) {
      throw new UsageException("--config-dir " + configDir + " is not a directory"
          + " (metrics-pipeline sample-config DIR writes one)");
    }
    ConfigLoader.Builder b = ConfigLoader.builder().configDir(configDir);
    try {
      if (env != null) {
        b.env(env);
      }
      if (domain != null) {
        b.domain(domain);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + e.getMessage());
    }
    return b.build();
  }

  /** What was loaded from where, for messages. */
  String describe() {
    return configDir + (env == null ? "" : " --env " + env) + (domain == null ? "" : " --domain " + domain);
  }

  /** Prints every problem of an invalid config. */
  static void printProblems(ConfigException e, PrintStream err) {
    err.println("invalid configuration (" + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s")
        + "):");
    for (ConfigProblem p : e.problems()) {
      err.println("  " + p);
    }
  }

  /** A bad argument: exit code {@link ExitCodes#USAGE} with the message. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
