package org.metricspipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.core.config.SecretException;
import org.metricspipeline.core.config.SecretResolver;
import org.metricspipeline.runtime.internal.VaultSecretResolver;

/**
 * The vault backend against a stand-in that answers as Vault's KV v2 API is documented
 * (https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2, "Read secret version"): 200 with
 * {@code {"request_id", "lease_id", "renewable", "lease_duration", "data": {"data": {..}, "metadata":
 * {"created_time", "custom_metadata", "deletion_time", "destroyed", "version"}}, "wrap_info",
 * "warnings", "auth"}}, 404 {@code {"errors": []}} for a path without a secret, 403
 * {@code {"errors": ["permission denied"]}} for a bad token; {@code sys/health} 200 or 503 sealed.
 */
class VaultSecretResolverTest {

  private static final String TOKEN = "hvs.test-token";
  private static final String PASSWORD = "vault-held-password-never-shown";

  private HttpServer server;
  private volatile boolean sealed;
  private final List<String> namespaces = new CopyOnWriteArrayList<>();

  @TempDir
  Path dir;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    String token = x.getRequestHeaders().getFirst("X-Vault-Token");
    Optional.ofNullable(x.getRequestHeaders().getFirst("X-Vault-Namespace")).ifPresent(namespaces::add);
    if (path.equals("/v1/sys/health")) {
      answer(x, sealed ? 503 : 200, "{\"initialized\":true,\"sealed\":" + sealed + ",\"standby\":false}");
    } else if (!TOKEN.equals(token)) {
      answer(x, 403, "{\"errors\":[\"permission denied\"]}");
    } else if (path.equals("/v1/auth/token/lookup-self")) {
      answer(x, 200, "{\"data\":{\"id\":\"" + TOKEN + "\",\"policies\":[\"default\"]}}");
    } else if (path.equals("/v1/secret/data/metrics-pipeline")) {
      answer(x, 200, version("{\"db_password\":\"" + PASSWORD + "\",\"nested\":\"${secret:db_password}\"}"));
    } else if (path.equals("/v1/secret/data/other/app")) {
      answer(x, 200, version("{\"key\":\"other-value\"}"));
    } else {
      answer(x, 404, "{\"errors\":[]}");
    }
  }

  private static String version(String data) {
    return "{\"request_id\":\"5f1b\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,\"data\":{\"data\":" + data
        + ",\"metadata\":{\"created_time\":\"2026-01-01T00:00:00.000000Z\",\"custom_metadata\":null,"
        + "\"deletion_time\":\"\",\"destroyed\":false,\"version\":2}},\"wrap_info\":null,\"warnings\":null,\"auth\":null}";
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private VaultSecretResolver vault(String token) {
    return new VaultSecretResolver(url(), token, "secret", "metrics-pipeline", Optional.of("team-a"), Duration.ofSeconds(5));
  }

  @Test
  void readsAFieldOfTheConfiguredPathAndOfAnotherPath() {
    SecretResolver v = vault(TOKEN);
    assertThat(v.lookup("db_password")).contains(PASSWORD);
    assertThat(v.lookup("other/app#key")).contains("other-value");
    assertThat(v.lookup("absent_field")).isEmpty();
    assertThat(namespaces).contains("team-a");
  }

  @Test
  void aPathWithoutASecretHasNoKeys() {
    assertThat(vault(TOKEN).lookup("no/such/path#key")).isEmpty();
  }

  @Test
  void aRefusedTokenIsAnErrorNamingThePathNotTheToken() {
    assertThatThrownBy(() -> vault("wrong-token").lookup("db_password")).isInstanceOf(SecretException.class)
        .hasMessageContaining("403").hasMessageContaining("secret/metrics-pipeline").hasMessageNotContaining("wrong-token");
  }

  @Test
  void healthChecksTheServerAndTheToken() {
    assertThat(vault(TOKEN).health().isHealthy()).isTrue();
    assertThat(vault("wrong-token").health().details().get("reason").toString()).contains("refused the token");
    sealed = true;
    assertThat(vault(TOKEN).health().details().get("reason").toString()).contains("sealed");
  }

  @Test
  void anUnreachableVaultIsUnhealthy() {
    server.stop(0);
    assertThat(vault(TOKEN).health().isHealthy()).isFalse();
  }

  @Test
  void theLoaderResolvesReferencesThroughVaultIncludingNestedOnes() {
    ConfigDirs.write(dir, "platform.yaml", """
        pipelines: {main: {storage: {provider: memory}}}
        http: {bearer_tokens: ["${secret:nested}"]}
        secrets:
          backend: vault
          vault: {url: "%s", token: "${env:VAULT_TOKEN}"}
        """.formatted(url()));
    RuntimeConfig c = ConfigDirs.loader(dir, Map.of("VAULT_TOKEN", TOKEN)).build().load();
    assertThat(c.http().bearerTokens()).containsExactly(PASSWORD);
    assertThat(c.secrets().toString()).doesNotContain(TOKEN);
  }

  @Test
  void theLoaderReportsAMissingVaultKeyWithTheReference() {
    ConfigDirs.write(dir, "platform.yaml", """
        pipelines: {main: {storage: {provider: memory}}}
        http: {bearer_tokens: ["${secret:api_token}"]}
        secrets:
          backend: vault
          vault: {url: "%s", token: "${env:VAULT_TOKEN}"}
        """.formatted(url()));
    ConfigException e = ConfigDirs.problems(ConfigDirs.loader(dir, Map.of("VAULT_TOKEN", TOKEN)).build());
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("http.bearer_tokens[0]");
      assertThat(p.value()).isEqualTo("${secret:api_token}");
      assertThat(p.constraint()).contains("vault secret backend lacks");
    });
  }
}
