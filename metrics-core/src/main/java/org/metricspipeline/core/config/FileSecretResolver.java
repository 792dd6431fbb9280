package org.metricspipeline.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.metricspipeline.api.HealthCheckResult;

/**
 * The {@code file} backend: a YAML map (nested maps flatten to dotted keys) or a properties file,
 * read once and refused when group or others may read it.
 */
final class FileSecretResolver implements SecretResolver {
  private final Path file;
  private volatile Map<String, String> values; // read on first use

  FileSecretResolver(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  @Override
  public Optional<String> lookup(String key) {
    Objects.requireNonNull(key, "key");
    return Optional.ofNullable(values().get(key));
  }

  @Override
  public String backend() {
    return "file";
  }

  @Override
  public HealthCheckResult health() {
    try {
      Map<String, String> v = read();
      return HealthCheckResult.healthy(Map.of("backend", "file", "file", file.toString(), "keys", v.size()));
    } catch (SecretException e) {
      return HealthCheckResult.unhealthy(e.getMessage());
    }
  }

  private Map<String, String> values() {
    Map<String, String> v = values;
    if (v == null) {
      synchronized (this) {
        if (values == null) {
          values = read();
        }
        v = values;
      }
    }
    return v;
  }

  /** Whether group or others may read {@code file}; false where the file system has no POSIX permissions. */
  static boolean readableByOthers(Path file) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      return perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ);
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  private Map<String, String> read() {
    if (!Files.isRegularFile(file)) {
      throw new SecretException("secrets file " + file + " does not exist or is not a file");
    }
    try {
      if (readableByOthers(file)) {
        throw new SecretException("secrets file " + file + " may be read by group or others ("
            + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) + "): run chmod 600 " + file);
      }
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      return name.endsWith(".yaml") || name.endsWith(".yml") ? readYaml() : readProperties();
    } catch (IOException e) {
      // the message of a parse error may quote the file: never show it
      throw new SecretException("secrets file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private Map<String, String> readProperties() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) {
      out.put(k, p.getProperty(k));
    }
    return Map.copyOf(out);
  }

  private Map<String, String> readYaml() throws IOException {
    ObjectMapper yaml;
    try {
      yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    } catch (NoClassDefFoundError e) {
      throw new SecretException("secrets file " + file + " is YAML, which needs jackson-dataformat-yaml on the"
          + " class path; add it or use a .properties file");
    }
    JsonNode root = yaml.readTree(Files.readString(file, StandardCharsets.UTF_8));
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Map.of();
    }
    if (!root.isObject()) {
      throw new SecretException("secrets file " + file + " must be a YAML mapping of names to values");
    }
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", root, out);
    return Map.copyOf(out);
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix + e.getKey();
      if (e.getValue().isObject()) {
        flatten(key + ".", e.getValue(), out);
      } else if (!e.getValue().isNull()) {
        out.put(key, e.getValue().asText());
      }
    }
  }

  @Override
  public String toString() {
    return "SecretResolver{backend=file, file=" + file + "}";
  }
}
