package org.metricspipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.metricspipeline.runtime.SampleConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sample-config}: writes a commented config directory that runs as is. */
@Command(name = "sample-config", mixinStandardHelpOptions = true,
    description = {"Writes a sample config directory that runs as is.", "Writes a commented sample config directory that runs as is on the embedded default store",
        "(HTTP ingestion, durable memory store with rollups and retention, dashboards, the guard), with a dev and",
        "a prod environment and a domain. Refuses to overwrite files unless --force."})
final class SampleConfigCommand implements Callable<Integer> {

  /** The files written, relative to the directory (the text is metrics-runtime's {@link SampleConfig}). */
  static final List<String> FILES = SampleConfig.FILES;

  @ParentCommand
  MetricsPipelineCommand parent;

  @Parameters(index = "0", paramLabel = "DIR", description = "the directory to write (created when missing)")
  Path dir;

  @Option(names = "--force", description = "overwrite existing files")
  boolean force;

  @Override
  public Integer call() throws IOException {
    if (!force) {
      for (String f : FILES) {
        if (Files.exists(dir.resolve(f))) {
          throw new ConfigOptions.UsageException(dir.resolve(f) + " exists (--force overwrites it)");
        }
      }
    }
    SampleConfig.write(dir);
    parent.out.println("Wrote " + FILES.size() + " files to " + dir + ": " + FILES);
    parent.out.println("Next: metrics-pipeline validate --config-dir " + dir);
    parent.out.println("      metrics-pipeline run --config-dir " + dir + "   (serves http://127.0.0.1:8080)");
    return ExitCodes.OK;
  }
}
