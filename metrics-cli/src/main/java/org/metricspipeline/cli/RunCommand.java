package org.metricspipeline.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.metricspipeline.runtime.Orchestrator;
import org.metricspipeline.runtime.OrchestratorException;
import org.metricspipeline.runtime.PartState;
import org.metricspipeline.runtime.PartStatus;
import org.metricspipeline.runtime.PipelineRuntime;
import org.metricspipeline.runtime.RuntimeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code run}: starts everything a config declares and serves until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs what a config declares until SIGTERM or Ctrl-C.", "Starts what the config declares (storage, pipelines, channels, HTTP server, guard, collector,",
        "jobs, in that order) and runs until SIGTERM or Ctrl-C, which stop everything gracefully in reverse order.",
        "A part that fails to start stops what was started and exits 1 naming the part."})
final class RunCommand implements Callable<Integer> {

  @ParentCommand
  MetricsPipelineCommand parent;

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() throws InterruptedException {
    RuntimeConfig loaded = config.loader().load();
    PipelineRuntime runtime = PipelineRuntime.builder(loaded).build();
    // the hook reports too: once hooks end the JVM halts, before this thread could print anything
    Thread hook = new Thread(() -> {
      runtime.close();
      report(runtime);
    }, "metrics-cli-shutdown-1");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      runtime.start();
    } catch (OrchestratorException e) {
      parent.err.println("cannot start: " + e.getMessage());
      removeHook(hook);
      return ExitCodes.FAILURE;
    }
    parent.out.println("Metrics Pipeline running from " + config.describe() + ": " + runtime.startOrder().size()
        + " parts " + runtime.startOrder());
    runtime.httpUri().ifPresent(uri -> {
      parent.out.println("Serving " + uri + " (query API, ingestion, /health, /metrics)");
      parent.out.println("Status: curl -s " + uri + Orchestrator.STATUS_PATH
          + "   or: metrics-pipeline status --url " + uri);
    });
    parent.out.println("Ctrl-C or SIGTERM (kill " + ProcessHandle.current().pid() + ") stops it gracefully");
    runtime.awaitStopped();
    return ExitCodes.OK;
  }

  /** How the stop went: one line, or one per part that did not stop cleanly. */
  private void report(PipelineRuntime runtime) {
    List<PartStatus> failed = runtime.status().parts().stream().filter(p -> p.state() != PartState.STOPPED).toList();
    if (failed.isEmpty()) {
      parent.out.println("Stopped gracefully: " + runtime.startOrder().size() + " parts, in reverse order");
    } else {
      failed.forEach(p -> parent.err.println("part " + p.name() + " did not stop cleanly: " + p.lastError().orElse("")));
    }
    parent.out.flush();
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs and finds everything stopped
    }
  }
}
