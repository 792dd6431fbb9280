package org.metricspipeline.runtime.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.sink.Column;
import org.metricspipeline.api.sink.TableSpec;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.core.RetentionPolicy;
import org.metricspipeline.core.RollupSettings;
import org.metricspipeline.core.StreamingJob;
import org.metricspipeline.core.config.References;
import org.metricspipeline.core.config.SecretException;
import org.metricspipeline.core.config.SecretResolver;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.guard.GuardConfig;
import org.metricspipeline.runtime.AggregationsConfig;
import org.metricspipeline.runtime.BatchConfig;
import org.metricspipeline.runtime.ConfigException;
import org.metricspipeline.core.config.ConfigProblem;
import org.metricspipeline.runtime.HttpConfig;
import org.metricspipeline.runtime.MergedConfig;
import org.metricspipeline.runtime.PipelineConfig;
import org.metricspipeline.runtime.ProviderConfig;
import org.metricspipeline.runtime.RuntimeConfig;
import org.metricspipeline.runtime.SecretBackends;
import org.metricspipeline.runtime.SecretsConfig;
import org.metricspipeline.runtime.StreamingSinkConfig;
import org.metricspipeline.runtime.internal.ProviderOptions.AdapterKind;

/**
 * Turns a merged tree into a {@link RuntimeConfig}: checks the structure, builds the secret backend,
 * resolves references, reads typed values, and hands the guard section to the guard's own parser.
 * Every problem is collected; the result is returned only when there is none.
 */
public final class ConfigReader {

  /** The shortest HS256 secret accepted: 256 bits. */
  static final int MIN_HMAC_SECRET_LENGTH = 32;
  /** The shortest static bearer token the HTTP adapter accepts. */
  static final int MIN_TOKEN_LENGTH = 16;
  /** The result fields that fill the sink's columns of these names when {@code streaming.sink.mapping} is not set. */
  private static final Map<String, String> DEFAULT_FIELDS = Map.of("window_start", "window.start", "window_end", "window.end");

  private final MergedConfig merged;
  private final Map<String, String> environment;
  private final Optional<SecretResolver> override;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Map<String, String> written = new LinkedHashMap<>();
  private final Values values;
  private SecretResolver resolver;

  /** A reader of {@code merged}; {@code override} replaces the config's secret backend when present. */
  public ConfigReader(MergedConfig merged, Map<String, String> environment, Optional<SecretResolver> override) {
    this.merged = merged;
    this.environment = environment;
    this.override = override;
    this.values = new Values(merged, written, problems);
  }

  /**
   * The validated config.
   *
   * @throws ConfigException listing every problem
   */
  public RuntimeConfig read() {
    new StructureCheck(merged, problems).run();
    Map<?, ?> tree = merged.tree();
    SecretsConfig secrets = secrets(tree.get("secrets") instanceof Map<?, ?> m ? m : Map.of());
    resolver = override.orElseGet(() -> backend(secrets));
    References refs = References.builder().secrets(resolver).environment(environment).build();
    Map<String, Object> resolved = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      String key = String.valueOf(e.getKey());
      // the guard resolves its own section (it keeps references for save and masking); secrets were read above
      boolean own = key.equals("guard") || key.equals("secrets");
      resolved.put(key, own ? e.getValue() : resolve(e.getValue(), key, refs));
    }
    Values.Section root = values.at(resolved, "", "");
    List<PipelineConfig> pipelines = pipelines(resolved);
    Map<String, Object> eventTypes = eventTypes(resolved);
    Optional<AggregationsConfig> aggregations = aggregations(resolved, pipelines);
    Optional<ProviderConfig> visualization = Optional.ofNullable(root.map("visualization"))
        .map(v -> provider(values.at(v, "visualization", "visualization"), AdapterKind.VISUALIZATION, "memory"));
    Optional<GuardConfig> guard = guard(tree.get("guard"));
    HttpConfig http = http(values.at(root.map("http"), "http", "http"));
    if (!problems.isEmpty()) {
      throw new ConfigException(withLines(problems));
    }
    return new RuntimeConfig(pipelines, eventTypes, aggregations, visualization, guard, http, secrets, merged.files());
  }

  /** The secret backend the config names (or the override); valid after {@link #read()} has begun. */
  public SecretResolver secretResolver() {
    return resolver;
  }

  // ---- secrets --------------------------------------------------------------------------------

  private SecretsConfig secrets(Map<?, ?> section) {
    Map<String, Object> resolved = new LinkedHashMap<>();
    // the secrets section is read before there is a secret backend: only ${env:..} may be used in it
    References envOnly = References.builder().environment(environment)
        .secrets(new NoSecrets()).build();
    section.forEach((k, v) -> resolved.put(String.valueOf(k), resolve(v, "secrets." + k, envOnly)));
    Values.Section s = values.at(resolved, "secrets", "secrets");
    String backend = s.enumeration("backend");
    Map<String, String> options = new LinkedHashMap<>();
    s.string("file").ifPresent(f -> options.put("file", f));
    if (s.map("vault") != null) {
      Values.Section v = values.at(s.map("vault"), "secrets.vault", "secrets.vault");
      for (String key : List.of("url", "token", "mount", "path", "namespace")) {
        v.string(key).ifPresent(x -> options.put(key, x));
      }
      if (v.has("timeout")) {
        options.put("timeout", Durations.format(v.duration("timeout")));
      }
    }
    if (backend.equals(SecretsConfig.FILE) && !options.containsKey("file")) {
      values.problem("secrets.file", null, "is required with backend file");
    }
    if (backend.equals(SecretsConfig.VAULT) && s.map("vault") == null) {
      values.problem("secrets.vault", null, "is required with backend vault (url and token)");
    }
    return new SecretsConfig(backend, options);
  }

  private SecretResolver backend(SecretsConfig secrets) {
    try {
      return SecretBackends.create(secrets, merged.configDir(), environment);
    } catch (ConfigurationException e) {
      if (problems.stream().noneMatch(p -> p.path().startsWith("secrets"))) {
        values.problem("secrets", null, e.getMessage());
      }
      return new NoSecrets();
    }
  }

  /** A backend with no secrets, used where none may be referenced or none could be built. */
  /** Each problem found in a file with the line that declares its field (or the nearest declared parent). */
  private List<ConfigProblem> withLines(List<ConfigProblem> found) {
    List<ConfigProblem> out = new ArrayList<>(found.size());
    for (ConfigProblem p : found) {
      boolean fromHere = !p.source().isEmpty() && p.source().equals(merged.originOf(p.path()));
      out.add(p.line() == 0 && fromHere ? p.withLine(merged.lineOf(p.path())) : p);
    }
    return out;
  }

  private static final class NoSecrets implements SecretResolver {
    @Override
    public Optional<String> lookup(String key) {
      throw new SecretException("${secret:..} cannot be used here (the secrets section, or no usable secret backend)");
    }

    @Override
    public String backend() {
      return "none";
    }

    @Override
    public org.metricspipeline.api.HealthCheckResult health() {
      return org.metricspipeline.api.HealthCheckResult.unhealthy("no secret backend");
    }
  }

  private Object resolve(Object value, String path, References refs) {
    if (value instanceof String s && References.containsReference(s)) {
      written.put(path, s);
      try {
        return refs.resolve(path, s);
      } catch (SecretException e) {
        String message = e.getMessage().startsWith(path + ": ") ? e.getMessage().substring(path.length() + 2) : e.getMessage();
        problems.add(new ConfigProblem(path, merged.originOf(path), s, message));
        return null;
      }
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), resolve(v, path + "." + k, refs)));
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        out.add(resolve(l.get(i), path + "[" + i + "]", refs));
      }
      return out;
    }
    return value;
  }

  // ---- pipelines ------------------------------------------------------------------------------

  private List<PipelineConfig> pipelines(Map<String, Object> root) {
    List<PipelineConfig> out = new ArrayList<>();
    if (!(root.get("pipelines") instanceof Map<?, ?> all) || all.isEmpty()) {
      if (!(root.get("pipelines") instanceof Map<?, ?>) && root.get("pipelines") != null) {
        return out; // reported by the structure check
      }
      values.problem("pipelines", null, "must declare at least one pipeline");
      return out;
    }
    for (Map.Entry<?, ?> e : all.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> p)) {
        continue; // reported by the structure check
      }
      String name = String.valueOf(e.getKey());
      String path = "pipelines." + name;
      Values.Section s = values.at(p, path, "pipelines.*");
      List<ProviderConfig> channels = new ArrayList<>();
      if (s.raw("channels") instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof Map<?, ?> c) {
            channels.add(provider(values.at(c, path + ".channels[" + i + "]", "pipelines.*.channels[]"),
                AdapterKind.INGESTION, null));
          }
        }
      }
      ProviderConfig storage = provider(values.at(s.map("storage"), path + ".storage", "pipelines.*.storage"),
          AdapterKind.STORAGE, "memory");
      Values.Section b = values.at(s.map("batch"), path + ".batch", "pipelines.*.batch");
      BatchConfig batch = new BatchConfig(b.integer("batch_size"), b.duration("processing_interval"),
          b.integer("queue_capacity"), b.integer("max_concurrent_stores"), b.duration("store_timeout"),
          b.duration("drain_timeout"));
      out.add(new PipelineConfig(name, channels, storage, batch,
          rollups(values.at(s.map("rollups"), path + ".rollups", "pipelines.*.rollups")),
          retention(values.at(s.map("retention"), path + ".retention", "pipelines.*.retention"))));
    }
    return out;
  }

  private Optional<RollupSettings> rollups(Values.Section s) {
    if (!s.bool("enabled")) {
      return Optional.empty();
    }
    List<Resolution> resolutions = new ArrayList<>();
    for (String r : s.strings("resolutions")) {
      resolution(s.pathOf("resolutions"), r).ifPresent(resolutions::add);
    }
    try {
      return Optional.of(RollupSettings.builder().interval(s.duration("interval"))
          .allowedLateness(s.duration("allowed_lateness")).resolutions(resolutions.toArray(Resolution[]::new)).build());
    } catch (IllegalArgumentException | IllegalStateException e) {
      values.problem(s.path, null, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<RetentionPolicy> retention(Values.Section s) {
    if (!s.bool("enabled")) {
      return Optional.empty();
    }
    try {
      RetentionPolicy.Builder b = RetentionPolicy.builder().interval(s.duration("interval")).raw(s.duration("raw"));
      for (Resolution r : Resolution.values()) {
        b.retention(r, s.duration(r.wireName()));
      }
      return Optional.of(b.build());
    } catch (IllegalArgumentException | IllegalStateException e) {
      values.problem(s.path, null, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<Resolution> resolution(String path, String text) {
    for (Resolution r : Resolution.values()) {
      if (r.wireName().equals(text)) {
        return Optional.of(r);
      }
    }
    values.problem(path, text, "must list only 1m, 5m and 1h");
    return Optional.empty();
  }

  /** A provider and its options, checked against the provider's known keys. */
  private ProviderConfig provider(Values.Section s, AdapterKind kind, String defaultProvider) {
    String name = s.string("provider").orElse(defaultProvider == null ? "" : defaultProvider);
    if (!name.isEmpty() && !ProviderOptions.names(kind).contains(name)) {
      values.problem(s.pathOf("provider"), name, "is not a known " + kind.name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', ' ') + " provider" + Suggestions.hint(name, ProviderOptions.names(kind)) + "; known: "
          + ProviderOptions.names(kind));
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (s.map("options") != null) {
      for (Map.Entry<?, ?> e : s.map("options").entrySet()) {
        String key = String.valueOf(e.getKey());
        String path = s.pathOf("options") + "." + key;
        Object v = e.getValue();
        if (!name.isEmpty() && !ProviderOptions.accepts(kind, name, key)) {
          List<String> known = ProviderOptions.keys(kind, name).map(k -> k.stream().sorted().toList()).orElse(List.of());
          values.problem(path, null, "is not an option of the " + name + " provider" + Suggestions.hint(key, known)
              + "; known: " + known);
        } else if (v instanceof Map<?, ?>) {
          values.problem(path, v, "must be a single value or a list");
        } else if (v instanceof List<?> l) {
          options.put(key, String.join(",", l.stream().map(String::valueOf).toList()));
        } else if (v != null) {
          options.put(key, String.valueOf(v));
        }
      }
    }
    return new ProviderConfig(name.isEmpty() ? "unknown" : name, options);
  }

  // ---- event types, aggregations, guard ---------------------------------------------------------

  private Map<String, Object> eventTypes(Map<String, Object> root) {
    Object types = root.get("event_types");
    Object entities = root.get("entities");
    if (types == null) {
      if (entities != null) {
        values.problem("entities", null, "needs event_types (entities are what event types refer to)");
      }
      return Map.of();
    }
    if (!(types instanceof List<?>) && !(types instanceof Map<?, ?>)) {
      values.problem("event_types", types, "must be a list of event types or a map of them by name");
      return Map.of();
    }
    if (entities != null && !(entities instanceof Map<?, ?>)) {
      values.problem("entities", entities, "must be a map of entity names to settings");
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("event_types", immutable(types));
    if (entities != null) {
      out.put("entities", immutable(entities));
    }
    EventTypesCheck.check(out).ifPresent(message -> values.problem("event_types", null, message));
    return out;
  }

  private Optional<AggregationsConfig> aggregations(Map<String, Object> root, List<PipelineConfig> pipelines) {
    Object list = root.get("aggregations");
    Map<?, ?> streaming = root.get("streaming") instanceof Map<?, ?> m ? m : null;
    if (list == null) {
      if (streaming != null) {
        values.problem("streaming", null, "needs aggregations (the windowed aggregations the job computes)");
      }
      return Optional.empty();
    }
    Values.Section s = values.at(streaming, "streaming", "streaming");
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("aggregations", immutable(list));
    if (s.has("trigger_interval")) {
      job.put("trigger_interval", Durations.format(s.duration("trigger_interval")));
    }
    if (s.has("max_pending_results")) {
      job.put("max_pending_results", s.integer("max_pending_results"));
    }
    if (s.has("stop_timeout")) {
      job.put("stop_timeout", Durations.format(s.duration("stop_timeout")));
    }
    try {
      StreamingJob.builder("config-check").config(job);
    } catch (IllegalArgumentException | IllegalStateException | ConfigurationException e) {
      values.problem("aggregations", null, e.getMessage());
    }
    String pipeline = s.string("pipeline").orElse(pipelines.isEmpty() ? "" : pipelines.get(0).name());
    if (!pipeline.isEmpty() && pipelines.stream().noneMatch(p -> p.name().equals(pipeline))) {
      values.problem("streaming.pipeline", pipeline, "must name a declared pipeline" + Suggestions.hint(pipeline,
          pipelines.stream().map(PipelineConfig::name).toList()));
    }
    Optional<StreamingSinkConfig> sink = Optional.ofNullable(s.map("sink"))
        .flatMap(k -> sink(values.at(k, "streaming.sink", "streaming.sink")));
    return Optional.of(new AggregationsConfig(pipeline, job, sink));
  }

  /** {@code streaming.sink}: the provider, the table (columns and key checked as the sink reads them), the mapping. */
  private Optional<StreamingSinkConfig> sink(Values.Section s) {
    ProviderConfig provider = provider(s, AdapterKind.TABLE_SINK, null);
    Optional<String> table = s.string("table");
    List<Map<String, Object>> columns = new ArrayList<>();
    if (s.raw("columns") instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) instanceof Map<?, ?> m) {
          Values.Section c = values.at(m, s.pathOf("columns") + "[" + i + "]", "streaming.sink.columns[]");
          Map<String, Object> column = new LinkedHashMap<>();
          c.string("name").ifPresent(n -> column.put("name", n));
          column.put("type", c.enumeration("type"));
          column.put("nullable", c.bool("nullable"));
          columns.add(column);
        }
      }
    }
    if (columns.isEmpty()) {
      values.problem(s.pathOf("columns"), s.raw("columns"), "needs at least one column (name and type)");
    }
    List<String> key = s.strings("primary_key");
    Optional<TableSpec> spec = Optional.empty();
    if (table.isPresent() && !columns.isEmpty()) {
      try {
        spec = Optional.of(TableSpec.fromConfig(table.get(), Map.of("columns", columns, "primary_key", key)));
      } catch (IllegalArgumentException e) {
        values.problem(s.pathOf("columns"), null, e.getMessage());
      }
    }
    Map<String, String> mapping = new LinkedHashMap<>();
    Object m = s.raw("mapping");
    if (m == null) {
      spec.ifPresent(t -> t.columns().forEach(c -> mapping.put(DEFAULT_FIELDS.getOrDefault(c.name(), c.name()), c.name())));
    } else if (m instanceof Map<?, ?> map) {
      Set<String> known = spec.map(t -> t.columns().stream().map(Column::name)
          .collect(java.util.stream.Collectors.toSet())).orElse(Set.of());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String path = s.pathOf("mapping") + "." + e.getKey();
        String column = String.valueOf(e.getValue());
        if (e.getValue() instanceof Map<?, ?> || e.getValue() instanceof List<?>) {
          values.problem(path, e.getValue(), "must be a column name");
        } else if (spec.isPresent() && !known.contains(column)) {
          values.problem(path, column, "must be a column of streaming.sink.columns" + Suggestions.hint(column, known)
              + "; columns: " + spec.get().columns().stream().map(Column::name).toList());
        } else {
          mapping.put(String.valueOf(e.getKey()), column);
        }
      }
    } else {
      values.problem(s.pathOf("mapping"), m, "must be a mapping of result field paths to column names");
    }
    if (spec.isEmpty() || mapping.isEmpty()) {
      return Optional.empty(); // the problems are reported
    }
    return Optional.of(new StreamingSinkConfig(provider, spec.get(), mapping));
  }

  private Optional<GuardConfig> guard(Object section) {
    if (!(section instanceof Map<?, ?> m)) {
      return Optional.empty();
    }
    return GuardSection.parse(m, merged, environment, resolver, problems);
  }

  // ---- http -------------------------------------------------------------------------------------

  private HttpConfig http(Values.Section s) {
    List<String> tokens = s.strings("bearer_tokens");
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).length() < MIN_TOKEN_LENGTH) {
        values.problem(s.pathOf("bearer_tokens") + "[" + i + "]", "****", "must be at least " + MIN_TOKEN_LENGTH + " characters");
      }
    }
    Values.Section limits = values.at(s.map("rate_limits"), s.pathOf("rate_limits"), "http.rate_limits");
    Map<EndpointKind, Integer> rateLimits = new LinkedHashMap<>();
    boolean limited = limits.bool("enabled");
    for (String group : limits.schema.names()) {
      if (group.equals("enabled")) {
        continue;
      }
      int perMinute = limits.integer(group);
      if (limited) {
        rateLimits.put(EndpointKind.valueOf(group.toUpperCase(java.util.Locale.ROOT)), perMinute);
      }
    }
    Map<?, ?> auth = s.map("auth");
    Map<String, Object> jwt = auth != null && auth.get("jwt") instanceof Map<?, ?> j
        ? jwt(values.at(j, "http.auth.jwt", "http.auth.jwt")) : Map.of();
    return new HttpConfig(s.bool("enabled"), s.string("bind_address").orElseThrow(), s.integer("port"), tokens,
        s.bool("authenticate_health"), rateLimits, jwt);
  }

  private Map<String, Object> jwt(Values.Section s) {
    Map<String, Object> out = new LinkedHashMap<>();
    s.string("issuer").ifPresent(v -> out.put("issuer", v));
    s.string("audience").ifPresent(v -> out.put("audience", v));
    for (String file : List.of("jwks_file", "public_key_file")) {
      s.string(file).ifPresent(v -> {
        Path p = merged.configDir().resolve(v).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
          values.problem(s.pathOf(file), v, "must name a readable file (relative paths start at the config directory)");
        }
        out.put(file, p.toString());
      });
    }
    s.string("hmac_secret").ifPresent(v -> {
      if (v.length() < MIN_HMAC_SECRET_LENGTH) {
        values.problem(s.pathOf("hmac_secret"), "****", "must be at least " + MIN_HMAC_SECRET_LENGTH
            + " characters (256 bits for HS256)");
      }
      out.put("hmac_secret", v);
    });
    if (!out.containsKey("jwks_file") && !out.containsKey("hmac_secret") && !out.containsKey("public_key_file")) {
      values.problem(s.path, null, "needs a key: jwks_file, hmac_secret or public_key_file");
    }
    Duration skew = s.duration("clock_skew");
    if (skew.compareTo(Duration.ofMinutes(10)) > 0) {
      values.problem(s.pathOf("clock_skew"), Durations.format(skew), "must be at most 10m");
    }
    out.put("clock_skew", Durations.format(skew));
    if (s.map("scopes") != null) {
      Values.Section scopes = values.at(s.map("scopes"), s.pathOf("scopes"), "http.auth.jwt.scopes");
      Map<String, Object> byGroup = new LinkedHashMap<>();
      for (String group : List.of("ingest", "query", "admin")) {
        if (scopes.has(group)) {
          byGroup.put(group, scopes.strings(group));
        }
      }
      out.put("scopes", Map.copyOf(byGroup));
    }
    return out;
  }

  /** A deep, unmodifiable copy of a YAML value (maps keep their order). */
  static Object immutable(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), immutable(x)));
      return java.util.Collections.unmodifiableMap(out);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(immutable(x)));
      return java.util.Collections.unmodifiableList(out);
    }
    return v;
  }
}
