package org.metricspipeline.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A config directory's files and environment overrides merged into one tree, before validation and
 * before secrets are resolved (references stay as written): what {@link SecurityScanner} checks.
 *
 * @param configDir the config directory
 * @param files the files merged, in merge order
 * @param tree the merged tree: maps, lists, strings, numbers, booleans
 * @param origins field path to the file (or {@code environment variable NAME}) its value came from
 * @param lines field path to the line of its origin file that declares it (absent for overrides)
 */
public record MergedConfig(Path configDir, List<Path> files, Map<String, Object> tree, Map<String, String> origins,
    Map<String, Integer> lines) {

  /** Validates and copies (the tree is copied deeply by the loader, which owns its mutable form). */
  public MergedConfig {
    Objects.requireNonNull(configDir, "configDir");
    files = List.copyOf(files);
    tree = java.util.Collections.unmodifiableMap(tree);
    origins = Map.copyOf(origins);
    lines = Map.copyOf(lines);
  }

  /** Without line numbers. */
  public MergedConfig(Path configDir, List<Path> files, Map<String, Object> tree, Map<String, String> origins) {
    this(configDir, files, tree, origins, Map.of());
  }

  /** Where the value at {@code path} (or its nearest declared parent) came from; {@code ""} when unknown. */
  public String originOf(String path) {
    return declared(path).map(origins::get).orElse("");
  }

  /**
   * The line that declares {@code path} (or the nearest parent {@link #originOf} reports) in its
   * origin file; 0 when unknown.
   */
  public int lineOf(String path) {
    return declared(path).map(p -> lines.getOrDefault(p, 0)).orElse(0);
  }

  /** {@code path} or its nearest parent that has an origin. */
  private java.util.Optional<String> declared(String path) {
    String p = path;
    while (!origins.containsKey(p)) {
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) {
        return java.util.Optional.empty();
      }
      p = p.substring(0, cut);
    }
    return java.util.Optional.of(p);
  }
}
