package org.metricspipeline.runtime.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.api.sink.ColumnType;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetentionPolicy;
import org.metricspipeline.core.RollupSettings;
import org.metricspipeline.core.StreamingJob;
import org.metricspipeline.core.config.References;

/**
 * Every key a runtime config may hold, section by section: what the loader checks unknown keys
 * against, what typed values are read with (defaults included), and what {@code docs/runtime-config.md}
 * is generated from. Section paths use {@code *} for a name (a pipeline) and {@code []} for a list item.
 */
public final class ConfigSchema {

  /** How a key's value is read. */
  public enum Kind {
    /** Text. */
    STRING("string"),
    /** A whole number within bounds. */
    INT("integer"),
    /** true or false. */
    BOOL("boolean"),
    /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 7d} or ISO-8601. */
    DURATION("duration"),
    /** A list of text values. */
    STRINGS("list of strings"),
    /** One of a fixed set of words. */
    ENUM("string"),
    /** A map of settings described by its own section. */
    SECTION("map"),
    /** A map from names to sections (the pipelines). */
    NAMED_SECTIONS("map of name to map"),
    /** A list of sections (the channels). */
    SECTION_LIST("list of maps"),
    /** A provider's options: keys checked against that provider's known keys. */
    OPTIONS("map"),
    /** Free form, checked by the component that takes it (event types, aggregations, guard). */
    DELEGATED("see meaning");

    private final String docType;

    Kind(String docType) {
      this.docType = docType;
    }

    /** How the reference table names the type. */
    public String docType() {
      return docType;
    }
  }

  /**
   * One key.
   *
   * @param name the key as written in YAML
   * @param kind how its value is read
   * @param defaultValue the value when absent (a {@link Duration}, {@link Integer}, {@link Boolean},
   *     {@link String} or list), empty when there is none or it is required
   * @param required whether the key must be set
   * @param min lower bound of an INT
   * @param max upper bound of an INT
   * @param allowed the words of an ENUM
   * @param meaning one line for the reference
   */
  public record Key(String name, Kind kind, Optional<Object> defaultValue, boolean required, long min, long max,
      List<String> allowed, String meaning) {

    /** Copies. */
    public Key {
      allowed = List.copyOf(allowed);
    }

    /** The default as the reference shows it. */
    public String defaultText() {
      if (required) {
        return "required";
      }
      return defaultValue.map(ConfigSchema::format).orElse("none");
    }

    /** The type as the reference shows it. */
    public String typeText() {
      return switch (kind) {
        case INT -> "integer " + min + ".." + max;
        case ENUM -> String.join(" \\| ", allowed);
        default -> kind.docType();
      };
    }
  }

  /**
   * A section: a map whose keys are listed.
   *
   * @param path the section path ({@code http.rate_limits}, {@code pipelines.*.batch})
   * @param meaning one line for the reference
   * @param keys its keys, in reference order
   */
  public record Section(String path, String meaning, List<Key> keys) {

    /** Copies. */
    public Section {
      keys = List.copyOf(keys);
    }

    /** The key of this name. */
    public Optional<Key> key(String name) {
      return keys.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /** The names of its keys. */
    public List<String> names() {
      return keys.stream().map(Key::name).toList();
    }
  }

  private static final Map<String, Section> SECTIONS = new LinkedHashMap<>();

  static {
    section("", "The top level of `platform.yaml` and of every file merged over it.",
        named("pipelines", "the pipelines by name (at least one); each reads from its channels and writes to its storage"),
        delegated("event_types", "seed 002's event types (a list, or a map by name), as the Kafka adapter's `EventTypes.fromConfig` reads them"),
        delegated("entities", "seed 002's entities (`name: {primary_key: ..}`) that event types refer to"),
        delegated("aggregations", "seed 002's windowed aggregations (a list), as `StreamingJob.Builder#config` reads them; checked when loaded"),
        section("streaming", "where the windowed aggregations read from and write to"),
        section("visualization", "the visualization adapter by provider"),
        delegated("guard", "the guard's settings in its own format (docs/guard.md); on when the section is present"),
        section("http", "the HTTP server"),
        section("secrets", "where `${secret:KEY}` references are looked up"));
    section("pipelines.*", "One pipeline (`pipelines.<name>`).",
        list("channels", "ingestion channels the pipeline polls, in order; empty: direct producers only"),
        section("storage", "the store"),
        section("batch", "how stored items are batched"),
        section("rollups", "the 1m/5m/1h rollup job"),
        section("retention", "the retention job"));
    section("pipelines.*.channels[]", "One ingestion channel.",
        required(string("provider", null, "the ingestion provider: memory, http, sqs, kafka, or one found by ServiceLoader")),
        options("options", "the provider's options (its keys, see the provider table)"));
    section("pipelines.*.storage", "The store of a pipeline.",
        string("provider", "memory", "the storage provider: memory, clickhouse, postgres, or one found by ServiceLoader"),
        options("options", "the provider's options"));
    section("pipelines.*.batch", "Batching (MetricsPipeline's builder options).",
        integer("batch_size", MetricsPipeline.DEFAULT_BATCH_SIZE, 1, 100_000, "items per store call"),
        duration("processing_interval", MetricsPipeline.DEFAULT_PROCESSING_INTERVAL, "longest wait before a partial batch is stored"),
        integer("queue_capacity", MetricsPipeline.DEFAULT_QUEUE_CAPACITY, 1, 10_000_000, "accepted items waiting for storage"),
        integer("max_concurrent_stores", MetricsPipeline.DEFAULT_MAX_CONCURRENT_STORES, 1, 64, "batches in flight to storage"),
        duration("store_timeout", MetricsPipeline.DEFAULT_STORE_TIMEOUT, "a slower store attempt is logged and retried"),
        duration("drain_timeout", MetricsPipeline.DEFAULT_DRAIN_TIMEOUT, "how long stopping waits for storage"));
    section("pipelines.*.rollups", "Rollups (the store must support them).",
        bool("enabled", false, "whether the rollup job runs"),
        duration("interval", RollupSettings.DEFAULT_INTERVAL, "time between runs"),
        duration("allowed_lateness", RollupSettings.DEFAULT_ALLOWED_LATENESS, "how late a point may arrive and still be rolled up"),
        strings("resolutions", List.of("1m", "5m", "1h"), "which of 1m, 5m, 1h are kept"));
    section("pipelines.*.retention", "Retention (the store must support it).",
        bool("enabled", false, "whether the retention job runs"),
        duration("interval", RetentionPolicy.DEFAULT_INTERVAL, "time between runs"),
        duration("raw", RetentionPolicy.DEFAULT_RAW_RETENTION, "how long raw points are kept"),
        duration("1m", RetentionPolicy.DEFAULT_1M_RETENTION, "how long 1-minute rollups are kept"),
        duration("5m", RetentionPolicy.DEFAULT_5M_RETENTION, "how long 5-minute rollups are kept"),
        duration("1h", RetentionPolicy.DEFAULT_1H_RETENTION, "how long 1-hour rollups are kept"));
    section("streaming", "The windowed aggregation job (runs when `aggregations` is declared).",
        string("pipeline", null, "the pipeline whose stored items feed the job [the first pipeline]"),
        duration("trigger_interval", StreamingJob.DEFAULT_TRIGGER_INTERVAL, "how often closed windows are emitted"),
        integer("max_pending_results", StreamingJob.DEFAULT_MAX_PENDING_RESULTS, 1, 10_000_000, "results waiting for the sink"),
        duration("stop_timeout", StreamingJob.DEFAULT_STOP_TIMEOUT, "how long stopping waits for the sink"),
        section("sink", "the table results are written to through a table sink; none: back into the pipeline's store as metric type `aggregation`"));
    section("streaming.sink", "The table sink of the aggregation job and the table it writes (created when missing).",
        required(string("provider", null, "the table sink provider: clickhouse or postgres")),
        options("options", "the provider's options"),
        required(string("table", null, "the table results are written to")),
        list("columns", "the table's columns (at least one)"),
        strings("primary_key", List.of(), "the key: PostgreSQL's primary key, ClickHouse's `ORDER BY`"),
        delegated("mapping", "result field path to column (`window.start: window_start`); fields: `name`, `window.start`, "
            + "`window.end`, one per group-by key, `value`, `count`, `batch_id` [each column from the field of its name, "
            + "`window_start`/`window_end` from `window.start`/`window.end`]"));
    section("streaming.sink.columns[]", "One column of the sink's table.",
        required(string("name", null, "the column's name")),
        required(enumeration("type", null, Arrays.stream(ColumnType.values()).map(ColumnType::wireName).toList(),
            "its type (docs/streaming.md, table sinks)")),
        bool("nullable", true, "whether it may be null"));
    section("visualization", "The visualization adapter.",
        string("provider", "memory", "the visualization provider: memory, metabase, or one found by ServiceLoader"),
        options("options", "the provider's options"));
    section("http", "The HTTP server (ingestion, query and every contributed endpoint).",
        bool("enabled", true, "whether the server runs"),
        string("bind_address", HttpIngestionAdapter.DEFAULT_HOST, "the address to listen on; 0.0.0.0 for every interface"),
        integer("port", HttpIngestionAdapter.DEFAULT_PORT, 0, 65_535, "the port; 0 picks a free one"),
        strings("bearer_tokens", List.of(), "static tokens accepted as `Authorization: Bearer`, at least 16 characters each; use `${secret:..}`"),
        bool("authenticate_health", false, "whether health endpoints need a token too"),
        section("rate_limits", "requests per minute per client IP"),
        section("auth", "token validation beyond static tokens"));
    section("http.rate_limits", "Per-IP rate limits (seed 001's defaults).",
        bool("enabled", true, "whether requests are limited"),
        integer("general", HttpIngestionAdapter.DEFAULT_GENERAL_REQUESTS_PER_MINUTE, 1, 10_000_000, "queries and everything else"),
        integer("ingestion", HttpIngestionAdapter.DEFAULT_INGESTION_REQUESTS_PER_MINUTE, 1, 10_000_000, "ingestion endpoints"),
        integer("health", HttpIngestionAdapter.DEFAULT_HEALTH_REQUESTS_PER_MINUTE, 1, 10_000_000, "health endpoints"));
    section("http.auth", "Authentication.",
        section("jwt", "JWT bearer tokens (seed 001), validated beside the static tokens; on when the section is present"));
    section("http.auth.jwt", "JWT validation: one key source (jwks_file, hmac_secret or public_key_file) is required.",
        string("issuer", null, "the required `iss` claim; none: not checked"),
        string("audience", null, "the `aud` value every token must include; none: not checked"),
        string("jwks_file", null, "a JWKS file of public keys (RS256, ES256)"),
        string("hmac_secret", null, "the HS256 shared secret, at least 32 characters; use `${secret:..}`"),
        string("public_key_file", null, "a PEM public key (RS256 or ES256)"),
        duration("clock_skew", Duration.ofSeconds(60), "tolerance for `exp` and `nbf`"),
        section("scopes", "scopes a token needs per endpoint group"));
    section("http.auth.jwt.scopes", "Required scopes (any one of the list); none: any valid token.",
        strings("ingest", List.of(), "ingestion endpoints"),
        strings("query", List.of(), "query and discovery endpoints"),
        strings("admin", List.of(), "status, guard and orchestrator endpoints"));
    section("secrets", "The secret backend. This section may use `${env:..}` but not `${secret:..}`.",
        enumeration("backend", "env", List.of("env", "file", "vault"), "where `${secret:KEY}` is looked up"),
        string("file", null, "file backend: a YAML or properties file of names to values, mode 600 (relative to the config directory)"),
        section("vault", "vault backend: HashiCorp Vault's KV v2 engine"));
    section("secrets.vault", "HashiCorp Vault KV v2: `${secret:KEY}` reads field KEY of `path`; `${secret:other/path#KEY}` another path.",
        required(string("url", null, "the Vault address, for example https://vault.example.com:8200")),
        required(string("token", null, "the token sent as `X-Vault-Token`; use `${env:VAULT_TOKEN}`")),
        string("mount", "secret", "the KV v2 mount"),
        string("path", "metrics-pipeline", "the secret path read for plain keys"),
        string("namespace", null, "sent as `X-Vault-Namespace` (Vault Enterprise)"),
        duration("timeout", Duration.ofSeconds(5), "connect and request timeout"));
  }

  private ConfigSchema() {}

  /** Every section, in reference order. */
  public static List<Section> sections() {
    return List.copyOf(SECTIONS.values());
  }

  /** The section at {@code path}. */
  public static Optional<Section> section(String path) {
    return Optional.ofNullable(SECTIONS.get(path));
  }

  /** The section at {@code path}; fails when the schema has none (a bug). */
  public static Section require(String path) {
    Section s = SECTIONS.get(path);
    if (s == null) {
      throw new IllegalStateException("no section " + path);
    }
    return s;
  }

  /** The key {@code name} of the section at {@code path}; fails when the schema has none (a bug). */
  public static Key key(String path, String name) {
    return require(path).key(name).orElseThrow(() -> new IllegalStateException("no key " + path + "." + name));
  }

  /** A default as the reference shows it. */
  static String format(Object v) {
    if (v instanceof Duration d) {
      return Durations.format(d);
    }
    if (v instanceof List<?> l) {
      return l.isEmpty() ? "none" : "[" + String.join(", ", l.stream().map(String::valueOf).toList()) + "]";
    }
    if (v instanceof Integer i && i >= 10_000) {
      return String.format(java.util.Locale.ROOT, "%,d", i);
    }
    return String.valueOf(v);
  }

  /** The key whose name ends a path holds a secret: shown as {@code ****}, never in plain text. */
  public static boolean isSecretKey(String path) {
    String p = path.replaceAll("(\\[\\d+])+$", "");
    String name = p.substring(p.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    return name.contains("password") || name.contains("secret") || name.contains("token") || name.contains("api-key")
        || name.contains("api_key") || name.contains("webhook") || name.contains("jaas") || name.contains("credential");
  }

  /** Whether a value is a reference rather than a value ({@code ${secret:..}} or {@code ${env:..}}). */
  public static boolean isReference(Object value) {
    return value instanceof String s && References.containsReference(s);
  }

  // ---- declarations ---------------------------------------------------------------------------

  private static void section(String path, String meaning, Key... keys) {
    SECTIONS.put(path, new Section(path, meaning, List.of(keys)));
  }

  private static Key key(String name, Kind kind, Object dflt, long min, long max, List<String> allowed, String meaning) {
    return new Key(name, kind, Optional.ofNullable(dflt), false, min, max, allowed, meaning);
  }

  private static Key required(Key k) {
    return new Key(k.name(), k.kind(), Optional.empty(), true, k.min(), k.max(), k.allowed(), k.meaning());
  }

  private static Key string(String name, String dflt, String meaning) {
    return key(name, Kind.STRING, dflt, 0, 0, List.of(), meaning);
  }

  private static Key integer(String name, int dflt, long min, long max, String meaning) {
    return key(name, Kind.INT, dflt, min, max, List.of(), meaning);
  }

  private static Key bool(String name, boolean dflt, String meaning) {
    return key(name, Kind.BOOL, dflt, 0, 0, List.of(), meaning);
  }

  private static Key duration(String name, Duration dflt, String meaning) {
    return key(name, Kind.DURATION, dflt, 0, 0, List.of(), meaning);
  }

  private static Key strings(String name, List<String> dflt, String meaning) {
    return key(name, Kind.STRINGS, dflt, 0, 0, List.of(), meaning);
  }

  private static Key enumeration(String name, String dflt, List<String> allowed, String meaning) {
    return key(name, Kind.ENUM, dflt, 0, 0, allowed, meaning);
  }

  private static Key section(String name, String meaning) {
    return key(name, Kind.SECTION, null, 0, 0, List.of(), meaning);
  }

  private static Key named(String name, String meaning) {
    return key(name, Kind.NAMED_SECTIONS, null, 0, 0, List.of(), meaning);
  }

  private static Key list(String name, String meaning) {
    return key(name, Kind.SECTION_LIST, List.of(), 0, 0, List.of(), meaning);
  }

  private static Key options(String name, String meaning) {
    return key(name, Kind.OPTIONS, null, 0, 0, List.of(), meaning);
  }

  private static Key delegated(String name, String meaning) {
    return key(name, Kind.DELEGATED, null, 0, 0, List.of(), meaning);
  }

  /** The section paths a child key leads to: {@code parent.name}, {@code parent.name.*} or {@code parent.name[]}. */
  static String childSection(String sectionPath, Key key) {
    String base = sectionPath.isEmpty() ? key.name() : sectionPath + "." + key.name();
    return switch (key.kind()) {
      case NAMED_SECTIONS -> base + ".*";
      case SECTION_LIST -> base + "[]";
      default -> base;
    };
  }

  /** Section paths, for tests. */
  static List<String> paths() {
    return new ArrayList<>(SECTIONS.keySet());
  }
}
