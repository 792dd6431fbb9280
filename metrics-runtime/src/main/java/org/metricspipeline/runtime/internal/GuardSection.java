package org.metricspipeline.runtime.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.core.config.SecretResolver;
import org.metricspipeline.guard.ConfigManager;
import org.metricspipeline.guard.GuardConfig;
import org.metricspipeline.guard.GuardConfigException;
import org.metricspipeline.core.config.ConfigProblem;
import org.metricspipeline.runtime.MergedConfig;

/**
 * The {@code guard} section, read by the guard's own {@link ConfigManager} (one parser for the
 * guard's format) with the runtime's secret backend; its problems are reported under {@code guard.}
 * with their source file, and an unknown key gets the nearest known one.
 */
final class GuardSection {

  /** The guard's key the runtime refuses: its own server's settings. */
  static final String REFUSED = "http";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private GuardSection() {}

  static Optional<GuardConfig> parse(Map<?, ?> section, MergedConfig merged, Map<String, String> environment,
      SecretResolver secrets, List<ConfigProblem> problems) {
    if (section.containsKey(REFUSED)) {
      // the standalone guard's own server; here the guard's endpoints are mounted on the runtime's one
      problems.add(new ConfigProblem("guard.http", merged.originOf("guard.http"), "",
          "is the standalone guard's own server and is not used here: the guard's endpoints are served by the"
              + " http section's server; set http.port, http.bind_address and http.bearer_tokens there instead"));
      Map<Object, Object> rest = new java.util.LinkedHashMap<>(section);
      rest.remove(REFUSED);
      section = rest;
    }
    String text;
    try {
      text = YAML.writeValueAsString(section);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed YAML map could not be written back", e);
    }
    try {
      return Optional.of(ConfigManager.builder().environment(environment).secrets(secrets).build()
          .parse(text, merged.configDir()));
    } catch (GuardConfigException e) {
      for (ConfigProblem p : e.problems()) {
        String path = p.path().isEmpty() ? "guard" : "guard." + p.path();
        String constraint = p.constraint();
        if (constraint.startsWith("is not a known setting")) {
          String name = p.path().substring(p.path().lastIndexOf('.') + 1);
          String parent = p.path().contains(".") ? p.path().substring(0, p.path().lastIndexOf('.') + 1) : "";
          List<String> siblings = ConfigManager.knownSettings().stream().filter(k -> k.startsWith(parent)
              && k.indexOf('.', parent.length()) < 0).map(k -> k.substring(parent.length())).toList();
          constraint = "is not a known setting" + Suggestions.hint(name, siblings) + "; known here: " + siblings;
        }
        problems.add(new ConfigProblem(path, merged.originOf(path), p.value(), constraint));
      }
      return Optional.empty();
    }
  }
}
