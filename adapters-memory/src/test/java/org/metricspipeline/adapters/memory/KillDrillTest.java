package org.metricspipeline.adapters.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.MetricsQuery;

/**
 * Kill -9 drills: a child JVM ({@link KillDrillWriter}) stores points into a data directory and
 * is killed (SIGKILL) at a random moment, several times over the same directory; afterwards every
 * point it saw acknowledged must be there.
 */
class KillDrillTest {

  private static final int ROUNDS = 4;

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(FsyncPolicy.class)
  void losesNoAcknowledgedPointWhenKilledAtRandomMoments(FsyncPolicy fsync) throws Exception {
    Random random = new Random(fsync.ordinal() * 31L + System.nanoTime());
    Map<String, Long> acknowledged = new LinkedHashMap<>(); // run -> highest acknowledged sequence
    for (int round = 0; round < ROUNDS; round++) {
      String run = "r" + round;
      int killAfter = 1 + random.nextInt(120);
      Process child = new ProcessBuilder(javaCommand(KillDrillWriter.class.getName(), dir.toString(),
          fsync.name(), run)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        int acks = 0;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("ACK ")) {
            String[] f = line.split(" ");
            acknowledged.put(f[1], Long.parseLong(f[3]));
            if (++acks == killAfter) {
              break;
            }
          }
        }
        assertThat(acks).as("acknowledgements before the kill in round %d", round).isEqualTo(killAfter);
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
      }
    }

    try (InMemoryStorageAdapter storage = InMemoryStorageAdapter.builder().dataDir(dir).build()) {
      for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
        Set<Long> found = new HashSet<>();
        for (MetricsData item : storage.query(MetricsQuery.builder().metricNames(List.of("drill"))
            .tags(Map.of("run", e.getKey())).limit(100_000).build()).join()) {
          found.add((long) item.metrics().get(0).value());
        }
        List<Long> lost = new ArrayList<>();
        for (long seq = 0; seq <= e.getValue(); seq++) {
          if (!found.contains(seq)) {
            lost.add(seq);
          }
        }
        assertThat(lost).as("acknowledged points of run %s lost (acknowledged up to %d)", e.getKey(), e.getValue())
            .isEmpty();
      }
    }
  }

  /** A command that runs {@code mainClass} in a fresh JVM on this test's class and module path. */
  static List<String> javaCommand(String mainClass, String... args) {
    String classPath = System.getProperty("java.class.path", "");
    String modulePath = System.getProperty("jdk.module.path", "");
    String path = modulePath.isEmpty() ? classPath : classPath + File.pathSeparator + modulePath;
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", path, mainClass));
    command.addAll(List.of(args));
    return command;
  }
}
