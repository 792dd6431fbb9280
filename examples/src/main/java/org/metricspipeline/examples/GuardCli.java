package org.metricspipeline.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.metricspipeline.adapters.http.AckMode;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.guard.Baselines;
import org.metricspipeline.guard.ConfigManager;
import org.metricspipeline.guard.GuardConfig;
import org.metricspipeline.guard.GuardConfigException;
import org.metricspipeline.guard.GuardEndpoints;
import org.metricspipeline.guard.MetricsCollector;
import org.metricspipeline.guard.SelfHealingPipelineGuard;
import org.metricspipeline.runtime.ApiClient;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The guard's command line (seed 001's CLI): runs a guard daemon, or asks a running one over its
 * HTTP API.
 *
 * <pre>
 * java -jar metrics-examples.jar guard --config guard.yaml --daemon
 * java -jar metrics-examples.jar guard --status [--url http://127.0.0.1:8080] [--token T]
 * java -jar metrics-examples.jar guard --alerts | --baselines | --analyze storage
 * </pre>
 *
 * Exit codes: 0 done (for {@code --status}: the guard is not critical or failed), 1 the guard
 * reports critical or failed, 2 bad arguments or configuration, 3 the guard cannot be reached or
 * answered an error.
 */
@Command(name = "guard", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the self-healing pipeline guard (--daemon) or asks a running one over HTTP.",
        "Exit codes: 0 done, 1 guard critical or failed, 2 bad arguments or config, 3 guard unreachable or error."})
public final class GuardCli implements Callable<Integer> {

  /** Exit code: the guard reports a critical or failed component. */
  static final int UNHEALTHY = 1;
  /** Exit code: bad arguments or configuration. */
  static final int USAGE = 2;
  /** Exit code: the guard could not be reached or answered an error. */
  static final int UNREACHABLE = 3;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config (see the README's config reference)")
  Path config;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  @Option(names = "--url", paramLabel = "URL",
      description = "the running guard's HTTP API [http://<http.host>:<http.port> from --config, else http://127.0.0.1:8080]")
  URI url;

  @Option(names = "--token", paramLabel = "TOKEN", description = "bearer token for the guard's HTTP API")
  String token;

  PrintStream out = System.out;
  PrintStream err = System.err;
  /** The running daemon, for tests. */
  final AtomicReference<Daemon> daemon = new AtomicReference<>();

  /** What to do: exactly one. */
  static final class Mode {
    @Option(names = "--daemon", required = true, description = "run the guard with a pipeline and serve its API until Ctrl-C")
    boolean daemon;
    @Option(names = "--status", required = true, description = "print the running guard's status")
    boolean status;
    @Option(names = "--alerts", required = true, description = "print its active alerts")
    boolean alerts;
    @Option(names = "--baselines", required = true, description = "print its baselines")
    boolean baselines;
    @Option(names = "--analyze", required = true, paramLabel = "COMPONENT",
        description = "print one component's state, alerts, recoveries and baselines")
    String analyze;
  }

  /** Runs the CLI and exits with its code. */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Parses and runs; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    GuardCli cli = new GuardCli();
    cli.out = out;
    cli.err = err;
    return command(cli, out, err).execute(args);
  }

  static CommandLine command(GuardCli cli, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(cli);
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setExitCodeExceptionMapper(t -> USAGE);
    return cl;
  }

  @Override
  public Integer call() throws Exception {
    GuardConfig cfg;
    try {
      cfg = config == null ? GuardConfig.defaults() : ConfigManager.builder().build().load(config);
    } catch (GuardConfigException e) {
      err.println("configuration " + config + " is invalid:");
      e.problems().forEach(p -> err.println("  " + p));
      return USAGE;
    }
    if (mode.daemon) {
      return runDaemon(cfg);
    }
    URI base = url != null ? url : URI.create("http://" + cfg.httpHost() + ":" + cfg.httpPort());
    String bearer = token != null ? token : cfg.bearerTokens().stream().findFirst().orElse(null);
    String path = mode.status ? "/api/v1/status" : mode.alerts ? "/api/v1/alerts"
        : mode.baselines ? "/api/v1/baselines" : "/api/v1/analyze/" + mode.analyze;
    JsonNode body;
    try {
      body = new ApiClient(base, Optional.ofNullable(bearer), "java -jar metrics-examples.jar guard --config FILE --daemon")
          .get(path);
    } catch (ApiClient.ApiException e) {
      err.println(e.getMessage());
      return UNREACHABLE;
    }
    out.println(ApiClient.pretty(body));
    if (mode.status) {
      String overall = body.path("overall_health").asText();
      return overall.equals("critical") || overall.equals("failed") ? UNHEALTHY : 0;
    }
    return 0;
  }

  private int runDaemon(GuardConfig cfg) throws InterruptedException {
    Daemon d;
    try {
      d = Daemon.start(cfg);
    } catch (RuntimeException e) {
      err.println("cannot start the guard: " + e.getMessage());
      return UNREACHABLE;
    }
    daemon.set(d);
    Runtime.getRuntime().addShutdownHook(new Thread(d::close, "metrics-examples-guard-shutdown-1"));
    out.println("Guard daemon: in-memory pipeline fed through " + d.http.uri() + ", watching "
        + d.guard.componentNames() + " every " + cfg.checkInterval().toSeconds() + "s");
    out.println("Endpoints: GET " + d.http.uri() + "/health, /metrics (Prometheus), /api/v1/status, /api/v1/alerts,"
        + " /api/v1/metrics, /api/v1/baselines, /api/v1/analyze/{component}; ingest with POST /api/v1/ingest");
    out.println("Ask it: java -jar metrics-examples.jar guard --status --url " + d.http.uri());
    d.closed.await();
    return 0;
  }

  /** A pipeline (HTTP channel, in-memory store) with a guard, collector and baselines from a config. */
  static final class Daemon implements AutoCloseable {
    final HttpIngestionAdapter http;
    final MetricsPipeline pipeline;
    final SelfHealingPipelineGuard guard;
    final MetricsCollector collector;
    final CountDownLatch closed = new CountDownLatch(1);

    private Daemon(HttpIngestionAdapter http, MetricsPipeline pipeline, SelfHealingPipelineGuard guard,
        MetricsCollector collector) {
      this.http = http;
      this.pipeline = pipeline;
      this.guard = guard;
      this.collector = collector;
    }

    static Daemon start(GuardConfig cfg) {
      AtomicReference<GuardEndpoints> endpoints = new AtomicReference<>();
      InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
      HttpIngestionAdapter.Builder hb = HttpIngestionAdapter.builder().host(cfg.httpHost()).port(cfg.httpPort())
          .storage(storage).ackMode(AckMode.STORED).endpoints(GuardEndpoints.deferred(endpoints::get));
      if (!cfg.bearerTokens().isEmpty()) {
        hb.bearerTokens(cfg.bearerTokens());
      }
      HttpIngestionAdapter http;
      try {
        http = hb.build();
      } catch (RuntimeException e) {
        storage.close();
        throw e;
      }
      MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http).build();
      pipeline.startProcessing();
      SelfHealingPipelineGuard guard = cfg.applyTo(SelfHealingPipelineGuard.builder().pipeline(pipeline)).build();
      Baselines baselines = cfg.baselines().alertsTo(guard).build();
      MetricsCollector collector = MetricsCollector.builder(pipeline).guard(guard).interval(cfg.collectorInterval())
          .baselines(baselines).build();
      endpoints.set(GuardEndpoints.builder(guard).collector(collector).baselines(baselines).build());
      guard.startMonitoring();
      collector.startCollection();
      return new Daemon(http, pipeline, guard, collector);
    }

    @Override
    public void close() {
      try {
        collector.close();
        guard.close();
        pipeline.close();
      } finally {
        closed.countDown();
      }
    }
  }
}
