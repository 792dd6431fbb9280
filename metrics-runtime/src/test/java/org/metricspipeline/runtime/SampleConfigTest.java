package org.metricspipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleConfigTest {

  @TempDir
  Path dir;

  @Test
  void writtenDirectoryLoadsInEveryEnvironmentAndTheDomain() throws Exception {
    SampleConfig.write(dir);
    for (String f : SampleConfig.FILES) {
      assertThat(Files.readString(dir.resolve(f))).isEqualTo(SampleConfig.text(f));
    }
    RuntimeConfig base = ConfigLoader.builder().configDir(dir).environmentVariables(Map.of()).build().load();
    assertThat(base.requirePipeline("main").storage().provider()).isEqualTo("memory");
    assertThat(base.http().port()).isEqualTo(8080);
    for (String env : new String[] {"dev", "prod"}) {
      RuntimeConfig c = ConfigLoader.builder().configDir(dir).env(env).domain("shop")
          .environmentVariables(Map.of("HTTP_TOKEN", "a-long-enough-sample-token-0123456789")).build().load();
      assertThat(c.files()).hasSize(3);
    }
  }

  @Test
  void unknownFileIsRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> SampleConfig.text("other.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("platform.yaml").hasMessageContaining("other.yaml");
  }
}
