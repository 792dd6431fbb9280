package org.metricspipeline.cli;

import org.metricspipeline.runtime.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code guard}: seed 001's guard CLI modes against a running server. */
@Command(name = "guard", mixinStandardHelpOptions = true,
    description = {"Asks a running guard: --status, --alerts, --baselines, --analyze.", "Asks the guard of a running server (run with a guard section) over its HTTP API.",
        "--status exits 1 when the guard reports critical or failed."})
final class GuardCommand implements Callable<Integer> {

  @ParentCommand
  MetricsPipelineCommand parent;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  @Option(names = "--url", paramLabel = "URL", defaultValue = StatusCommand.DEFAULT_URL,
      description = "the server's address [${DEFAULT-VALUE}]")
  URI url;

  @Option(names = "--token", paramLabel = "TOKEN", description = "bearer token, when the server asks for one")
  String token;

  /** What to ask: exactly one. */
  static final class Mode {
    @Option(names = "--status", required = true, description = "the guard's status: overall health and components")
    boolean status;
    @Option(names = "--alerts", required = true, description = "its active alerts")
    boolean alerts;
    @Option(names = "--baselines", required = true, description = "its baselines")
    boolean baselines;
    @Option(names = "--analyze", required = true, paramLabel = "COMPONENT",
        description = "one component's state, alerts, recoveries and baselines")
    String analyze;
  }

  @Override
  public Integer call() {
    String path = mode.status ? "/api/v1/status" : mode.alerts ? "/api/v1/alerts"
        : mode.baselines ? "/api/v1/baselines" : "/api/v1/analyze/" + mode.analyze;
    JsonNode body = new ApiClient(url, Optional.ofNullable(token), StatusCommand.RUN_HINT).get(path);
    parent.out.println(ApiClient.pretty(body));
    if (mode.status) {
      String overall = body.path("overall_health").asText();
      return overall.equals("critical") || overall.equals("failed") ? ExitCodes.FAILURE : ExitCodes.OK;
    }
    return ExitCodes.OK;
  }
}
