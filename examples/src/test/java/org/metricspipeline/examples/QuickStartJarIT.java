package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the shaded jar the way a newcomer does ({@code java -jar target/metrics-examples.jar}) in a
 * separate JVM, after {@code package} built it. Without arguments it serves until stopped, so the
 * serving test picks a free port and stops it with SIGTERM; the others run {@code --once} or fail
 * on their arguments, and are stopped after {@value #TIMEOUT_SECONDS} s should they not end.
 */
class QuickStartJarIT {

  private static final long TIMEOUT_SECONDS = 120;

  /** The jar, as failsafe passes it; falls back to the conventional path. */
  private static Path jar() {
    Path jar = Paths.get(System.getProperty("examples.jar", "target/metrics-examples.jar"));
    assertThat(jar).as("the runnable jar (built by mvn package)").isRegularFile();
    return jar;
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  private static Run java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile("quickstart", ".out");
    Path stderr = Files.createTempFile("quickstart", ".err");
    try {
      Process process = new ProcessBuilder(command)
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile())
          .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not end within " + TIMEOUT_SECONDS + "s");
      }
      return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void onceRunsStoresEverythingAndExitsZero() throws Exception {
    Run run = java("-jar", jar().toString(), "--once");
    assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("Fed 1440 items (4320 points): 4 hosts x 3 metrics every 10s")
        .contains("plus 360 items of latency_ms{pattern=combined} (SyntheticData.series) via processBatch")
        .contains("Stopped gracefully. Pipeline: received 1800, stored 1800 items (4680 points), "
            + "rejected 0, dead-lettered 0")
        .contains("Store: 4680 points in 13 series")
        .contains("points per metric: cpu_usage 1440, http_requests_total 1440, memory_used 1440")
        .contains("avg(cpu_usage) by host, percent:")
        .contains("avg(cpu_usage) over all hosts, 5-minute steps:")
        .contains("avg(cpu_usage) 5m steps answered from [5m] (same values as raw: yes)")
        .contains("rate(http_requests_total) over all hosts: ")
        .contains("latency_ms{pattern=combined}: 360 points, min ");
    assertThat(run.stderr()).doesNotContain("Exception").doesNotContain("WARN");
  }

  @Test
  void servesByDefaultAnswersHealthAndStopsThroughItsShutdownHook() throws Exception {
    List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar().toString(), "--port", "0", "--data-dir", "none");
    Path stderr = Files.createTempFile("quickstart-serve", ".err");
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    try {
      BufferedReader stdout = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String prefix = "Serving the API on ";
      String address = CompletableFuture.supplyAsync(() -> stdout.lines()
              .filter(l -> l.startsWith(prefix)).findFirst()
              .map(l -> l.substring(prefix.length(), l.indexOf(' ', prefix.length())))
              .orElseThrow(() -> new AssertionError("no '" + prefix + "' line")))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(address + "/health")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("healthy");
      // the dashboard page and its script are served from the runnable jar's resources
      for (String path : List.of("/dashboards/dashboard-1", "/dashboards/assets/dashboard.js")) {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(address + path)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.body()).as(path).isNotEmpty();
      }

      process.destroy(); // SIGTERM, as Ctrl-C's SIGINT: runs the shutdown hooks
      assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      String log = Files.readString(stderr, StandardCharsets.UTF_8);
      assertThat(log).contains("Stopped gracefully: flushed").doesNotContain("Exception");
      // the 1800 synthetic items, plus whatever the guard's collector recorded if its 15 s run came
      // before the stop (a slow machine): never fewer, and nothing rejected or dead-lettered
      Matcher total = Pattern
          .compile("stored (\\d+) items \\((\\d+) points\\) in total, rejected 0, dead-lettered 0").matcher(log);
      assertThat(total.find()).as("the stop's totals in %s", log).isTrue();
      assertThat(Long.parseLong(total.group(1))).isGreaterThanOrEqualTo(1800);
      assertThat(Long.parseLong(total.group(2))).isGreaterThanOrEqualTo(4680);
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void quickStartJarPrintsItsUsageForHelp() throws Exception {
    Run run = java("-jar", jar().toString(), "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).startsWith("Usage: java -jar metrics-examples.jar");
  }

  @Test
  void onceExitsTwoForAServeOnlyOption() throws Exception {
    Run run = java("-jar", jar().toString(), "--once", "--port", "0");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).startsWith("--port only applies when serving: drop --once");
  }

  @Test
  void quickStartJarExitsTwoForAnUnknownArgument() throws Exception {
    Run run = java("-jar", jar().toString(), "--nope");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).startsWith("unknown argument: --nope");
  }

  @Test
  void quickStartJarExitsTwoForAnUnknownPatternListingTheKnownOnes() throws Exception {
    Run run = java("-jar", jar().toString(), "--pattern", "square");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).startsWith("--pattern must be one of noise, sine_wave, linear_trend, spike, combined");
  }

  @Test
  void spiExampleFindsTheMergedProvidersInTheJar() throws Exception {
    Run run = java("-cp", jar().toString(), WiringBySpi.class.getName());
    assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isZero();
    assertThat(run.stdout())
        .startsWith("Providers found: storage [clickhouse, memory], ingestion [http, memory], visualization [memory]")
        .contains("Stored 60 items in 'memory'");
  }
}
