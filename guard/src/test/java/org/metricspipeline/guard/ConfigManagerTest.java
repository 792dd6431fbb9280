package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.core.config.ConfigProblem;

class ConfigManagerTest {

  private static final String SLACK = "https://hooks.example.test/services/T0/B0/s3cr3tSlackValue";
  private static final String TOKEN = "tok-0123456789abcdef-SECRET";

  @TempDir
  Path dir;

  private ConfigManager manager() throws Exception {
    Files.writeString(dir.resolve("secrets.yaml"), "slack_webhook: " + SLACK + "\napi_token: " + TOKEN + "\n");
    // a secrets file others may read is refused (seed 002's file backend, core's SecretResolver.file)
    Files.setPosixFilePermissions(dir.resolve("secrets.yaml"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return ConfigManager.builder().environment(Map.of("GUARD_PORT", "9090"))
        .secretsFile(dir.resolve("secrets.yaml")).build();
  }

  @Test
  void theSampleLoadsAsTheDefaults() throws Exception {
    Path sample = dir.resolve("sample.yaml");
    manager().writeSample(sample);
    assertThat(Files.readString(sample)).contains("# Metrics Pipeline guard configuration");
    assertThat(manager().load(sample)).isEqualTo(GuardConfig.defaults());
  }

  @Test
  void resolvesEnvAndSecretReferences() throws Exception {
    GuardConfig c = manager().parse("""
        failure_threshold: 5
        http:
          port: ${env:GUARD_PORT}
          bearer_tokens: ["${secret:api_token}"]
        alerts:
          slack_webhook_url: ${secret:slack_webhook}
        """, dir);
    assertThat(c.failureThreshold()).isEqualTo(5);
    assertThat(c.httpPort()).isEqualTo(9090);
    assertThat(c.bearerTokens()).containsExactly(TOKEN);
    assertThat(c.slackWebhookUrl()).contains(URI.create(SLACK));
    assertThat(c.references()).containsEntry("alerts.slack_webhook_url", "${secret:slack_webhook}");
  }

  @Test
  void listsEveryProblemWithItsFieldPath() throws Exception {
    GuardConfigException e = catchThrowableOfType(GuardConfigException.class, () -> manager().parse("""
        check_interval_seconds: -1
        failure_threshold: many
        recovery:
          max_attempts: 0
        alerts:
          webhook_url: ${env:MISSING_URL}
        baselines:
          method: fourier
        colector:
          interval_seconds: 5
        """, dir));
    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
        "check_interval_seconds", "failure_threshold", "recovery.max_attempts", "alerts.webhook_url",
        "baselines.method", "colector");
    assertThat(e.problems()).filteredOn(p -> p.path().equals("check_interval_seconds")).singleElement()
        .satisfies(p -> {
          assertThat(p.value()).isEqualTo("-1");
          assertThat(p.constraint()).isEqualTo("must be positive");
        });
    assertThat(e.problems()).filteredOn(p -> p.path().equals("alerts.webhook_url")).singleElement()
        .satisfies(p -> assertThat(p.constraint()).contains("MISSING_URL, which is not set"));
    assertThat(e.getMessage()).startsWith("6 configuration problems");
  }

  @Test
  void theErrorBodyFollowsSeed001() throws Exception {
    GuardConfigException e = catchThrowableOfType(GuardConfigException.class,
        () -> manager().parse("check_interval_seconds: -1\n", dir));
    Map<String, Object> body = e.toErrorBody(Clock.fixed(Instant.parse("2024-01-15T10:30:00Z"), ZoneOffset.UTC));
    assertThat(body).isEqualTo(Map.of("error", Map.of("type", "ConfigurationError",
        "message", "Invalid configuration parameter",
        "details", Map.of("parameter", "check_interval_seconds", "value", "-1", "constraint", "must be positive"),
        "timestamp", "2024-01-15T10:30:00Z")));
  }

  @Test
  void secretsAreNeverEchoedInProblemsStatusOrSavedFiles() throws Exception {
    ConfigManager m = manager();
    GuardConfigException e = catchThrowableOfType(GuardConfigException.class, () -> m.parse("""
        http:
          bearer_tokens: ["${secret:slack_webhook}", "short"]
          port: ${secret:api_token}
        alerts:
          webhook_url: "ftp://${secret:api_token}"
        """, dir));
    String everything = e.getMessage() + e.problems() + e.toErrorBody(Clock.systemUTC());
    assertThat(everything).doesNotContain(TOKEN).doesNotContain(SLACK).doesNotContain("short")
        .contains("${secret:api_token}");

    GuardConfig c = m.parse("""
        http:
          bearer_tokens: ["${secret:api_token}"]
        alerts:
          slack_webhook_url: ${secret:slack_webhook}
        """, dir);
    assertThat(c.toString()).doesNotContain(TOKEN).doesNotContain(SLACK).contains("****");
    Path saved = dir.resolve("saved.yaml");
    m.save(c, saved);
    assertThat(Files.readString(saved)).doesNotContain(TOKEN).doesNotContain(SLACK)
        .contains("${secret:api_token}").contains("${secret:slack_webhook}");
    assertThat(m.load(saved)).isEqualTo(c);
  }

  @Test
  void aGuardBuiltFromConfigUsesItsThresholds() throws Exception {
    GuardConfig c = manager().parse("failure_threshold: 1\ncheck_interval_seconds: 10\n", dir);
    try (SelfHealingPipelineGuard g = c.applyTo(SelfHealingPipelineGuard.builder())
        .component("db", HealthCheck.of(() -> org.metricspipeline.api.HealthCheckResult.unhealthy("down")))
        .build()) {
      assertThat(g.runDueChecks().component("db").orElseThrow().state()).isEqualTo(ComponentState.CRITICAL);
    }
    assertThat(c.checkInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.notifiers()).hasSize(1);
    assertThat(ConfigManager.validate(c)).isEmpty();
    assertThat(ConfigManager.validate(new GuardConfig(Duration.ZERO, c.checkTimeout(), 0, 2, 2, 3,
        c.recoveryBackoff(), "", 70000, List.of(), true, java.util.Optional.empty(), java.util.Optional.empty(),
        Baselines.Method.EWMA, 60, 3.5, 3, c.collectorInterval(), Map.of())))
        .extracting(ConfigProblem::path)
        .containsExactly("check_interval_seconds", "failure_threshold", "http.host", "http.port");
  }

  @Test
  void refusesASecretsFileThatOthersMayRead() throws Exception {
    Path secrets = dir.resolve("open-secrets.yaml");
    Files.writeString(secrets, "api_token: " + TOKEN + "\n");
    Files.setPosixFilePermissions(secrets, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> ConfigManager.builder().environment(Map.of()).build()
        .parse("secrets_file: open-secrets.yaml\nhttp:\n  bearer_tokens: [\"${secret:api_token}\"]\n", dir))
        .isInstanceOf(GuardConfigException.class)
        .satisfies(e -> assertThat(((GuardConfigException) e).problems()).extracting(ConfigProblem::path)
            .contains("secrets_file"))
        .hasMessageContaining("chmod 600")
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void resolvesSecretsThroughAnyBackendGivenToTheBuilder() {
    ConfigManager m = ConfigManager.builder().environment(Map.of())
        .secrets(org.metricspipeline.core.config.SecretResolver.environment(Map.of("api_token", TOKEN))).build();
    GuardConfig c = m.parse("http:\n  bearer_tokens: [\"${secret:api_token}\"]\n", dir);
    assertThat(c.bearerTokens()).containsExactly(TOKEN);
    assertThat(c.references()).containsEntry("http.bearer_tokens[0]", "${secret:api_token}");
  }
}
