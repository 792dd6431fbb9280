package org.metricspipeline.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {

  private static final String VALUE = "s3cr3t-value-never-shown";

  @TempDir
  Path dir;

  private Path privateFile(String name, String content) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @Test
  void envBackendReadsTheVariableOfTheSameName() {
    SecretResolver env = SecretResolver.environment(Map.of("db_password", VALUE));
    assertThat(env.lookup("db_password")).contains(VALUE);
    assertThat(env.lookup("other")).isEmpty();
    assertThat(env.health().isHealthy()).isTrue();
  }

  @Test
  void fileBackendReadsNestedYamlAsDottedKeys() throws Exception {
    SecretResolver file = SecretResolver.file(privateFile("s.yaml", "db:\n  password: " + VALUE + "\ntoken: abc\n"));
    assertThat(file.lookup("db.password")).contains(VALUE);
    assertThat(file.lookup("token")).contains("abc");
    assertThat(file.health().isHealthy()).isTrue();
  }

  @Test
  void fileBackendReadsProperties() throws Exception {
    SecretResolver file = SecretResolver.file(privateFile("s.properties", "db_password=" + VALUE + "\n"));
    assertThat(file.lookup("db_password")).contains(VALUE);
  }

  @Test
  void fileBackendRefusesAFileGroupOrOthersMayRead() throws Exception {
    Path f = privateFile("open.yaml", "token: " + VALUE + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    SecretResolver file = SecretResolver.file(f);
    assertThatThrownBy(() -> file.lookup("token")).isInstanceOf(SecretException.class)
        .hasMessageContaining("chmod 600").hasMessageNotContaining(VALUE);
    assertThat(file.health().isHealthy()).isFalse();
    assertThat(file.health().details().toString()).contains("group or others").doesNotContain(VALUE);
  }

  @Test
  void fileBackendReportsAMissingFileAsUnhealthy() {
    assertThat(SecretResolver.file(dir.resolve("absent.yaml")).health().isHealthy()).isFalse();
  }

  @Test
  void resolvesEnvAndSecretReferencesInsideText() {
    References refs = References.builder().environment(Map.of("HOST", "db.local"))
        .secrets(SecretResolver.environment(Map.of("pw", VALUE))).build();
    assertThat(refs.resolve("url", "jdbc://${env:HOST}/x?p=${secret:pw}")).isEqualTo("jdbc://db.local/x?p=" + VALUE);
    assertThat(refs.resolve("plain", "no references")).isEqualTo("no references");
  }

  @Test
  void resolvesReferencesInsideResolvedValues() {
    References refs = References.builder().environment(Map.of())
        .secrets(SecretResolver.environment(Map.of("a", "${secret:b}", "b", VALUE))).build();
    assertThat(refs.resolve("f", "${secret:a}")).isEqualTo(VALUE);
  }

  @Test
  void reportsACycleWithTheReferencesNeverTheValues() {
    References refs = References.builder().environment(Map.of())
        .secrets(SecretResolver.environment(Map.of("a", "x${secret:b}", "b", "y${secret:a}"))).build();
    assertThatThrownBy(() -> refs.resolve("f", "${secret:a}")).isInstanceOf(SecretException.class)
        .hasMessageContaining("cycle").hasMessageContaining("${secret:a} -> ${secret:b} -> ${secret:a}");
  }

  @Test
  void stopsAtTheDepthBound() {
    References refs = References.builder().environment(Map.of()).maxDepth(2)
        .secrets(SecretResolver.environment(Map.of("a", "${secret:b}", "b", "${secret:c}", "c", VALUE))).build();
    assertThatThrownBy(() -> refs.resolve("f", "${secret:a}")).hasMessageContaining("deeper than 2");
  }

  @Test
  void aMissingReferenceNamesTheFieldAndTheReference() {
    References refs = References.builder().environment(Map.of()).secrets(SecretResolver.environment(Map.of())).build();
    assertThatThrownBy(() -> refs.resolve("http.port", "${env:PORT}"))
        .hasMessage("http.port: ${env:PORT} names environment variable PORT, which is not set");
    assertThatThrownBy(() -> refs.resolve("db.password", "${secret:pw}"))
        .hasMessageContaining("${secret:pw}").hasMessageContaining("env secret backend lacks");
  }
}
