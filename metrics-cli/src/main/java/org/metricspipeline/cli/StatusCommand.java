package org.metricspipeline.cli;

import org.metricspipeline.runtime.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.metricspipeline.runtime.Orchestrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code status}: asks a running server for its orchestrator status (seed 001's {@code --status}). */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Prints a running server's orchestrator status.", "Prints a running server's orchestrator status (GET /api/v1/orchestrator/status): every part's",
        "state, uptime and last error. Exits 0 when every part runs, 1 otherwise or when nothing answers."})
final class StatusCommand implements Callable<Integer> {

  /** The address asked when {@code --url} is not given. */
  static final String DEFAULT_URL = "http://127.0.0.1:8080";
  /** What starts the server the client subcommands ask, shown when nothing answers. */
  static final String RUN_HINT = "metrics-pipeline run --config-dir DIR";

  @ParentCommand
  MetricsPipelineCommand parent;

  @Option(names = "--url", paramLabel = "URL", defaultValue = DEFAULT_URL,
      description = "the server's address [${DEFAULT-VALUE}]")
  URI url;

  @Option(names = "--token", paramLabel = "TOKEN", description = "bearer token, when the server asks for one")
  String token;

  @Override
  public Integer call() {
    JsonNode status = new ApiClient(url, Optional.ofNullable(token), RUN_HINT).get(Orchestrator.STATUS_PATH);
    parent.out.println(ApiClient.pretty(status));
    boolean running = status.path("state").asText().equals("running");
    for (JsonNode part : status.path("parts")) {
      if (!part.path("state").asText().equals("running")) {
        running = false;
        parent.err.println("part " + part.path("name").asText() + " is " + part.path("state").asText()
            + (part.path("last_error").isNull() ? "" : ": " + part.path("last_error").asText()));
      }
    }
    return running ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
