package org.metricspipeline.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes config directories for tests. */
final class ConfigDirs {
  private ConfigDirs() {}

  static Path write(Path dir, String file, String yaml) {
    try {
      Path p = dir.resolve(file);
      Files.createDirectories(p.getParent());
      Files.writeString(p, yaml);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConfigLoader.Builder loader(Path dir, Map<String, String> env) {
    return ConfigLoader.builder().configDir(dir).environmentVariables(env);
  }

  static ConfigException problems(ConfigLoader loader) {
    try {
      loader.load();
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("the config loaded without problems");
  }
}
