package org.metricspipeline.cli;

import org.metricspipeline.core.JobStatus;
import org.metricspipeline.core.RollupSettings;
import org.metricspipeline.core.TimeSeriesEngine;
import org.metricspipeline.runtime.PipelineConfig;
import picocli.CommandLine.Command;

/** {@code rollup}: seed 004's rollup job, run once. */
@Command(name = "rollup", mixinStandardHelpOptions = true,
    description = {"Runs the rollup job once.", "Runs the rollup job once (1m, 5m, 1h buckets; seed 004's rollup_job) against each pipeline's",
        "store, with the pipeline's rollups settings (the defaults when it has none). For the embedded store with",
        "a data-dir, stop the server that uses it first."})
final class RollupCommand extends TimeSeriesJobCommand {

  @Override
  String job() {
    return "rollup";
  }

  @Override
  TimeSeriesEngine.Builder configure(TimeSeriesEngine.Builder b, PipelineConfig p) {
    return b.rollups(p.rollups().orElse(RollupSettings.defaults()));
  }

  @Override
  JobStatus runOnce(TimeSeriesEngine engine) {
    return engine.runRollupsNow();
  }

  @Override
  String resultUnit() {
    return "buckets rolled up";
  }
}
