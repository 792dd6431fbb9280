package org.metricspipeline.adapters.metabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The adapter works as a named module: a JVM with it (and its dependencies) on the module path finds
 * the provider with ServiceLoader and talks to Metabase through OkHttp, whose Kotlin and okio jars
 * must resolve there too.
 */
class ModulePathIT {

  @Test
  void theAdapterRunsOnTheModulePath() throws Exception {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> modules = new ArrayList<>();
    String testClasses = null;
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.endsWith("test-classes")) {
        testClasses = entry;
      } else if (!entry.contains("surefire") && !entry.contains("failsafe")) {
        modules.add(entry);
      }
    }
    assertThat(testClasses).as("test classes on " + classPath).isNotNull();
    try (FakeMetabase fake = new FakeMetabase()) {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-p", String.join(File.pathSeparator, modules), "--add-modules", "org.metricspipeline.adapters.metabase",
          "-cp", testClasses, "org.metricspipeline.adapters.modulepath.ModulePathMain", fake.url())
          .redirectErrorStream(true).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(out).contains("module=org.metricspipeline.adapters.metabase health=HEALTHY");
      assertThat(p.exitValue()).as(out).isZero();
    }
  }
}
