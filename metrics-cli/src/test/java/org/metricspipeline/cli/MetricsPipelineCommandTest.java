package org.metricspipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsPipelineCommandTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return MetricsPipelineCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEverySubcommandWithOneLineAndTheExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("run ", "validate ", "scan ", "status ", "sample-config ", "generate ", "rollup ",
        "retention ", "guard ", "Exit codes:", "  3  scan found HIGH findings",
        "Runs what a config declares until SIGTERM or Ctrl-C.");
    assertThat(run("generate", "--help")).isZero();
    assertThat(out()).contains("--metric=NAME", "--pattern=PATTERN", "--duration=DURATION", "--interval=DURATION",
        "--base-url=URL");
  }

  @Test
  void noSubcommandOrAnUnknownOptionIsAUsageError() {
    assertThat(run()).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("a subcommand is required");
    assertThat(run("run", "--config-dir", dir.toString(), "--colour")).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("Unknown option: '--colour'");
    assertThat(run("run", "--config-dir", dir.resolve("missing").toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("is not a directory", "sample-config");
    assertThat(run("generate", "--metric", "m", "--pattern", "square")).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("--pattern: unknown pattern 'square'");
    assertThat(run("guard", "--status", "--alerts")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void theSampleConfigValidatesInEveryLayerAndIsNotOverwritten() throws Exception {
    Path config = dir.resolve("config");
    assertThat(run("sample-config", config.toString())).isZero();
    assertThat(config.resolve("platform.yaml")).exists();
    assertThat(Files.readString(config.resolve("platform.yaml"))).contains("# ");
    assertThat(run("validate", "--config-dir", config.toString())).as(err()).isZero();
    assertThat(out()).contains("parts in start order: [storage.main, pipeline.main, visualization, http, guard, collector]");
    assertThat(run("validate", "-c", config.toString(), "--env", "dev", "--domain", "shop")).as(err()).isZero();
    assertThat(out()).contains("channel.shop.memory");
    assertThat(run("sample-config", config.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("platform.yaml exists (--force overwrites it)");
    assertThat(run("sample-config", "--force", config.toString())).isZero();
  }

  @Test
  void anInvalidConfigListsEveryProblemWithItsFieldAndFileAndExits2() throws Exception {
    Files.writeString(dir.resolve("platform.yaml"), "pipelines:\n  main:\n    storage:\n      provider: memory\n"
        + "http:\n  prot: 8080\n");
    assertThat(run("validate", "--config-dir", dir.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("invalid configuration", "http.prot", "port", "platform.yaml");
    assertThat(run("run", "--config-dir", dir.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("http.prot");
  }

  @Test
  void scanExits3OnHighFindingsAnd0OnTheSampleConfig() throws Exception {
    Path config = dir.resolve("config");
    assertThat(run("sample-config", config.toString())).isZero();
    assertThat(run("scan", "--config-dir", config.toString())).as(out() + err()).isZero();
    assertThat(out()).contains("0 high");
    Files.writeString(dir.resolve("platform.yaml"), "pipelines:\n  main:\n    storage:\n      provider: memory\n"
        + "http:\n  bind_address: 0.0.0.0\n");
    assertThat(run("scan", "--config-dir", dir.toString())).as(out() + err()).isEqualTo(ExitCodes.HIGH_FINDINGS);
    assertThat(out()).contains("HIGH", "http");
  }

  @Test
  void statusAndGuardModesWithNothingRunningExit1WithAHint() {
    assertThat(run("status", "--url", "http://127.0.0.1:1")).isEqualTo(ExitCodes.FAILURE);
    assertThat(err()).contains("nothing answers at http://127.0.0.1:1", "metrics-pipeline run --config-dir");
    assertThat(run("guard", "--alerts", "--url", "http://127.0.0.1:1")).isEqualTo(ExitCodes.FAILURE);
  }
}
