package org.metricspipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.metricspipeline.runtime.ConfigDirs.loader;
import static org.metricspipeline.runtime.ConfigDirs.problems;
import static org.metricspipeline.runtime.ConfigDirs.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.core.config.ConfigProblem;
import org.metricspipeline.core.http.EndpointKind;

class ConfigLoaderTest {

  private static final String SECRET = "ch-password-0123456789-never-shown";

  @TempDir
  Path dir;

  private static final String PLATFORM = """
      pipelines:
        main:
          channels:
            - provider: memory
              options: {capacity: 100}
          storage:
            provider: memory
            options: {max-points: 1000}
          batch: {batch_size: 50, processing_interval: 2s}
      http:
        port: 8080
        bearer_tokens: ["${secret:api_token}"]
      """;

  private Map<String, String> env() {
    return Map.of("api_token", "tok-0123456789abcdef-0123456789");
  }

  @Test
  void mergesPlatformThenEnvironmentThenDomainMapsMergeListsReplace() {
    write(dir, "platform.yaml", PLATFORM);
    write(dir, "environments/prod.yaml", """
        pipelines:
          main:
            channels:
              - provider: http
            batch: {batch_size: 500}
        http: {port: 9090}
        """);
    write(dir, "domains/shop.yaml", "http: {port: 9191}\n");
    RuntimeConfig c = loader(dir, env()).env("prod").domain("shop").build().load();
    PipelineConfig main = c.requirePipeline("main");
    assertThat(main.channels()).extracting(ProviderConfig::provider).containsExactly("http"); // list replaced
    assertThat(main.batch().batchSize()).isEqualTo(500);
    assertThat(main.batch().processingInterval()).isEqualTo(Duration.ofSeconds(2)); // map merged: kept
    assertThat(main.storage().options()).containsEntry("max-points", "1000");
    assertThat(c.http().port()).isEqualTo(9191); // domain last
    assertThat(c.files()).containsExactly(dir.resolve("platform.yaml"), dir.resolve("environments/prod.yaml"),
        dir.resolve("domains/shop.yaml"));
  }

  @Test
  void environmentVariablesOverrideEveryFile() {
    write(dir, "platform.yaml", PLATFORM);
    Map<String, String> env = new java.util.HashMap<>(env());
    env.put("METRICS_PIPELINE__HTTP__PORT", "7070");
    env.put("METRICS_PIPELINE__HTTP__BIND_ADDRESS", "0.0.0.0");
    env.put("METRICS_PIPELINE__PIPELINES__MAIN__CHANNELS__0__OPTIONS__RETRY_AFTER", "250ms");
    env.put("METRICS_PIPELINE__HTTP__RATE_LIMITS__ENABLED", "false");
    RuntimeConfig c = loader(dir, env).build().load();
    assertThat(c.http().port()).isEqualTo(7070);
    assertThat(c.http().bindAddress()).isEqualTo("0.0.0.0");
    assertThat(c.http().rateLimits()).isEmpty();
    assertThat(c.requirePipeline("main").channels().get(0).options()).containsEntry("retry-after", "250ms")
        .containsEntry("capacity", "100");
  }

  @Test
  void anOverrideOfAnUnknownKeyNamesTheVariable() {
    write(dir, "platform.yaml", PLATFORM);
    Map<String, String> env = new java.util.HashMap<>(env());
    env.put("METRICS_PIPELINE__HTTP__PROT", "1");
    ConfigException e = problems(loader(dir, env).build());
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("http.prot");
      assertThat(p.source()).isEqualTo("environment variable METRICS_PIPELINE__HTTP__PROT");
      assertThat(p.constraint()).contains("did you mean 'port'?");
    });
  }

  @Test
  void readsEverySectionIntoTheModel() throws Exception {
    write(dir, "jwks.json", "{\"keys\": []}");
    write(dir, "platform.yaml", PLATFORM + """
          rate_limits: {general: 50}
          auth:
            jwt:
              issuer: https://issuer.example
              audience: metrics
              jwks_file: jwks.json
              clock_skew: 30s
              scopes: {ingest: [metrics.write], admin: [metrics.admin]}
        event_types:
          - name: page_view
            primary_key: user_id
            dimensions: [device_type]
        aggregations:
          - name: views_per_minute
            type: count
            metric: page_view
            window: {type: tumbling, duration: 1 minute}
        streaming: {trigger_interval: 5s}
        visualization: {provider: memory}
        guard:
          failure_threshold: 5
          alerts: {log: false}
        """);
    RuntimeConfig c = loader(dir, env()).build().load();
    assertThat(c.http().bearerTokens()).containsExactly("tok-0123456789abcdef-0123456789");
    assertThat(c.http().rateLimits()).containsEntry(EndpointKind.GENERAL, 50).containsEntry(EndpointKind.HEALTH, 300);
    assertThat(c.http().jwt()).containsEntry("issuer", "https://issuer.example")
        .containsEntry("audience", "metrics").containsEntry("clock_skew", "30s")
        .containsEntry("jwks_file", dir.resolve("jwks.json").toAbsolutePath().toString())
        .containsEntry("scopes", Map.of("ingest", List.of("metrics.write"), "admin", List.of("metrics.admin")));
    assertThat(c.eventTypes()).containsKey("event_types");
    assertThat(c.aggregations()).hasValueSatisfying(a -> {
      assertThat(a.pipeline()).isEqualTo("main");
      assertThat(a.jobConfig()).containsEntry("trigger_interval", "5s").containsKey("aggregations");
    });
    assertThat(c.visualization()).hasValueSatisfying(v -> assertThat(v.provider()).isEqualTo("memory"));
    assertThat(c.guard()).hasValueSatisfying(g -> assertThat(g.failureThreshold()).isEqualTo(5));
    assertThat(c.secrets().backend()).isEqualTo("env");
    assertThat(loader(dir, env()).build().secretResolver(c).health().isHealthy()).isTrue();
    assertThat(c.toString()).doesNotContain("tok-0123456789abcdef-0123456789");
  }

  @Test
  void unknownKeysNameTheNearestKnownKeyAndTheFile() {
    write(dir, "platform.yaml", PLATFORM + "  prot: 1\npipline: {}\n");
    ConfigException e = problems(loader(dir, env()).build());
    assertThat(e.problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("http.prot");
      assertThat(p.constraint()).contains("did you mean 'port'?");
      assertThat(p.source()).isEqualTo(dir.resolve("platform.yaml").toString());
    });
    assertThat(e.problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("pipline");
      assertThat(p.constraint()).contains("did you mean 'pipelines'?");
    });
  }

  @Test
  void wrongTypesAndRangesNameTheFieldAndTheLayerThatSetIt() {
    write(dir, "platform.yaml", PLATFORM);
    write(dir, "environments/dev.yaml", """
        http: {port: 70000, enabled: maybe}
        pipelines: {main: {batch: {batch_size: many, processing_interval: 5}}}
        """);
    ConfigException e = problems(loader(dir, env()).env("dev").build());
    String dev = dir.resolve("environments/dev.yaml").toString();
    assertThat(e.problems()).extracting(ConfigProblem::path, ConfigProblem::constraint, ConfigProblem::source)
        .contains(
            org.assertj.core.groups.Tuple.tuple("http.port", "must be between 0 and 65535", dev),
            org.assertj.core.groups.Tuple.tuple("http.enabled", "must be true or false", dev),
            org.assertj.core.groups.Tuple.tuple("pipelines.main.batch.batch_size", "must be a whole number", dev),
            org.assertj.core.groups.Tuple.tuple("pipelines.main.batch.processing_interval",
                "must be a duration with a unit, such as 250ms, 5s, 2m, 1h, 7d or PT5S", dev));
  }

  @Test
  void missingRequiredValuesAreReported() {
    write(dir, "platform.yaml", "pipelines:\n  main:\n    channels:\n      - options: {}\n");
    ConfigException e = problems(loader(dir, env()).build());
    assertThat(e.problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("pipelines.main.channels[0].provider");
      assertThat(p.constraint()).isEqualTo("is required");
    });
  }

  @Test
  void aConfigWithoutPipelinesIsRejected() {
    write(dir, "platform.yaml", "http: {port: 8080}\n");
    assertThat(problems(loader(dir, env()).build()).problems())
        .anySatisfy(p -> assertThat(p.path()).isEqualTo("pipelines"));
  }

  @Test
  void unknownProvidersAndProviderOptionsAreNamedWithTheNearest() {
    write(dir, "platform.yaml", """
        pipelines:
          main:
            channels: [{provider: memroy}]
            storage: {provider: memory, options: {max-point: 10}}
        """);
    ConfigException e = problems(loader(dir, env()).build());
    assertThat(e.problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("pipelines.main.channels[0].provider");
      assertThat(p.constraint()).contains("did you mean 'memory'?");
    });
    assertThat(e.problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("pipelines.main.storage.options.max-point");
      assertThat(p.constraint()).contains("did you mean 'max-points'?");
    });
  }

  @Test
  void unresolvableReferencesShowTheReferenceNeverAValue() {
    write(dir, "platform.yaml", PLATFORM + "  bind_address: ${env:BIND}\n");
    ConfigException e = problems(loader(dir, Map.of()).build());
    assertThat(e.problems()).extracting(ConfigProblem::path, ConfigProblem::value)
        .contains(org.assertj.core.groups.Tuple.tuple("http.bearer_tokens[0]", "${secret:api_token}"),
            org.assertj.core.groups.Tuple.tuple("http.bind_address", "${env:BIND}"));
  }

  @Test
  void shortTokensAreReportedMasked() {
    write(dir, "platform.yaml", PLATFORM);
    ConfigException e = problems(loader(dir, Map.of("api_token", "short-secret")).build());
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("http.bearer_tokens[0]");
      assertThat(p.value()).isEqualTo("${secret:api_token}");
    });
    assertThat(e.getMessage()).doesNotContain("short-secret");
  }

  @Test
  void invalidYamlNamesTheFileAndLine() {
    write(dir, "platform.yaml", "pipelines:\n  main: {\n  bad\n");
    ConfigException e = problems(loader(dir, env()).build());
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.source()).isEqualTo(dir.resolve("platform.yaml").toString());
      assertThat(p.constraint()).startsWith("must be valid YAML at line");
    });
  }

  @Test
  void duplicateKeysInOneFileAreRejected() {
    write(dir, "platform.yaml", PLATFORM + "  port: 9\n");
    assertThat(problems(loader(dir, env()).build()).problems().get(0).constraint()).contains("Duplicate field 'port'");
  }

  @Test
  void anEnvironmentAskedForMustExist() {
    write(dir, "platform.yaml", PLATFORM);
    ConfigException e = problems(loader(dir, env()).env("staging").build());
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.source()).endsWith("environments/staging.yaml");
      assertThat(p.constraint()).contains("environment staging was asked for");
    });
  }

  @Test
  void invalidAggregationsAreReportedByTheStreamingJobsOwnParser() {
    write(dir, "platform.yaml", PLATFORM + """
        aggregations:
          - {name: x, type: median, metric: m, window: {duration: 1 minute}}
        """);
    assertThat(problems(loader(dir, env()).build()).problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("aggregations");
      assertThat(p.constraint()).contains("aggregations[0]").contains("type must be one of");
    });
  }

  @Test
  void guardProblemsComeFromTheGuardsParserUnderTheGuardPath() {
    write(dir, "platform.yaml", PLATFORM + "guard:\n  failure_treshold: 3\n  check_interval_seconds: -1\n");
    ConfigException e = problems(loader(dir, env()).build());
    assertThat(e.problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("guard.failure_treshold");
      assertThat(p.constraint()).contains("did you mean 'failure_threshold'?");
      assertThat(p.source()).endsWith("platform.yaml");
    });
    assertThat(e.problems()).anySatisfy(p -> assertThat(p.path()).isEqualTo("guard.check_interval_seconds"));
  }

  @Test
  void theGuardsOwnHttpKeysAreRefusedPointingToTheHttpSection() {
    write(dir, "platform.yaml", PLATFORM + "guard:\n  http: {port: 9090}\n");
    assertThat(problems(loader(dir, env()).build()).problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("guard.http");
      assertThat(p.constraint()).contains("http.port, http.bind_address and http.bearer_tokens");
      assertThat(p.source()).endsWith("platform.yaml");
    });
  }

  private static final String AGGREGATION = """
      aggregations:
        - {name: per_minute, type: count, metric: m, window: {type: tumbling, duration: 1 minute}, group_by: [host]}
      """;

  @Test
  void aStreamingSinkIsReadWithItsTableAndADefaultMapping() {
    write(dir, "platform.yaml", PLATFORM + AGGREGATION + """
        streaming:
          sink:
            provider: postgres
            options: {url: "jdbc:postgresql://127.0.0.1/x"}
            table: per_minute
            columns:
              - {name: window_start, type: timestamp, nullable: false}
              - {name: host, type: string}
              - {name: count, type: long}
            primary_key: [window_start, host]
        """);
    StreamingSinkConfig sink = loader(dir, env()).build().load().aggregations().orElseThrow().sink().orElseThrow();
    assertThat(sink.sink().provider()).isEqualTo("postgres");
    assertThat(sink.table().name()).isEqualTo("per_minute");
    assertThat(sink.table().key()).containsExactly("window_start", "host");
    assertThat(sink.mapping()).isEqualTo(Map.of("window.start", "window_start", "host", "host", "count", "count"));
  }

  @Test
  void streamingSinkProblemsNameTheirField() {
    write(dir, "platform.yaml", PLATFORM + AGGREGATION + """
        streaming:
          sink:
            provider: postgress
            columns:
              - {name: host, type: text, width: 3}
            mapping: {value: total}
        """);
    assertThat(problems(loader(dir, env()).build()).problems()).extracting(ConfigProblem::path)
        .contains("streaming.sink.provider", "streaming.sink.table", "streaming.sink.columns[0].width",
            "streaming.sink.columns[0].type");
    write(dir, "platform.yaml", PLATFORM + AGGREGATION + """
        streaming:
          sink:
            provider: postgres
            table: per_minute
            columns: [{name: host, type: string}]
            mapping: {value: total}
        """);
    assertThat(problems(loader(dir, env()).build()).problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("streaming.sink.mapping.value");
      assertThat(p.constraint()).contains("must be a column of streaming.sink.columns").contains("[host]");
    });
  }

  @Test
  void jwtNeedsAKeySourceAndALongEnoughHmacSecret() {
    write(dir, "platform.yaml", PLATFORM + "  auth: {jwt: {issuer: x}}\n");
    assertThat(problems(loader(dir, env()).build()).problems())
        .anySatisfy(p -> assertThat(p.constraint()).contains("needs a key: jwks_file, hmac_secret or public_key_file"));
    write(dir, "platform.yaml", PLATFORM + "  auth: {jwt: {hmac_secret: \"${secret:h}\"}}\n");
    Map<String, String> env = new java.util.HashMap<>(env());
    env.put("h", "too-short");
    assertThat(problems(loader(dir, env).build()).problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("http.auth.jwt.hmac_secret");
      assertThat(p.value()).isEqualTo("${secret:h}");
    });
  }

  @Test
  void secretsComeFromAFileBackendNamedInTheConfig() throws Exception {
    Path secrets = write(dir, "secrets.yaml", "api_token: tok-0123456789abcdef-0123456789\nch: " + SECRET + "\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    write(dir, "platform.yaml", PLATFORM + """
        secrets: {backend: file, file: secrets.yaml}
        """);
    RuntimeConfig c = loader(dir, Map.of()).build().load();
    assertThat(c.http().bearerTokens()).containsExactly("tok-0123456789abcdef-0123456789");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-r--r--"));
    ConfigException e = problems(loader(dir, Map.of()).build());
    assertThat(e.getMessage()).contains("chmod 600").doesNotContain("tok-0123456789abcdef");
  }

  @Test
  void theSecretsSectionMayNotReferenceSecrets() {
    write(dir, "platform.yaml", PLATFORM + "secrets: {backend: file, file: \"${secret:where}\"}\n");
    assertThat(problems(loader(dir, env()).build()).problems())
        .anySatisfy(p -> assertThat(p.path()).isEqualTo("secrets.file"));
  }

  @Test
  void problemsNameTheLineThatDeclaresTheFieldInTheFileItCameFrom() {
    write(dir, "platform.yaml", PLATFORM);
    write(dir, "environments/dev.yaml", "# dev\nhttp:\n  rate_limits:\n    general: 0\n  port: lots\n");
    ConfigException e = problems(loader(dir, env()).env("dev").build());
    assertThat(e.problems()).extracting(ConfigProblem::path, ConfigProblem::line)
        .contains(org.assertj.core.groups.Tuple.tuple("http.rate_limits.general", 4),
            org.assertj.core.groups.Tuple.tuple("http.port", 5));
    assertThat(e.problems().get(0).toString()).contains("dev.yaml:");
  }

  @Test
  void problemsRenderInSeed001sErrorBody() {
    write(dir, "platform.yaml", "pipelines: {main: {batch: {batch_size: 0}}}\n");
    ConfigException e = problems(loader(dir, env()).build());
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    assertThat(e.toErrorBody(clock)).isEqualTo(Map.of("error", Map.of(
        "type", "ConfigurationError",
        "message", "Invalid configuration parameter",
        "details", Map.of("parameter", "pipelines.main.batch.batch_size", "value", "0",
            "constraint", "must be between 1 and 100000", "file", dir.resolve("platform.yaml").toString(), "line", 1),
        "timestamp", "2026-01-01T00:00:00Z")));
  }
}
