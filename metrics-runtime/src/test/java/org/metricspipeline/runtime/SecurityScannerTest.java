package org.metricspipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityScannerTest {

  @TempDir
  Path dir;

  private static final String CLEAN = """
      pipelines:
        main:
          channels:
            - provider: sqs
              options: {queue-url: "https://sqs.eu-west-1.amazonaws.com/1/q", endpoint: "https://sqs.eu-west-1.amazonaws.com"}
            - provider: kafka
              options: {bootstrap-servers: "kafka-1.internal:9093", kafka.security.protocol: SSL}
          storage:
            provider: clickhouse
            options: {url: "https://ch.internal:8443", password: "${secret:ch_password}"}
      visualization:
        provider: metabase
        options: {url: "https://metabase.internal", api-key: "${secret:metabase_key}"}
      http:
        bind_address: 0.0.0.0
        bearer_tokens: ["${secret:api_token}"]
      guard:
        alerts: {slack_webhook_url: "${secret:slack}"}
      """;

  private SecurityReport scan(String yaml) {
    ConfigDirs.write(dir, "platform.yaml", yaml);
    return SecurityScanner.create().scan(ConfigDirs.loader(dir, Map.of()).build().merge());
  }

  private SecurityFinding only(SecurityReport r) {
    assertThat(r.findings()).hasSize(1);
    return r.findings().get(0);
  }

  @Test
  void aCleanConfigHasNoFindings() {
    SecurityReport r = scan(CLEAN);
    assertThat(r.findings()).isEmpty();
    assertThat(r.hasHigh()).isFalse();
  }

  @Test
  void noAuthenticationBeyondLoopbackIsHigh() {
    SecurityFinding f = only(scan(CLEAN.replace("  bearer_tokens: [\"${secret:api_token}\"]\n", "")));
    assertThat(f.check()).isEqualTo("no-auth");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.path()).isEqualTo("http.bind_address");
    assertThat(f.fix()).contains("bearer_tokens");
  }

  @Test
  void noAuthenticationOnLoopbackIsFine() {
    assertThat(scan(CLEAN.replace("  bearer_tokens: [\"${secret:api_token}\"]\n", "")
        .replace("0.0.0.0", "127.0.0.1")).findings()).isEmpty();
  }

  @Test
  void rateLimitsOffIsAFinding() {
    SecurityFinding f = only(scan(CLEAN.replace("  bind_address: 0.0.0.0\n", "  bind_address: 0.0.0.0\n  rate_limits: {enabled: false}\n")));
    assertThat(f.check()).isEqualTo("rate-limits-off");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void aPlainTextSecretIsHighAndNeverEchoed() {
    SecurityReport r = scan(CLEAN.replace("\"${secret:ch_password}\"", "hunter2-plain-password"));
    SecurityFinding f = only(r);
    assertThat(f.check()).isEqualTo("plaintext-secret");
    assertThat(f.path()).isEqualTo("pipelines.main.storage.options.password");
    assertThat(f.toString()).doesNotContain("hunter2");
    assertThat(r.hasHigh()).isTrue();
    assertThat(r.hasHigh()).isTrue();
  }

  @Test
  void aSecretsFileOthersMayReadIsHigh() throws Exception {
    Path secrets = ConfigDirs.write(dir, "secrets.yaml", "api_token: x\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-r--r--"));
    SecurityFinding f = only(scan(CLEAN + "secrets: {backend: file, file: secrets.yaml}\n"));
    assertThat(f.check()).isEqualTo("secrets-file-readable");
    assertThat(f.fix()).startsWith("chmod 600");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    assertThat(scan(CLEAN + "secrets: {backend: file, file: secrets.yaml}\n").findings()).isEmpty();
  }

  @Test
  void aPlainHttpWebhookToAnotherHostIsHigh() {
    SecurityReport r = scan(CLEAN.replace("{slack_webhook_url: \"${secret:slack}\"}",
        "{slack_webhook_url: \"${secret:slack}\", webhook_url: \"http://hooks.example.net/x\"}"));
    assertThat(r.findings()).extracting(SecurityFinding::check, SecurityFinding::path)
        .contains(org.assertj.core.groups.Tuple.tuple("plain-http-url", "guard.alerts.webhook_url"));
    assertThat(scan(CLEAN.replace("{slack_webhook_url: \"${secret:slack}\"}",
        "{webhook_url: \"${env:HOOK}\"}")).findings()).isEmpty();
  }

  @Test
  void aPlainHttpMetabaseUrlToAnotherHostIsHigh() {
    SecurityFinding f = only(scan(CLEAN.replace("https://metabase.internal", "http://metabase.internal")));
    assertThat(f.check()).isEqualTo("plain-http-url");
    assertThat(f.path()).isEqualTo("visualization.options.url");
  }

  @Test
  void aDefaultTokenIsHigh() {
    SecurityReport r = scan(CLEAN.replace("\"${secret:api_token}\"", "changeme"));
    assertThat(r.findings()).extracting(SecurityFinding::check).contains("default-token");
  }

  @Test
  void aShortTokenIsMedium() {
    SecurityReport r = scan(CLEAN.replace("\"${secret:api_token}\"", "abcdef0123456789"));
    assertThat(r.findings()).extracting(SecurityFinding::check, SecurityFinding::severity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("plaintext-secret", Severity.HIGH),
            org.assertj.core.groups.Tuple.tuple("short-token", Severity.MEDIUM));
  }

  @Test
  void tlsOffForARemoteSqsEndpointIsHigh() {
    SecurityFinding f = only(scan(CLEAN.replace("endpoint: \"https://sqs", "endpoint: \"http://sqs")));
    assertThat(f.check()).isEqualTo("tls-off");
    assertThat(f.path()).isEqualTo("pipelines.main.channels[0].options.endpoint");
  }

  @Test
  void tlsOffForRemoteKafkaBrokersIsHigh() {
    SecurityFinding f = only(scan(CLEAN.replace(", kafka.security.protocol: SSL", "")));
    assertThat(f.check()).isEqualTo("tls-off");
    assertThat(f.path()).isEqualTo("pipelines.main.channels[1].options.bootstrap-servers");
  }

  @Test
  void tlsOffForARemoteClickHouseIsHigh() {
    SecurityFinding f = only(scan(CLEAN.replace("https://ch.internal:8443", "http://ch.internal:8123")));
    assertThat(f.check()).isEqualTo("tls-off");
    assertThat(f.path()).isEqualTo("pipelines.main.storage.options.url");
  }

  @Test
  void loopbackEndpointsWithoutTlsAreFine() {
    assertThat(scan(CLEAN.replace("https://ch.internal:8443", "http://127.0.0.1:8123")
        .replace("kafka-1.internal:9093\", kafka.security.protocol: SSL", "localhost:9092\"")).findings()).isEmpty();
  }
}
