package org.metricspipeline.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.core.config.ConfigProblem;
import org.metricspipeline.core.config.References;
import org.metricspipeline.core.config.SecretException;
import org.metricspipeline.core.config.SecretResolver;

/**
 * Loads, validates, saves and writes a sample of the guard's YAML configuration (seed 001's
 * {@code ConfigManager}).
 *
 * <pre>{@code
 * GuardConfig config = ConfigManager.builder().build().load(Path.of("guard.yaml"));
 * SelfHealingPipelineGuard guard = config.applyTo(SelfHealingPipelineGuard.builder().pipeline(pipeline)).build();
 * }</pre>
 *
 * <p>Any string value may contain {@code ${env:NAME}} (an environment variable) or
 * {@code ${secret:NAME}} (looked up through a {@link SecretResolver} given to the builder, or else in
 * the config's {@code secrets_file}: a flat YAML or properties file relative to the config's folder,
 * refused when group or others may read it; seed 002's backends), resolved by core's
 * {@link References} (nested references too, cycles reported). Resolved values never appear in problems, exceptions, logs, {@link GuardConfig#toString()} or a
 * saved file: those show the reference.
 *
 * <p>Loading reports every problem at once, each with its field path ({@link GuardConfigException}):
 * unknown fields, wrong types, undefined references and values out of range.
 */
public final class ConfigManager {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** Where {@code ${secret:..}} fails when neither the builder nor the config names a secrets file. */
  private static final SecretResolver NO_SECRETS_FILE = new SecretResolver() {
    @Override
    public Optional<String> lookup(String key) {
      throw new SecretException("no secrets_file is configured");
    }

    @Override
    public String backend() {
      return "none";
    }

    @Override
    public HealthCheckResult health() {
      return HealthCheckResult.unhealthy("no secrets_file is configured");
    }
  };
  private static final Map<String, Set<String>> FIELDS = new LinkedHashMap<>();

  static {
    FIELDS.put("", Set.of("check_interval_seconds", "check_timeout_seconds", "failure_threshold",
        "degraded_threshold", "success_threshold", "recovery", "http", "alerts", "baselines", "collector",
        "secrets_file"));
    FIELDS.put("recovery", Set.of("max_attempts", "backoff_seconds"));
    FIELDS.put("http", Set.of("host", "port", "bearer_tokens"));
    FIELDS.put("alerts", Set.of("log", "webhook_url", "slack_webhook_url"));
    FIELDS.put("baselines", Set.of("method", "window", "threshold", "points_outside"));
    FIELDS.put("collector", Set.of("interval_seconds"));
  }

  private final Map<String, String> environment;
  private final SecretResolver secrets; // null: the config's secrets_file

  private ConfigManager(Builder b) {
    this.environment = b.environment;
    this.secrets = b.secrets;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Reads and validates a config file. */
  public GuardConfig load(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new GuardConfigException(List.of(new ConfigProblem("", file.toString(), "the file cannot be read: "
          + e.getClass().getSimpleName())));
    }
    return parse(text, file.toAbsolutePath().getParent());
  }

  /** Reads and validates YAML text; a relative {@code secrets_file} is resolved against {@code baseDir}. */
  public GuardConfig parse(String yaml, Path baseDir) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new GuardConfigException(List.of(new ConfigProblem("", "", "must be valid YAML" + where + ": "
          + e.getOriginalMessage())));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    Reader r = new Reader(root);
    if (!root.isObject()) {
      throw new GuardConfigException(List.of(new ConfigProblem("", "", "must be a mapping of settings")));
    }
    r.unknownFields(root, "");
    r.loadSecrets(baseDir);
    GuardConfig d = GuardConfig.defaults();
    GuardConfig config = new GuardConfig(
        r.seconds("check_interval_seconds", d.checkInterval()),
        r.seconds("check_timeout_seconds", d.checkTimeout()),
        r.integer("failure_threshold", d.failureThreshold()),
        r.integer("degraded_threshold", d.degradedThreshold()),
        r.integer("success_threshold", d.successThreshold()),
        r.integer("recovery.max_attempts", d.maxRecoveryAttempts()),
        r.seconds("recovery.backoff_seconds", d.recoveryBackoff()),
        r.text("http.host").orElse(d.httpHost()),
        r.integer("http.port", d.httpPort()),
        r.strings("http.bearer_tokens"),
        r.bool("alerts.log", d.logAlerts()),
        r.url("alerts.webhook_url"),
        r.url("alerts.slack_webhook_url"),
        r.method("baselines.method", d.baselineMethod()),
        r.integer("baselines.window", d.baselineWindow()),
        r.number("baselines.threshold", d.baselineThreshold()),
        r.integer("baselines.points_outside", d.baselinePointsOutside()),
        r.seconds("collector.interval_seconds", d.collectorInterval()),
        r.referencesByPath);
    List<ConfigProblem> problems = new ArrayList<>(r.problems);
    for (ConfigProblem p : validate(config)) {
      if (problems.stream().noneMatch(q -> q.path().equals(p.path()))) {
        problems.add(p);
      }
    }
    if (!problems.isEmpty()) {
      throw new GuardConfigException(problems);
    }
    return config;
  }

  /** Every setting this format knows, as dotted paths ({@code recovery.max_attempts}); sections included. */
  public static Set<String> knownSettings() {
    Set<String> out = new java.util.TreeSet<>();
    FIELDS.forEach((section, names) -> names.forEach(n -> out.add(section.isEmpty() ? n : section + "." + n)));
    return out;
  }

  /** Every range problem of a config, each with its field path; empty when valid. */
  public static List<ConfigProblem> validate(GuardConfig c) {
    List<ConfigProblem> p = new ArrayList<>();
    duration(p, c, "check_interval_seconds", c.checkInterval(), Duration.ofMillis(1), Duration.ofDays(1));
    duration(p, c, "check_timeout_seconds", c.checkTimeout(), Duration.ofMillis(1), Duration.ofMinutes(10));
    count(p, c, "failure_threshold", c.failureThreshold(), 1, 100);
    count(p, c, "degraded_threshold", c.degradedThreshold(), 1, 100);
    count(p, c, "success_threshold", c.successThreshold(), 1, 100);
    count(p, c, "recovery.max_attempts", c.maxRecoveryAttempts(), 1, 100);
    duration(p, c, "recovery.backoff_seconds", c.recoveryBackoff(), Duration.ZERO, Duration.ofDays(1));
    if (c.httpHost().isBlank()) {
      p.add(new ConfigProblem("http.host", shown(c, "http.host", c.httpHost()), "must not be empty"));
    }
    count(p, c, "http.port", c.httpPort(), 0, 65535);
    for (int i = 0; i < c.bearerTokens().size(); i++) {
      if (c.bearerTokens().get(i).length() < 16) {
        p.add(new ConfigProblem("http.bearer_tokens[" + i + "]", "****", "must be at least 16 characters"));
      }
    }
    url(p, c, "alerts.webhook_url", c.webhookUrl());
    url(p, c, "alerts.slack_webhook_url", c.slackWebhookUrl());
    count(p, c, "baselines.window", c.baselineWindow(), 5, 100_000);
    if (!(c.baselineThreshold() > 0 && c.baselineThreshold() <= 100)) {
      p.add(new ConfigProblem("baselines.threshold", shown(c, "baselines.threshold", Double.toString(c.baselineThreshold())),
          "must be above 0 and at most 100"));
    }
    count(p, c, "baselines.points_outside", c.baselinePointsOutside(), 1, 1000);
    duration(p, c, "collector.interval_seconds", c.collectorInterval(), Duration.ofMillis(100), Duration.ofDays(1));
    return p;
  }

  /**
   * Writes a config as YAML. A value read from a reference is written as the reference, so a saved
   * file holds no resolved secret.
   */
  public void save(GuardConfig c, Path file) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("check_interval_seconds", seconds(c.checkInterval()));
    root.put("check_timeout_seconds", seconds(c.checkTimeout()));
    root.put("failure_threshold", c.failureThreshold());
    root.put("degraded_threshold", c.degradedThreshold());
    root.put("success_threshold", c.successThreshold());
    root.put("recovery", map("max_attempts", c.maxRecoveryAttempts(), "backoff_seconds", seconds(c.recoveryBackoff())));
    Map<String, Object> http = map("host", saved(c, "http.host", c.httpHost()), "port", c.httpPort());
    if (!c.bearerTokens().isEmpty()) {
      List<Object> tokens = new ArrayList<>();
      for (int i = 0; i < c.bearerTokens().size(); i++) {
        tokens.add(saved(c, "http.bearer_tokens[" + i + "]", c.bearerTokens().get(i)));
      }
      http.put("bearer_tokens", tokens);
    }
    root.put("http", http);
    Map<String, Object> alerts = map("log", c.logAlerts());
    c.webhookUrl().ifPresent(u -> alerts.put("webhook_url", saved(c, "alerts.webhook_url", u.toString())));
    c.slackWebhookUrl().ifPresent(u -> alerts.put("slack_webhook_url", saved(c, "alerts.slack_webhook_url", u.toString())));
    root.put("alerts", alerts);
    root.put("baselines", map("method", c.baselineMethod().name().toLowerCase(Locale.ROOT), "window", c.baselineWindow(),
        "threshold", c.baselineThreshold(), "points_outside", c.baselinePointsOutside()));
    root.put("collector", map("interval_seconds", seconds(c.collectorInterval())));
    try {
      Files.writeString(file, YAML.writeValueAsString(root), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
  }

  /** Writes a sample config with every setting, its default and a comment. */
  public void writeSample(Path file) {
    try {
      Files.writeString(file, SAMPLE, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
  }

  /** The text {@link #writeSample} writes; it loads as {@link GuardConfig#defaults()} plus the commented settings. */
  public static final String SAMPLE = """
      # Metrics Pipeline guard configuration (every value shown is the default).
      # Any string may use ${env:NAME} (environment variable) or ${secret:NAME} (a key of secrets_file);
      # resolved values are never printed or saved.

      check_interval_seconds: 30   # time between two health checks of a component
      check_timeout_seconds: 5     # a check without an answer by then counts as unhealthy
      failure_threshold: 3         # unhealthy checks in a row before a component is critical
      degraded_threshold: 2        # bad checks in a row before a healthy component is degraded
      success_threshold: 2         # healthy checks in a row before a component is healthy again

      recovery:
        max_attempts: 3            # recovery attempts before a component is failed (critical alert)
        backoff_seconds: 30        # wait after the first attempt, doubled per attempt

      http:
        host: 127.0.0.1            # where GET /health, /metrics and /api/v1/* are served
        port: 8080                 # 0 picks a free port
        # bearer_tokens: ["${secret:guard_api_token}"]   # at least 16 characters each

      alerts:
        log: true                  # log alerts through SLF4J
        # webhook_url: "${env:GUARD_WEBHOOK_URL}"          # generic JSON webhook
        # slack_webhook_url: "${secret:slack_webhook}"    # Slack incoming webhook

      baselines:
        method: median_mad         # median_mad (rolling median +- MAD) or ewma
        window: 60                 # values per baseline
        threshold: 3.5             # band half-width in standard deviations
        points_outside: 3          # values outside the band in a row that raise an anomaly alert

      collector:
        interval_seconds: 15       # how often the guard records its own and the pipeline's figures

      # secrets_file: secrets.yaml  # flat YAML map of secret names to values, relative to this file
      """;

  // ---- helpers --------------------------------------------------------------------------------

  private static Object seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? (Object) d.toSeconds() : (Object) (d.toMillis() / 1000.0);
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Object saved(GuardConfig c, String field, String value) {
    return c.references().getOrDefault(field, value);
  }

  private static String shown(GuardConfig c, String field, String value) {
    if (c.references().containsKey(field)) {
      return c.references().get(field);
    }
    return GuardConfig.SENSITIVE.contains(field) ? "****" : value;
  }

  private static void count(List<ConfigProblem> p, GuardConfig c, String field, int v, int min, int max) {
    if (v < min || v > max) {
      p.add(new ConfigProblem(field, shown(c, field, Integer.toString(v)), "must be between " + min + " and " + max));
    }
  }

  private static void duration(List<ConfigProblem> p, GuardConfig c, String field, Duration v, Duration min, Duration max) {
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      p.add(new ConfigProblem(field, shown(c, field, seconds(v).toString()),
          "must be between " + seconds(min) + " and " + seconds(max) + " seconds" + (min.isZero() ? "" : " (positive)")));
    }
  }

  private static void url(List<ConfigProblem> p, GuardConfig c, String field, Optional<URI> v) {
    if (v.isPresent()) {
      String scheme = v.get().getScheme();
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || v.get().getHost() == null) {
        p.add(new ConfigProblem(field, shown(c, field, "****"), "must be an http or https URL"));
      }
    }
  }

  /** Reads typed values from the tree, resolving references and collecting problems. */
  private final class Reader {
    final JsonNode root;
    final List<ConfigProblem> problems = new ArrayList<>();
    final Map<String, String> referencesByPath = new LinkedHashMap<>();
    References references;

    Reader(JsonNode root) {
      this.root = root;
    }

    void unknownFields(JsonNode node, String path) {
      Set<String> known = FIELDS.get(path);
      for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
        String name = it.next();
        String full = path.isEmpty() ? name : path + "." + name;
        if (known == null || !known.contains(name)) {
          problems.add(new ConfigProblem(full, "", "is not a known setting; known here: "
              + (known == null ? "none" : known.stream().sorted().toList())));
        } else if (FIELDS.containsKey(full)) {
          JsonNode child = node.get(name);
          if (!child.isObject()) {
            problems.add(new ConfigProblem(full, "", "must be a mapping of settings"));
          } else {
            unknownFields(child, full);
          }
        }
      }
    }

    void loadSecrets(Path baseDir) {
      SecretResolver resolver = secrets;
      if (resolver == null) {
        Optional<String> fromConfig = raw("secrets_file").map(JsonNode::asText);
        if (fromConfig.isPresent()) {
          Path file = baseDir == null ? Path.of(fromConfig.get()) : baseDir.resolve(fromConfig.get());
          resolver = SecretResolver.file(file);
          HealthCheckResult health = resolver.health();
          if (!health.isHealthy()) {
            // the reason names the file and what is wrong with it, never its content
            problems.add(new ConfigProblem("secrets_file", file.toString(), String.valueOf(health.details().get("reason"))));
          }
        }
      }
      references = References.builder().environment(environment)
          .secrets(resolver == null ? NO_SECRETS_FILE : resolver).build();
    }

    Optional<JsonNode> raw(String path) {
      JsonNode n = root;
      for (String part : path.split("\\.")) {
        if (n == null || !n.isObject()) {
          return Optional.empty();
        }
        n = n.get(part);
      }
      return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
    }

    /** A string value with references resolved; empty when absent or unresolvable (a problem then). */
    Optional<String> text(String path) {
      Optional<JsonNode> n = raw(path);
      if (n.isEmpty()) {
        return Optional.empty();
      }
      if (!n.get().isValueNode()) {
        problems.add(new ConfigProblem(path, "", "must be a single value"));
        return Optional.empty();
      }
      return resolve(path, n.get().asText());
    }

    Optional<String> resolve(String path, String value) {
      if (!References.containsReference(value)) {
        return Optional.of(value);
      }
      referencesByPath.put(path, value);
      try {
        return Optional.of(references.resolve(path, value));
      } catch (SecretException e) {
        String message = e.getMessage();
        problems.add(new ConfigProblem(path, value, message.startsWith(path + ": ") ? message.substring(path.length() + 2)
            : message));
        return Optional.empty();
      }
    }

    int integer(String path, int dflt) {
      Optional<String> t = text(path);
      if (t.isEmpty()) {
        return dflt;
      }
      try {
        return Integer.parseInt(t.get().trim());
      } catch (NumberFormatException e) {
        problems.add(new ConfigProblem(path, shownRaw(path, t.get()), "must be a whole number"));
        return dflt;
      }
    }

    double number(String path, double dflt) {
      Optional<String> t = text(path);
      if (t.isEmpty()) {
        return dflt;
      }
      try {
        double v = Double.parseDouble(t.get().trim());
        if (!Double.isFinite(v)) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        problems.add(new ConfigProblem(path, shownRaw(path, t.get()), "must be a number"));
        return dflt;
      }
    }

    Duration seconds(String path, Duration dflt) {
      Optional<JsonNode> n = raw(path);
      if (n.isEmpty()) {
        return dflt;
      }
      double s = number(path, Double.NaN);
      if (Double.isNaN(s)) {
        return dflt;
      }
      if (s < 0) {
        problems.add(new ConfigProblem(path, shownRaw(path, n.get().asText()), "must be positive"));
        return dflt;
      }
      return Duration.ofMillis(Math.round(s * 1000));
    }

    boolean bool(String path, boolean dflt) {
      Optional<String> t = text(path);
      if (t.isEmpty()) {
        return dflt;
      }
      return switch (t.get().trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on" -> true;
        case "false", "no", "off" -> false;
        default -> {
          problems.add(new ConfigProblem(path, shownRaw(path, t.get()), "must be true or false"));
          yield dflt;
        }
      };
    }

    Optional<URI> url(String path) {
      Optional<String> t = text(path);
      if (t.isEmpty() || t.get().isBlank()) {
        return Optional.empty();
      }
      try {
        return Optional.of(new URI(t.get().trim()));
      } catch (URISyntaxException e) {
        problems.add(new ConfigProblem(path, shownRaw(path, "****"), "must be an http or https URL"));
        return Optional.empty();
      }
    }

    Baselines.Method method(String path, Baselines.Method dflt) {
      Optional<String> t = text(path);
      if (t.isEmpty()) {
        return dflt;
      }
      return switch (t.get().trim().toLowerCase(Locale.ROOT)) {
        case "median_mad" -> Baselines.Method.MEDIAN_MAD;
        case "ewma" -> Baselines.Method.EWMA;
        default -> {
          problems.add(new ConfigProblem(path, shownRaw(path, t.get()), "must be median_mad or ewma"));
          yield dflt;
        }
      };
    }

    List<String> strings(String path) {
      Optional<JsonNode> n = raw(path);
      if (n.isEmpty()) {
        return List.of();
      }
      if (!n.get().isArray()) {
        problems.add(new ConfigProblem(path, "****", "must be a list"));
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < n.get().size(); i++) {
        resolve(path + "[" + i + "]", n.get().get(i).asText()).ifPresent(out::add);
      }
      return out;
    }

    /** What a problem may show of a value: the reference it came from, never a resolved value. */
    String shownRaw(String path, String value) {
      return referencesByPath.getOrDefault(path, GuardConfig.SENSITIVE.contains(path) ? "****" : value);
    }
  }

  /** Builds a {@link ConfigManager}. */
  public static final class Builder {
    private Map<String, String> environment = System.getenv();
    private SecretResolver secrets;

    private Builder() {}

    /** Where {@code ${env:NAME}} is looked up [the process environment]. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Where {@code ${secret:NAME}} is looked up: a flat YAML or properties file that group and others
     * may not read (mode 600) [the config's {@code secrets_file}].
     */
    public Builder secretsFile(Path file) {
      return secrets(SecretResolver.file(Objects.requireNonNull(file, "file")));
    }

    /** Where {@code ${secret:NAME}} is looked up: any backend (env, file, vault) [the config's {@code secrets_file}]. */
    public Builder secrets(SecretResolver resolver) {
      this.secrets = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** The manager. */
    public ConfigManager build() {
      return new ConfigManager(this);
    }
  }
}
