package org.metricspipeline.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.core.JobStatus;
import org.metricspipeline.core.TimeSeriesEngine;
import org.metricspipeline.runtime.PipelineConfig;
import org.metricspipeline.runtime.RuntimeConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Runs one time-series job (rollup or retention) once against the stores a config names. */
abstract class TimeSeriesJobCommand implements Callable<Integer> {

  @ParentCommand
  MetricsPipelineCommand parent;

  @Mixin
  ConfigOptions config;

  @Option(names = "--pipeline", paramLabel = "NAME", description = "only this pipeline's store [every pipeline]")
  String pipeline;

  /** The job's name in messages. */
  abstract String job();

  /** The engine with this job's settings from the pipeline's config (or the defaults). */
  abstract TimeSeriesEngine.Builder configure(TimeSeriesEngine.Builder b, PipelineConfig p);

  /** Runs the job once now. */
  abstract JobStatus runOnce(TimeSeriesEngine engine);

  /** What a run's result counts. */
  abstract String resultUnit();

  @Override
  public Integer call() {
    RuntimeConfig loaded = config.loader().load();
    List<PipelineConfig> selected;
    try {
      selected = pipeline == null ? loaded.pipelines() : List.of(loaded.requirePipeline(pipeline));
    } catch (java.util.NoSuchElementException e) {
      throw new ConfigOptions.UsageException("--pipeline: " + e.getMessage());
    }
    int code = ExitCodes.OK;
    for (PipelineConfig p : selected) {
      String what = "pipelines." + p.name() + " (" + p.storage().provider() + ")";
      try (StorageAdapter storage = AdapterRegistry.storage(p.storage().provider(), p.storage().adapterConfig());
           TimeSeriesEngine engine = configure(TimeSeriesEngine.builder(storage), p).build()) {
        JobStatus s = runOnce(engine);
        if (s.lastError().isPresent()) {
          parent.err.println(what + ": " + job() + " failed: " + s.lastError().get());
          code = ExitCodes.FAILURE;
        } else {
          parent.out.println(what + ": " + job() + " done in " + s.lastDuration().toMillis() + " ms, "
              + s.lastResult() + " " + resultUnit());
        }
      } catch (RuntimeException e) {
        parent.err.println(what + ": " + job() + " failed: " + e.getMessage());
        code = ExitCodes.FAILURE;
      }
    }
    return code;
  }
}
