package org.metricspipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks Prometheus text with the real {@code promtool check metrics} (Debian's {@code prometheus}
 * package; {@code scripts/promtool.sh} installs it and prints its path, {@code scripts/verify.sh}
 * exports it as {@code PROMTOOL}). Without promtool a test fails under {@code CI=true} and is
 * skipped, saying how to get it, elsewhere.
 */
public final class Promtool {

  private Promtool() {}

  /**
   * Asserts that {@code promtool check metrics} finds no error and no lint problem in {@code text}.
   */
  public static void assertValid(String text) {
    Path promtool = locate();
    try {
      Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
      CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      try (OutputStream in = p.getOutputStream()) {
        in.write(text.getBytes(StandardCharsets.UTF_8));
      }
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
      assertThat(output.get()).as("promtool output for:\n" + text).isEmpty();
      assertThat(p.exitValue()).as("promtool exit code").isZero();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while promtool ran", e);
    } catch (ExecutionException e) {
      throw new AssertionError("reading promtool's output failed", e);
    }
  }

  /** The promtool binary: {@code PROMTOOL}, else the first on {@code PATH}. */
  public static Path locate() {
    String env = System.getenv("PROMTOOL");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
      return Path.of(env);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String how = "promtool is missing: run scripts/promtool.sh (installs Debian's prometheus package) "
        + "or scripts/verify.sh, which exports PROMTOOL";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(how);
    }
    Assumptions.abort(how + " (skipped because CI is not \"true\")");
    throw new AssertionError(how);
  }

  private static String read(InputStream in) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "reading promtool output failed: " + e;
    }
  }
}
