package org.metricspipeline.cli;

import java.util.concurrent.Callable;
import org.metricspipeline.runtime.PipelineRuntime;
import org.metricspipeline.runtime.RuntimeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code validate}: loads, merges and validates a config and checks it can be wired, without starting anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Validates a config directory without starting anything.", "Loads and validates a config directory (every problem with its field path and file) and checks",
        "that the runtime can wire it, without starting anything. Secrets are resolved, never printed."})
final class ValidateCommand implements Callable<Integer> {

  @ParentCommand
  MetricsPipelineCommand parent;

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() {
    RuntimeConfig loaded = config.loader().load();
    PipelineRuntime runtime = PipelineRuntime.builder(loaded).build();
    parent.out.println("valid: " + config.describe() + " (" + loaded.files().size() + " file(s) merged)");
    parent.out.println("parts in start order: " + runtime.startOrder());
    return ExitCodes.OK;
  }
}
