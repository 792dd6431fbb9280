package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardCliTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return GuardCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsTheModesAndExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("--daemon", "--status", "--alerts", "--baselines", "--analyze=COMPONENT",
        "Exit codes");
  }

  @Test
  void aModeIsRequiredAndModesExcludeEachOther() {
    assertThat(run()).isEqualTo(GuardCli.USAGE);
    assertThat(run("--status", "--alerts")).isEqualTo(GuardCli.USAGE);
    assertThat(err()).contains("mutually exclusive");
  }

  @Test
  void anInvalidConfigListsItsProblemsAndExits2() throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, "failure_threshold: 0\nhttp:\n  port: lots\n");
    assertThat(run("--config", cfg.toString(), "--status")).isEqualTo(GuardCli.USAGE);
    assertThat(err()).contains("failure_threshold: must be between 1 and 100", "http.port: must be a whole number");
  }

  @Test
  void noGuardRunningExits3WithAHint() {
    assertThat(run("--status", "--url", "http://127.0.0.1:1")).isEqualTo(GuardCli.UNREACHABLE);
    assertThat(err()).contains("nothing answers at http://127.0.0.1:1", "guard --config FILE --daemon");
  }

  @Test
  void theDaemonServesWhatTheClientModesAsk() throws Exception {
    Path cfg = dir.resolve("guard.yaml");
    Files.writeString(cfg, "http:\n  port: 0\ncheck_interval_seconds: 1\n");
    GuardCli cli = new GuardCli();
    ByteArrayOutputStream daemonOut = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(daemonOut, true, StandardCharsets.UTF_8);
    cli.out = ps;
    cli.err = ps;
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
        () -> GuardCli.command(cli, ps, ps).execute("--config", cfg.toString(), "--daemon"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (cli.daemon.get() == null && System.nanoTime() < deadline && !exit.isDone()) {
      Thread.onSpinWait();
    }
    GuardCli.Daemon d = cli.daemon.get();
    assertThat(d).as("daemon started; output: %s", daemonOut).isNotNull();
    try {
      String url = d.http.uri().toString();
      assertThat(run("--status", "--url", url)).isZero();
      assertThat(out()).contains("\"overall_health\"", "\"storage\"");
      assertThat(run("--alerts", "--url", url)).isZero();
      assertThat(out()).contains("\"count\" : 0");
      assertThat(run("--baselines", "--url", url)).isZero();
      assertThat(out()).contains("\"baselines\"");
      assertThat(run("--analyze", "storage", "--url", url)).isZero();
      assertThat(out()).contains("\"component\" : \"storage\"");
      assertThat(run("--analyze", "nothing", "--url", url)).isEqualTo(GuardCli.UNREACHABLE);
      assertThat(err()).contains("404").contains("no component or baseline named 'nothing'");
    } finally {
      d.close();
    }
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(daemonOut.toString(StandardCharsets.UTF_8)).contains("Endpoints: GET http://127.0.0.1:");
  }
}
