package org.metricspipeline.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.metricspipeline.adapters.http.AckMode;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.adapters.memory.InMemoryVisualizationAdapter;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.core.JobStatus;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.PipelineStats;
import org.metricspipeline.core.SyntheticData;
import org.metricspipeline.guard.MetricsCollector;
import org.metricspipeline.guard.SelfHealingPipelineGuard;
import org.metricspipeline.runtime.ConfigLoader;
import org.metricspipeline.runtime.Orchestrator;
import org.metricspipeline.runtime.PipelineRuntime;
import org.metricspipeline.runtime.RuntimeConfig;
import org.metricspipeline.runtime.SampleConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick start's serve mode (what {@code java -jar metrics-examples.jar} does by default): the
 * sample config ({@link SampleConfig}, what {@code metrics-pipeline sample-config} writes) run by a
 * {@link PipelineRuntime}, its flags mapped to config overrides ({@link #overrides}). That is a
 * pipeline whose ingestion channel is the HTTP server, on the durable in-memory store with rollups,
 * serving the API on {@code 127.0.0.1:<port>} until closed, with the built-in dashboards and the
 * guard and its collector. Optionally fed the quick start's synthetic hour first (through
 * {@code processBatch}, then rolled up), so every query endpoint has something to answer. It serves
 * {@link QuickStartDashboard} at {@link #dashboardUri()}: the synthetic data, and the pipeline's and
 * the guard's own metrics as the guard's {@link MetricsCollector} records them through the pipeline
 * every {@link #COLLECTOR_INTERVAL}.
 *
 * <p>{@link #examples()} are the requests printed as {@code curl} commands; ingestion requests are
 * acknowledged once stored ({@link AckMode#STORED}, the default), so a query right after them sees
 * their points; {@code --ack accepted} answers 202 once validated and queued instead.
 * {@link #close()} stops the runtime gracefully (storing everything accepted, then closing the
 * server and the store, in reverse start order), and logs what the stop flushed.
 */
final class QuickStartServer implements AutoCloseable {

  /** The port served when {@code --port} is not given. */
  static final int DEFAULT_PORT = HttpIngestionAdapter.DEFAULT_PORT;
  /** Where the store keeps its data when {@code --data-dir} is not given ({@code none}: memory only). */
  static final String DEFAULT_DATA_DIR = "./metrics-data";
  /** How often the guard checks the pipeline, its store and its channel (the sample config's). */
  static final Duration GUARD_CHECK_INTERVAL = Duration.ofSeconds(10);
  /** How often the guard's collector records the pipeline's figures as metrics (the sample config's). */
  static final Duration COLLECTOR_INTERVAL = Duration.ofSeconds(15);
  /** The metric the printed ingestion examples send (and the raw query reads back). */
  static final String DEMO_METRIC = "room_temperature";
  /** The metric the printed {@code /api/v1/ingest} example sends. */
  static final String DEMO_ITEM_METRIC = "room_humidity";
  /** The sample config's pipeline. */
  static final String PIPELINE = "main";
  /** Prefix of the overrides of that pipeline's settings. */
  private static final String PIPELINE_OVERRIDE = ConfigLoader.ENV_PREFIX + "PIPELINES__" + PIPELINE.toUpperCase(Locale.ROOT);

  private static final Logger LOG = LoggerFactory.getLogger(QuickStartServer.class);

  private final PipelineRuntime runtime;
  private final InMemoryStorageAdapter storage;
  private final InMemoryVisualizationAdapter charts;
  private final Dashboard dashboard;
  private final HttpIngestionAdapter http;
  private final MetricsPipeline pipeline;
  private final MetricsPipeline httpPipeline;
  private final SelfHealingPipelineGuard guard;
  private final MetricsCollector collector;
  private final List<Example> examples;
  private final Fed fed;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Object closeLock = new Object();
  private boolean closing;

  private QuickStartServer(PipelineRuntime runtime, Dashboard dashboard, List<Example> examples, Fed fed) {
    this.runtime = runtime;
    this.storage = (InMemoryStorageAdapter) runtime.storage(PIPELINE).orElseThrow();
    this.charts = (InMemoryVisualizationAdapter) runtime.visualization().orElseThrow();
    this.http = runtime.httpServer().orElseThrow();
    this.pipeline = runtime.pipeline(PIPELINE).orElseThrow();
    this.httpPipeline = runtime.channelPipeline("http").orElseThrow();
    this.guard = runtime.guard().orElseThrow();
    this.collector = runtime.collector().orElseThrow();
    this.dashboard = dashboard;
    this.examples = examples;
    this.fed = fed;
  }

  /**
   * Starts the sample config with {@code options} as overrides (the HTTP server on
   * {@code options.port()}, 0: any free port), feeds the synthetic data when asked, and returns once
   * the server answers.
   *
   * @throws org.metricspipeline.runtime.OrchestratorException naming the part that failed to start
   *     (what was started is stopped again)
   */
  static QuickStartServer start(ServeOptions options) {
    Objects.requireNonNull(options, "options");
    Clock clock = options.data().clock();
    PipelineRuntime runtime = PipelineRuntime.builder(sampleConfig(options)).clock(clock).build().start();
    try {
      InMemoryStorageAdapter storage = (InMemoryStorageAdapter) runtime.storage(PIPELINE).orElseThrow();
      Dashboard dashboard = QuickStartDashboard.create(
          (InMemoryVisualizationAdapter) runtime.visualization().orElseThrow(), options.extraCharts());
      // a store loaded from its data directory already holds data: feeding the hour again would repeat it
      Fed fed = options.synthetic() && storage.loadedPoints() == 0
          ? feed(runtime.pipeline(PIPELINE).orElseThrow(), options.data()) : null;
      return new QuickStartServer(runtime, dashboard,
          examples(runtime.httpUri().orElseThrow(), clock.instant(), fed), fed);
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /**
   * The sample config, loaded from a copy written to a temporary directory, with the process's
   * {@code METRICS_PIPELINE__...} environment overrides and then {@code options}' ones.
   */
  static RuntimeConfig sampleConfig(ServeOptions options) {
    Map<String, String> variables = new HashMap<>(System.getenv());
    variables.putAll(overrides(options));
    Path dir = null;
    try {
      dir = SampleConfig.write(Files.createTempDirectory("metrics-quickstart-config-"));
      return ConfigLoader.builder().configDir(dir).environmentVariables(variables).build().load();
    } catch (IOException e) {
      throw new UncheckedIOException("writing the sample config to a temporary directory", e);
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  /**
   * The serve flags as overrides of the sample config, in the form of {@link ConfigLoader}'s
   * environment variables: {@code --port} sets {@code http.port}, {@code --rate-limits off}
   * {@code http.rate_limits.enabled}, {@code --ack} the http channel's {@code ack-mode},
   * {@code --max-points} and {@code --data-dir} the memory store's {@code max-points} and
   * {@code data-dir}.
   */
  static Map<String, String> overrides(ServeOptions options) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put(ConfigLoader.ENV_PREFIX + "HTTP__PORT", Integer.toString(options.port()));
    o.put(ConfigLoader.ENV_PREFIX + "HTTP__RATE_LIMITS__ENABLED", Boolean.toString(options.rateLimits()));
    o.put(PIPELINE_OVERRIDE + "__CHANNELS__0__OPTIONS__ACK_MODE", options.ack().wireName());
    o.put(PIPELINE_OVERRIDE + "__STORAGE__OPTIONS__MAX_POINTS", Long.toString(options.maxPoints()));
    o.put(PIPELINE_OVERRIDE + "__STORAGE__OPTIONS__DATA_DIR",
        options.dataDir().map(Path::toString).orElse("none"));
    return o;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      LOG.debug("could not delete the temporary copy of the sample config {}", dir, e);
    }
  }

  /**
   * What the synthetic feed stored.
   *
   * @param start start of the range fed
   * @param end end of the range fed (a closed 5-minute edge)
   * @param items items fed
   * @param points points in them
   * @param rollup the rollup job's status after its run
   */
  record Fed(Instant start, Instant end, long items, long points, JobStatus rollup) {}

  /** Feeds the quick start's hour (hosts and pattern series) via processBatch, then rolls it up. */
  private static Fed feed(MetricsPipeline pipeline, QuickStart.Options options) {
    Instant end = QuickStart.rangeEnd(options.clock());
    Instant start = end.minus(options.span());
    int ticks = Math.toIntExact(options.span().toMillis() / options.interval().toMillis());
    SyntheticMetrics data = new SyntheticMetrics(options.seed(), options.hosts(), start, options.interval(), ticks);
    List<MetricsData> all = new ArrayList<>();
    for (int host = 0; host < options.hosts(); host++) {
      all.addAll(data.itemsOf(host));
    }
    all.addAll(SyntheticData.series(QuickStart.PATTERN_METRIC, options.pattern(), start, options.span(),
        options.interval(), options.seed()));
    long points = 0;
    List<CompletableFuture<MetricsBatchResult>> futures = new ArrayList<>();
    for (int from = 0; from < all.size(); from += QuickStart.ITEMS_PER_CALL) {
      List<MetricsData> chunk = all.subList(from, Math.min(all.size(), from + QuickStart.ITEMS_PER_CALL));
      for (MetricsData item : chunk) {
        points += item.metrics().size();
      }
      futures.add(pipeline.processBatch(chunk));
    }
    for (CompletableFuture<MetricsBatchResult> f : futures) {
      MetricsBatchResult result = f.join();
      if (!result.allSucceeded()) {
        throw new IllegalStateException("processBatch refused " + result.failureCount()
            + " item(s), first: " + result.failures().get(0).reason());
      }
    }
    JobStatus rollup = pipeline.timeSeries().orElseThrow().runRollupsNow();
    if (rollup.lastError().isPresent()) {
      throw new IllegalStateException("rollup job failed: " + rollup.lastError().get());
    }
    return new Fed(start, end, all.size(), points, rollup);
  }

  /** The requests printed as curl commands, in the order a newcomer would paste them. */
  private static List<Example> examples(URI base, Instant now, Fed fed) {
    String b = base.toString();
    String queried = fed == null ? DEMO_METRIC : SyntheticMetrics.CPU;
    String range = fed == null ? ""
        : "\"start_time\":\"" + fed.start() + "\",\"end_time\":\"" + fed.end() + "\",";
    String rangeParams = fed == null ? ""
        : "&start_time=" + fed.start() + "&end_time=" + fed.end();
    String step = fed == null ? "" : ",\"step\":\"5m\"";
    List<Example> list = new ArrayList<>();
    list.add(Example.get(b, "/health"));
    list.add(Example.post(b, "/metrics/ingest",
        "{\"metric_name\":\"" + DEMO_METRIC + "\",\"value\":21.5,\"labels\":{\"room\":\"lab\"}}"));
    list.add(Example.post(b, "/api/v1/ingest",
        "{\"timestamp\":\"" + now.truncatedTo(ChronoUnit.SECONDS) + "\",\"metric_type\":\"environment\","
            + "\"source\":\"curl\",\"metrics\":[{\"name\":\"" + DEMO_ITEM_METRIC
            + "\",\"value\":40.0,\"unit\":\"%\",\"tags\":{\"room\":\"lab\"}}]}"));
    list.add(Example.get(b, "/metrics/list"));
    list.add(Example.get(b, "/metrics/" + queried + "/info"));
    list.add(Example.post(b, "/query", "{\"metric_name\":\"" + queried + "\"," + range
        + "\"function\":\"avg\"" + step + ",\"group_by\":[\"" + (fed == null ? "room" : "host") + "\"]}"));
    list.add(Example.get(b, "/query/raw?metric_name=" + DEMO_METRIC + "&labels="
        + URLEncoder.encode("{\"room\":\"lab\"}", StandardCharsets.UTF_8)));
    list.add(Example.get(b, "/query/rollup?metric_name=" + queried + "&window=5m" + rangeParams));
    list.add(Example.get(b, "/rollups"));
    // the guard's endpoints
    list.add(Example.get(b, "/metrics"));
    list.add(Example.get(b, "/api/v1/status"));
    list.add(Example.get(b, "/api/v1/alerts"));
    list.add(Example.get(b, "/api/v1/metrics?component=pipeline&metric_name=metrics_pipeline_items_stored_total&limit=5"));
    return List.copyOf(list);
  }

  /** The port the API is served on (the bound one when started with port 0). */
  int port() {
    return http.port();
  }

  /** The API's base address, for example {@code http://127.0.0.1:8080}. */
  URI uri() {
    return http.uri();
  }

  /** The quick start's dashboard page, for example {@code http://127.0.0.1:8080/dashboards/dashboard-1}. */
  URI dashboardUri() {
    return URI.create(http.uri() + "/dashboards/" + dashboard.id());
  }

  /** The dashboards served (add charts or dashboards through it while serving). */
  InMemoryVisualizationAdapter charts() {
    return charts;
  }

  /** The requests printed as curl commands. */
  List<Example> examples() {
    return examples;
  }

  /** The store the API reads. */
  InMemoryStorageAdapter storage() {
    return storage;
  }

  /** What the synthetic feed stored; empty with {@code --no-synthetic}. */
  Optional<Fed> fed() {
    return Optional.ofNullable(fed);
  }

  /**
   * Runs the guard's collector once now (as its schedule does every {@link #COLLECTOR_INTERVAL}):
   * records the pipeline's, its adapters' and the guard's figures, at the clock's now, through the
   * pipeline into the store; returns once they are stored.
   */
  MetricsBatchResult collectGuardMetrics() {
    MetricsBatchResult result = collector.collect().join();
    if (!result.allSucceeded()) {
      throw new IllegalStateException("the guard's collector's items were refused, first: "
          + result.failures().get(0).reason());
    }
    return result;
  }

  /**
   * The counters of the sample config's pipeline and of the one polling the HTTP channel into the
   * same store, added up: everything the quick start stored, fed, ingested or collected.
   */
  PipelineStats stats() {
    return plus(pipeline.stats(), httpPipeline.stats());
  }

  private static PipelineStats plus(PipelineStats a, PipelineStats b) {
    return new PipelineStats(a.received() + b.received(), a.accepted() + b.accepted(), a.rejected() + b.rejected(),
        a.overflowed() + b.overflowed(), a.stored() + b.stored(), a.pointsStored() + b.pointsStored(),
        a.retries() + b.retries(), a.deadLettered() + b.deadLettered(), a.nacked() + b.nacked(),
        a.queueDepth() + b.queueDepth(), a.inFlight() + b.inFlight(), a.lost() + b.lost());
  }

  /**
   * Items of the HTTP channel settled with this outcome ({@code acked}, {@code nacked},
   * {@code rejected}) or refused ({@code refused}): unlike {@link #stats()}, it leaves out what the
   * guard's collector records straight through the pipeline.
   */
  long channelItems(String outcome) {
    return http.measurements().stream()
        .filter(m -> m.name().equals("metrics_http_buffer_items_total") && outcome.equals(m.labels().get("outcome")))
        .mapToLong(m -> (long) m.value()).sum();
  }

  /** Prints the address and the curl commands. */
  void printBanner(PrintStream out) {
    out.println("Metrics Pipeline quick start: HTTP ingestion channel, in-memory storage with rollups"
        + " (--once: a one-shot report instead)");
    out.println(storage.dataDir().map(dir -> String.format(Locale.ROOT,
        "Loaded %d points from %s (durable store: what it stores is kept across restarts; --data-dir none: memory only)",
        storage.loadedPoints(), dir.toAbsolutePath().normalize()))
        .orElse("Memory-only store (--data-dir none): nothing is kept across restarts"));
    if (fed == null && storage.loadedPoints() > 0) {
      out.println("Synthetic feed skipped: the store already holds data");
    } else if (fed == null) {
      out.println("No synthetic data (--no-synthetic): the store is empty");
    } else {
      out.printf(Locale.ROOT, "Fed %d synthetic items (%d points), %s to %s, rolled up: %d buckets%n",
          fed.items(), fed.points(), fed.start(), fed.end(), fed.rollup().lastResult());
    }
    out.println("Serving the API on " + uri() + " (Ctrl-C stops it gracefully)");
    out.println("Dashboard: " + dashboardUri() + " (the synthetic data and the guard's own metrics, recorded every "
        + COLLECTOR_INTERVAL.toSeconds() + "s; all dashboards: " + uri() + "/dashboards)");
    out.println("The guard watches " + guard.componentNames() + " every " + GUARD_CHECK_INTERVAL.toSeconds()
        + "s: GET /health, GET /metrics (Prometheus), GET /api/v1/status, /api/v1/alerts, /api/v1/metrics");
    out.println("Runs the sample config (metrics-pipeline sample-config DIR writes it; metrics-pipeline run"
        + " --config-dir DIR runs it the same way): " + runtime.startOrder().size() + " parts " + runtime.startOrder()
        + ", status: GET " + uri() + Orchestrator.STATUS_PATH);
    out.println("Try:");
    for (Example e : examples) {
      out.println("  " + e.curl());
    }
  }

  /** Blocks until {@link #close()} has finished (for example from the shutdown hook). */
  void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /**
   * Stops the pipeline gracefully (everything accepted is stored), then closes the HTTP server and
   * the store; logs what the stop flushed. Calling it again waits for the first call.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closing) {
        awaitQuietly();
        return;
      }
      closing = true;
    }
    URI address = http.uri();
    try {
      PipelineStats before = stats();
      runtime.close();
      PipelineStats after = stats();
      LOG.info("Stopped gracefully: flushed {} items ({} points) that were queued or in flight; "
              + "stored {} items ({} points) in total, rejected {}, dead-lettered {}",
          after.stored() - before.stored(), after.pointsStored() - before.pointsStored(),
          after.stored(), after.pointsStored(), after.rejected(), after.deadLettered());
      LOG.info("HTTP server on {} closed", address);
    } finally {
      closed.countDown();
    }
  }

  private void awaitQuietly() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One request of the walkthrough.
   *
   * @param method {@code GET} or {@code POST}
   * @param uri the full address, with its query string
   * @param body the JSON body of a POST, empty for a GET
   */
  record Example(String method, URI uri, String body) {

    static Example get(String base, String pathAndQuery) {
      return new Example("GET", URI.create(base + pathAndQuery), "");
    }

    static Example post(String base, String path, String body) {
      return new Example("POST", URI.create(base + path), body);
    }

    /** The ready-to-paste curl command (single quotes: the shell passes everything as is). */
    String curl() {
      if (method.equals("GET")) {
        return "curl -s '" + uri + "'";
      }
      return "curl -s -X POST '" + uri + "' -H 'Content-Type: application/json' -d '" + body + "'";
    }
  }

  /**
   * What serve mode does.
   *
   * @param data the synthetic data fed (and the clock)
   * @param port the port to serve on, 0 for any free one
   * @param synthetic whether to feed the synthetic data first
   * @param ack when ingestion requests are answered ({@code --ack stored|accepted})
   * @param rateLimits whether seed 001's per-IP rate limits apply ({@code --rate-limits on|off}, on by default)
   * @param maxPoints the in-memory store's bound on points ({@code --max-points})
   * @param extraCharts charts added to the quick start's dashboard after the synthetic and the
   *     guard's ones
   * @param dataDir the store's data directory ({@code --data-dir}), empty for memory only
   */
  record ServeOptions(QuickStart.Options data, int port, boolean synthetic, AckMode ack, boolean rateLimits,
      long maxPoints, List<VisualizationSpec> extraCharts, Optional<Path> dataDir) {

    /** Memory-only options. */
    ServeOptions(QuickStart.Options data, int port, boolean synthetic, AckMode ack, boolean rateLimits,
        long maxPoints, List<VisualizationSpec> extraCharts) {
      this(data, port, synthetic, ack, rateLimits, maxPoints, extraCharts, Optional.empty());
    }

    ServeOptions {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(ack, "ack");
      extraCharts = List.copyOf(extraCharts);
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
      }
      if (maxPoints < 1) {
        throw new IllegalArgumentException("--max-points must be at least 1, got " + maxPoints);
      }
    }

    /** The options from command-line arguments; fails naming the argument that is wrong. */
    static ServeOptions parse(String[] args, Clock clock) {
      int port = DEFAULT_PORT;
      boolean synthetic = true;
      AckMode ack = AckMode.STORED;
      boolean rateLimits = true;
      long maxPoints = InMemoryStorageAdapter.DEFAULT_MAX_POINTS;
      Optional<Path> dataDir = Optional.of(Path.of(DEFAULT_DATA_DIR));
      List<String> rest = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--serve" -> { } // serving is the default; kept for the scripts that still pass it
          case "--no-synthetic" -> synthetic = false;
          case "--port" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--port needs a value");
            }
            String value = args[++i];
            try {
              port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--port must be an integer, got '" + value + "'");
            }
          }
          case "--ack" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--ack needs a value: stored or accepted");
            }
            ack = parseAck(args[++i]);
          }
          case "--rate-limits" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--rate-limits needs a value: on or off");
            }
            String value = args[++i];
            rateLimits = switch (value) {
              case "on" -> true;
              case "off" -> false;
              default -> throw new IllegalArgumentException("--rate-limits must be on or off, got '" + value + "'");
            };
          }
          case "--max-points" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--max-points needs a value");
            }
            String value = args[++i];
            try {
              maxPoints = Long.parseLong(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--max-points must be an integer, got '" + value + "'");
            }
          }
          case "--data-dir" -> {
            if (i + 1 >= args.length || args[i + 1].isBlank()) {
              throw new IllegalArgumentException("--data-dir needs a value: a directory, or none for memory only");
            }
            String value = args[++i];
            dataDir = value.equals("none") ? Optional.empty() : Optional.of(Path.of(value));
          }
          default -> rest.add(args[i]);
        }
      }
      return new ServeOptions(QuickStart.Options.parse(rest.toArray(String[]::new), clock), port, synthetic, ack,
          rateLimits, maxPoints, List.of(), dataDir);
    }

    private static AckMode parseAck(String value) {
      try {
        return AckMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--ack must be stored or accepted, got '" + value + "'");
      }
    }
  }
}
