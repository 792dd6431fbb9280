package org.metricspipeline.cli;

import org.metricspipeline.runtime.ApiClient;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.runtime.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code metrics-pipeline} command: runs a pipeline from a config directory and the tools
 * around it. {@code metrics-pipeline --help} lists the subcommands; each has {@code --help}.
 *
 * <pre>
 * metrics-pipeline sample-config ./config
 * metrics-pipeline validate --config-dir ./config --env prod
 * metrics-pipeline run --config-dir ./config --env prod
 * metrics-pipeline status --url http://127.0.0.1:8080
 * </pre>
 *
 * Exit codes: {@link ExitCodes}.
 */
@Command(name = "metrics-pipeline", mixinStandardHelpOptions = true, version = "metrics-pipeline 0.1.0-SNAPSHOT",
    description = "Runs a metrics pipeline from a config directory, and the tools around it.",
    subcommands = {RunCommand.class, ValidateCommand.class, ScanCommand.class, StatusCommand.class,
        SampleConfigCommand.class, GenerateCommand.class, RollupCommand.class, RetentionCommand.class,
        GuardCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Exit codes:", "  0  ok",
        "  1  runtime failure: a part failed to start, a job failed, the server is unreachable or not all running",
        "  2  usage or configuration error", "  3  scan found HIGH findings", "Docs: docs/command.md"})
public final class MetricsPipelineCommand implements java.util.concurrent.Callable<Integer> {

  PrintStream out = System.out;
  PrintStream err = System.err;

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Parses and runs; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    MetricsPipelineCommand top = new MetricsPipelineCommand();
    top.out = out;
    top.err = err;
    return commandLine(top).execute(args);
  }

  static CommandLine commandLine(MetricsPipelineCommand top) {
    CommandLine cl = new CommandLine(top);
    cl.setOut(new PrintWriter(top.out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(top.err, true, StandardCharsets.UTF_8));
    cl.setExitCodeExceptionMapper(t -> ExitCodes.USAGE);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException c) {
        ConfigOptions.printProblems(c, top.err);
        return ExitCodes.USAGE;
      }
      if (e instanceof ConfigOptions.UsageException || e instanceof ConfigurationException) {
        top.err.println(commandLine.getCommandName() + ": " + e.getMessage());
        return ExitCodes.USAGE;
      }
      if (e instanceof ApiClient.ApiException) {
        top.err.println(commandLine.getCommandName() + ": " + e.getMessage());
        return ExitCodes.FAILURE;
      }
      top.err.println(commandLine.getCommandName() + " failed: " + e);
      return ExitCodes.FAILURE;
    });
    return cl;
  }

  /** Without a subcommand: the usage, and a usage error. */
  @Override
  public Integer call() {
    err.println("a subcommand is required");
    new CommandLine(new MetricsPipelineCommand()).usage(err);
    return ExitCodes.USAGE;
  }
}
