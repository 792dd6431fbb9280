package org.metricspipeline.cli;

import org.metricspipeline.core.JobStatus;
import org.metricspipeline.core.RetentionPolicy;
import org.metricspipeline.core.TimeSeriesEngine;
import org.metricspipeline.runtime.PipelineConfig;
import picocli.CommandLine.Command;

/** {@code retention}: seed 004's retention job, run once. */
@Command(name = "retention", mixinStandardHelpOptions = true,
    description = {"Runs the retention job once.", "Runs the retention job once (seed 004's retention_job) against each pipeline's store, deleting",
        "raw points and rollup buckets older than the pipeline's retention settings (the defaults when it has",
        "none: raw 7d, 1m 30d, 5m 90d, 1h 365d). For the embedded store with a data-dir, stop its server first."})
final class RetentionCommand extends TimeSeriesJobCommand {

  @Override
  String job() {
    return "retention";
  }

  @Override
  TimeSeriesEngine.Builder configure(TimeSeriesEngine.Builder b, PipelineConfig p) {
    return b.retention(p.retention().orElse(RetentionPolicy.defaults()));
  }

  @Override
  JobStatus runOnce(TimeSeriesEngine engine) {
    return engine.runRetentionNow();
  }

  @Override
  String resultUnit() {
    return "points and buckets deleted";
  }
}
