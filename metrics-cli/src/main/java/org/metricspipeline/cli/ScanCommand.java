package org.metricspipeline.cli;

import java.util.concurrent.Callable;
import org.metricspipeline.runtime.SecurityFinding;
import org.metricspipeline.runtime.SecurityReport;
import org.metricspipeline.runtime.SecurityScanner;
import org.metricspipeline.runtime.Severity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code scan}: the security scan of a merged config and its files. */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = {"Security scan of a config before deploy; exits 3 on HIGH findings.", "Checks a merged config and its files before deploy: authentication, rate limits, plain-text",
        "secrets, secrets files readable by others, plain http:// URLs and TLS to remote hosts, short tokens.",
        "Each finding has a severity, the field path and a fix. Exits 3 when any finding is HIGH."})
final class ScanCommand implements Callable<Integer> {

  @ParentCommand
  MetricsPipelineCommand parent;

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() {
    SecurityReport report = SecurityScanner.create().scan(config.loader().merge());
    for (SecurityFinding f : report.findings()) {
      parent.out.println(f);
    }
    parent.out.println(report.findings().size() + " finding(s): " + report.findings(Severity.HIGH).size() + " high, "
        + report.findings(Severity.MEDIUM).size() + " medium, " + report.findings(Severity.LOW).size() + " low");
    return report.hasHigh() ? ExitCodes.HIGH_FINDINGS : ExitCodes.OK;
  }
}
