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
 */
public record MergedConfig(Path configDir, List<Path> files, Map<String, Object> tree, Map<String, String> origins) {

  /** Validates and copies (the tree is copied deeply by the loader, which owns its mutable form). */
  public MergedConfig {
    Objects.requireNonNull(configDir, "configDir");
    files = List.copyOf(files);
    tree = java.util.Collections.unmodifiableMap(tree);
    origins = Map.copyOf(origins);
  }

  /** Where the value at {@code path} (or its nearest declared parent) came from; {@code ""} when unknown. */
  public String originOf(String path) {
    String p = path;
    while (true) {
      String o = origins.get(p);
      if (o != null) {
        return o;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) {
        return "";
      }
      p = p.substring(0, cut);
    }
  }
}
