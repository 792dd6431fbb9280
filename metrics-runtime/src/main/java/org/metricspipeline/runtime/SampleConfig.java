package org.metricspipeline.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * The commented sample config directory that runs as is on the embedded default store (HTTP
 * ingestion, durable memory store with rollups and retention, dashboards, the guard), with a dev and
 * a prod environment and a domain. Its text lives here only: {@code metrics-pipeline sample-config}
 * writes it and the quick start runs it.
 */
public final class SampleConfig {

  /** The files of the directory, relative to it. */
  public static final List<String> FILES = List.of("platform.yaml", "environments/dev.yaml",
      "environments/prod.yaml", "domains/shop.yaml");

  private SampleConfig() {}

  /** The text of one of {@link #FILES}. */
  public static String text(String file) {
    try (InputStream in = open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the sample config's " + file, e);
    }
  }

  /**
   * Writes {@link #FILES} under {@code dir} (created when missing), replacing existing ones; returns
   * {@code dir}.
   */
  public static Path write(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    for (String f : FILES) {
      Path target = dir.resolve(f);
      Files.createDirectories(target.getParent());
      try (InputStream in = open(f)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir;
  }

  private static InputStream open(String file) {
    if (!FILES.contains(file)) {
      throw new IllegalArgumentException("file must be one of " + FILES + ", got '" + file + "'");
    }
    InputStream in = SampleConfig.class.getResourceAsStream("sample-config/" + file);
    if (in == null) {
      throw new IllegalStateException("sample-config/" + file + " is missing from the metrics-runtime jar");
    }
    return in;
  }
}
