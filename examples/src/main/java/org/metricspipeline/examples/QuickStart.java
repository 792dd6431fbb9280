package org.metricspipeline.examples;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.adapters.memory.MemoryStats;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.QuerySource;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.core.Aggregations;
import org.metricspipeline.core.JobStatus;
import org.metricspipeline.core.PipelineStats;
import org.metricspipeline.core.RollupSettings;
import org.metricspipeline.core.SyntheticData;
import org.metricspipeline.core.SyntheticData.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The quick start, and the main class of {@code metrics-examples.jar}. By default it serves the API
 * on {@code 127.0.0.1:8080} until Ctrl-C ({@link QuickStartServer}); with {@code --once} it runs a
 * pipeline on the embedded default (in-memory storage fed through an in-memory ingestion channel),
 * feeds it an hour of synthetic host metrics plus one {@link SyntheticData} pattern series, rolls it
 * up, stops it gracefully and prints what was stored and a few aggregations.
 *
 * <pre>{@code
 * java -jar examples/target/metrics-examples.jar [--port 8080] [--no-synthetic] [--ack accepted] [--rate-limits off]
 * java -jar examples/target/metrics-examples.jar --once [--seed N] [--hosts N] [--pattern NAME]
 * java -jar examples/target/metrics-examples.jar guard --help
 * }</pre>
 *
 * <p>{@code --serve}, the flag serving needed before it became the default, is still accepted.
 *
 * <p>With {@code --once}, half of the hosts send through the ingestion channel ({@code batchIngest}, as remote agents
 * would), the other half hand their items straight to {@code MetricsPipeline.processBatch} (as an
 * in-process producer would), and so does the pattern series ({@code latency_ms}). Same seed, same
 * values; only the timestamps follow the clock.
 *
 * <p>After feeding, the pipeline's rollup job runs once ({@code runRollupsNow}); the hour fed ends
 * at a 5-minute edge at or before {@code now - allowedLateness}, so its 5-minute buckets are closed
 * and the 5-minute avg series is answered from the 5-minute rollup, checked against raw points.
 */
public final class QuickStart {

  static final long DEFAULT_SEED = 42;
  static final int DEFAULT_HOSTS = 4;
  static final int MAX_HOSTS = 20;
  static final Duration DEFAULT_SPAN = Duration.ofHours(1);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  static final Duration STEP = Duration.ofMinutes(5);
  static final int ITEMS_PER_CALL = 100;
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
  static final int SAMPLE_SIZE = 3;
  static final Pattern DEFAULT_PATTERN = Pattern.COMBINED;
  /** The metric of the pattern series. */
  static final String PATTERN_METRIC = "latency_ms";
  /** The rollup job of the quick start's pipeline: 1m, 5m and 1h buckets, default lateness. */
  static final RollupSettings ROLLUPS = RollupSettings.builder()
      .resolutions(Resolution.ONE_MINUTE, Resolution.FIVE_MINUTES, Resolution.ONE_HOUR)
      .build();
  static final String PATTERN_NAMES = Stream.of(Pattern.values()).map(Pattern::wireName)
      .collect(Collectors.joining(", "));

  /** The flag of the one-shot report. */
  static final String ONCE = "--once";
  /** The options that only apply when serving, refused with {@link #ONCE}. */
  static final List<String> SERVE_ONLY =
      List.of("--port", "--no-synthetic", "--ack", "--rate-limits", "--max-points", "--data-dir");

  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: java -jar metrics-examples.jar [--port N] [--no-synthetic] [--ack MODE] [--rate-limits on|off]",
      "                                      [--max-points N] [--data-dir DIR] [--seed N] [--hosts N]",
      "                                      [--pattern NAME] [--help]",
      "",
      "Serves the HTTP API on 127.0.0.1 (HTTP ingestion channel, in-memory storage with 1m/5m/1h",
      "rollups), fed an hour of synthetic host metrics and one " + PATTERN_METRIC + " series first; serves a",
      "dashboard of that data and of the guard's own metrics, prints its address and a curl command",
      "per endpoint. Ctrl-C stops it gracefully.",
      "",
      "  --port N         port to serve on, 0 for any free one (default " + QuickStartServer.DEFAULT_PORT + ")",
      "  --no-synthetic   start with an empty store",
      "  --ack MODE       stored: answer ingestion once stored (default); accepted: 202 once queued",
      "  --rate-limits on|off  per-IP limits of 100/min, 1000/min on ingestion, 300/min on health",
      "                   (default on; off for benchmarks and load tests)",
      "  --max-points N   the in-memory store's bound on points (default "
          + InMemoryStorageAdapter.DEFAULT_MAX_POINTS + "); items beyond it are dead-lettered",
      "  --data-dir DIR   where the store keeps its data across restarts (default "
          + QuickStartServer.DEFAULT_DATA_DIR + "); none: memory only",
      "  --seed N         seed of the synthetic values (default " + DEFAULT_SEED + ")",
      "  --hosts N        number of hosts, 1 to " + MAX_HOSTS + " (default " + DEFAULT_HOSTS + ")",
      "  --pattern NAME   shape of the " + PATTERN_METRIC + " series: " + PATTERN_NAMES,
      "                   (default " + DEFAULT_PATTERN.wireName() + ")",
      "  --serve          accepted and ignored: serving is the default",
      "  --help           print this help and exit",
      "",
      "       java -jar metrics-examples.jar " + ONCE + " [--seed N] [--hosts N] [--pattern NAME]",
      "",
      "Runs once instead: a pipeline on the embedded default (in-memory storage, in-memory ingestion",
      "channel) fed the same synthetic hour, rolls it up, stops it gracefully, prints what it stored",
      "and a few aggregations, and exits.",
      "",
      "       java -jar metrics-examples.jar guard --help",
      "",
      "The self-healing guard's command line: --config FILE --daemon, --status, --alerts, --baselines,",
      "--analyze COMPONENT (the last four ask a running guard over HTTP).",
      "");

  private static final DateTimeFormatter HOUR_MINUTE =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private QuickStart() {}

  /**
   * Serves the quick start until Ctrl-C (or runs it once with {@code --once}, or the guard's command
   * line with {@code guard ...}); exits with 0 on success, 2 on bad arguments, 1 when the server
   * cannot start.
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("guard")) {
      GuardCli.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    int code = serves(args) ? serve(args, System.out, System.err) : run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Whether these arguments serve (the default): neither {@code --once} nor {@code --help}. */
  static boolean serves(String[] args) {
    List<String> list = List.of(args);
    return !list.contains(ONCE) && !list.contains("--help") && !list.contains("-h");
  }

  /** Parses the arguments and runs once ({@code --once} is optional here); returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    Options options;
    try {
      options = Options.parse(args, Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.print(USAGE);
      return 2;
    }
    run(options, out);
    return 0;
  }

  /**
   * Serve mode: starts the server, prints its curl commands, and blocks until the shutdown hook
   * (Ctrl-C) has stopped it; returns the exit code.
   */
  static int serve(String[] args, PrintStream out, PrintStream err) {
    QuickStartServer.ServeOptions options;
    try {
      options = QuickStartServer.ServeOptions.parse(args, Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.print(USAGE);
      return 2;
    }
    HeapPolicy.forThisJvm().ifPresent(policy -> {
      IdleCompaction.start(policy); // a daemon thread, for the life of the process
      LoggerFactory.getLogger(QuickStart.class).info(
          "heap sizing (one full collection when idle after writes returns unused heap, with {})", policy.describe());
    });
    HeapPolicy.hugePagesHint().ifPresent(hint -> LoggerFactory.getLogger(QuickStart.class).info(hint));
    QuickStartServer server;
    try {
      server = QuickStartServer.start(options);
    } catch (RuntimeException e) {
      err.println("could not start serving on port " + options.port() + ": " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "metrics-examples-shutdown-1"));
    server.printBanner(out);
    out.flush();
    try {
      server.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }

  /** Feeds, rolls up, stops, reads back, prints; returns what it printed. */
  static Summary run(Options options, PrintStream out) {
    Instant end = rangeEnd(options.clock());
    Instant start = end.minus(options.span());
    int ticks = Math.toIntExact(options.span().toMillis() / options.interval().toMillis());
    SyntheticMetrics data = new SyntheticMetrics(options.seed(), options.hosts(), start, options.interval(), ticks);
    List<MetricsData> patternSeries = SyntheticData.series(PATTERN_METRIC, options.pattern(), start,
        options.span(), options.interval(), options.seed());
    int channelHosts = (options.hosts() + 1) / 2;

    try (EmbeddedStack stack = EmbeddedStack.start(options.clock(), ROLLUPS)) {
      long viaChannel = 0;
      long viaBatch = 0;
      long points = 0;
      List<CompletableFuture<MetricsBatchResult>> direct = new ArrayList<>();
      for (int host = 0; host < options.hosts(); host++) {
        List<MetricsData> items = data.itemsOf(host);
        for (MetricsData item : items) {
          points += item.metrics().size();
        }
        for (int from = 0; from < items.size(); from += ITEMS_PER_CALL) {
          List<MetricsData> chunk = items.subList(from, Math.min(items.size(), from + ITEMS_PER_CALL));
          if (host < channelHosts) {
            requireAllSucceeded("batchIngest", stack.channel().batchIngest(chunk).join());
            viaChannel += chunk.size();
          } else {
            direct.add(stack.pipeline().processBatch(chunk));
            viaBatch += chunk.size();
          }
        }
      }
      for (int from = 0; from < patternSeries.size(); from += ITEMS_PER_CALL) {
        direct.add(stack.pipeline().processBatch(
            patternSeries.subList(from, Math.min(patternSeries.size(), from + ITEMS_PER_CALL))));
      }
      for (CompletableFuture<MetricsBatchResult> f : direct) {
        requireAllSucceeded("processBatch", f.join());
      }
      stack.awaitChannelDrained(DRAIN_TIMEOUT);
      JobStatus rollup = stack.timeSeries().runRollupsNow();
      if (rollup.lastError().isPresent()) {
        throw new IllegalStateException("rollup job failed: " + rollup.lastError().get());
      }
      stack.stop();

      Summary summary = summarize(stack.storage(), stack.pipeline().stats(), TimeRange.between(start, end),
          options.hosts(), channelHosts, viaChannel, viaBatch, points, options.pattern(), patternSeries.size(),
          rollup);
      print(summary, options, out);
      return summary;
    }
  }

  /**
   * Where the data fed ends: the last 5-minute edge at or before {@code now - allowedLateness}, so
   * the rollup job, run right after feeding, sees every bucket fed as closed.
   */
  static Instant rangeEnd(Clock clock) {
    long closed = clock.millis() - ROLLUPS.allowedLateness().toMillis();
    return Instant.ofEpochMilli(Aggregations.bucketStart(closed, STEP.toMillis()));
  }

  private static void requireAllSucceeded(String call, MetricsBatchResult result) {
    if (!result.allSucceeded()) {
      throw new IllegalStateException(call + " refused " + result.failureCount() + " item(s), first: "
          + result.failures().get(0).reason());
    }
  }

  private static Summary summarize(InMemoryStorageAdapter storage, PipelineStats stats, TimeRange range,
      int hosts, int channelHosts, long viaChannel, long viaBatch, long pointsFed, Pattern pattern,
      long patternItems, JobStatus rollup) {
    Map<String, Long> perMetric = new TreeMap<>();
    for (String name : SyntheticMetrics.METRIC_NAMES) {
      AggregationResult count = storage.aggregate(query(name, Aggregation.COUNT, range).build()).join();
      perMetric.put(name, count.singleValue().map(Double::longValue).orElse(0L));
    }
    List<MetricsData> sample = storage.query(MetricsQuery.builder()
        .metricType(SyntheticMetrics.METRIC_TYPE)
        .metricNames(SyntheticMetrics.CPU)
        .tag("host", SyntheticMetrics.hostName(0))
        .range(range)
        .limit(SAMPLE_SIZE)
        .build()).join();
    AggregationResult cpuByHost = storage.aggregate(
        query(SyntheticMetrics.CPU, Aggregation.AVG, range).groupBy("host").build()).join();
    AggregationResult cpuSeries = storage.aggregate(
        query(SyntheticMetrics.CPU, Aggregation.AVG, range).step(STEP).build()).join();
    AggregationResult cpuSeriesFromRaw = storage.aggregate(
        query(SyntheticMetrics.CPU, Aggregation.AVG, range).step(STEP).source(QuerySource.RAW).build()).join();
    double requestRate = storage.aggregate(query(SyntheticMetrics.REQUESTS, Aggregation.RATE, range).build())
        .join().singleValue().orElse(0.0);
    SeriesFigures patternFigures = new SeriesFigures(
        (long) patternValue(storage, Aggregation.COUNT, range),
        patternValue(storage, Aggregation.MIN, range),
        patternValue(storage, Aggregation.AVG, range),
        patternValue(storage, Aggregation.MAX, range));
    return new Summary(range, hosts, channelHosts, viaChannel, viaBatch, pointsFed, stats,
        storage.memoryStats(), perMetric, sample, cpuByHost, cpuSeries, requestRate, pattern, patternItems,
        patternFigures, rollup, cpuSeriesFromRaw);
  }

  private static double patternValue(InMemoryStorageAdapter storage, Aggregation function, TimeRange range) {
    return storage.aggregate(AggregationQuery.builder(PATTERN_METRIC, function)
        .metricType(SyntheticData.SERIES_METRIC_TYPE).range(range).build()).join().singleValue().orElse(Double.NaN);
  }

  /** Whether two answers have the same groups, bucket starts, counts and values (exactly). */
  static boolean sameAnswer(AggregationResult a, AggregationResult b) {
    return a.groups().equals(b.groups());
  }

  private static AggregationQuery.Builder query(String metric, Aggregation function, TimeRange range) {
    return AggregationQuery.builder(metric, function).metricType(SyntheticMetrics.METRIC_TYPE).range(range);
  }

  private static void print(Summary s, Options options, PrintStream out) {
    Instant start = s.range().start().orElseThrow();
    Instant end = s.range().end().orElseThrow();
    out.println("Metrics Pipeline quick start: in-memory storage fed through an in-memory ingestion channel");
    out.printf(Locale.ROOT, "Fed %d items (%d points): %d hosts x %d metrics every %ds, %s to %s UTC, seed %d%n",
        s.itemsFed(), s.pointsFed(), s.hosts(), SyntheticMetrics.METRIC_NAMES.size(),
        options.interval().toSeconds(), HOUR_MINUTE.format(start), HOUR_MINUTE.format(end), options.seed());
    out.printf(Locale.ROOT, "  %d items from %s via the ingestion channel, %d from %s via processBatch%n",
        s.itemsViaChannel(), hostRange(0, s.channelHosts()), s.itemsViaBatch(),
        hostRange(s.channelHosts(), s.hosts()));
    out.printf(Locale.ROOT, "  plus %d items of %s{pattern=%s} (SyntheticData.series) via processBatch%n",
        s.patternItems(), PATTERN_METRIC, s.pattern().wireName());
    out.printf(Locale.ROOT, "Rollup job run now (1m, 5m, 1h): %d buckets rolled up%n", s.rollup().lastResult());
    PipelineStats p = s.pipeline();
    out.printf(Locale.ROOT, "Stopped gracefully. Pipeline: received %d, stored %d items (%d points), "
        + "rejected %d, dead-lettered %d%n", p.received(), p.stored(), p.pointsStored(), p.rejected(),
        p.deadLettered());
    MemoryStats m = s.store();
    out.printf(Locale.ROOT, "Store: %d points in %d series, %.1f KiB (%.1f bytes/point)%n",
        m.points(), m.series(), m.bytesUsed() / 1024.0, m.bytesPerPoint());
    out.println("  points per metric: " + s.pointsPerMetric().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    out.printf(Locale.ROOT, "Query %s{host=%s}, first %d points:%n", SyntheticMetrics.CPU,
        SyntheticMetrics.hostName(0), SAMPLE_SIZE);
    for (MetricsData item : s.sample()) {
      for (Metric metric : item.metrics()) {
        out.printf(Locale.ROOT, "  %s  %s %s %s  %s%n", item.timestamp(), metric.name(),
            number(metric.value()), metric.unit(), new TreeMap<>(metric.tags()));
      }
    }
    out.println("avg(cpu_usage) by host, percent:");
    List<String> byHost = new ArrayList<>();
    for (GroupResult g : s.cpuByHost().groups()) {
      byHost.add(g.key().get("host") + " " + number(g.value()));
    }
    printWrapped(out, byHost, 5);
    out.println("avg(cpu_usage) over all hosts, 5-minute steps:");
    List<String> steps = new ArrayList<>();
    for (GroupResult g : s.cpuEvery5Minutes().groups()) {
      for (Bucket b : g.buckets()) {
        steps.add(HOUR_MINUTE.format(b.start()) + " " + number(b.value()));
      }
    }
    printWrapped(out, steps, 6);
    out.printf(Locale.ROOT, "avg(cpu_usage) 5m steps answered from %s (same values as raw: %s)%n",
        s.cpuEvery5Minutes().sources(), sameAnswer(s.cpuEvery5Minutes(), s.cpuEvery5MinutesFromRaw()) ? "yes" : "no");
    out.printf(Locale.ROOT, "rate(http_requests_total) over all hosts: %s requests/s%n", number(s.requestRate()));
    SeriesFigures f = s.patternFigures();
    out.printf(Locale.ROOT, "%s{pattern=%s}: %d points, min %s, avg %s, max %s%n", PATTERN_METRIC,
        s.pattern().wireName(), f.count(), number(f.min()), number(f.avg()), number(f.max()));
  }

  private static String hostRange(int from, int to) {
    if (to <= from) {
      return "no host";
    }
    return to - from == 1 ? SyntheticMetrics.hostName(from)
        : SyntheticMetrics.hostName(from) + ".." + SyntheticMetrics.hostName(to - 1);
  }

  /** The form every figure is printed in: one decimal. */
  static String number(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static void printWrapped(PrintStream out, List<String> cells, int perLine) {
    for (int i = 0; i < cells.size(); i += perLine) {
      out.println("  " + String.join("  ", cells.subList(i, Math.min(cells.size(), i + perLine))));
    }
  }

  /**
   * What the quick start does.
   *
   * @param seed seed of the synthetic values
   * @param hosts number of hosts, 1 to {@link #MAX_HOSTS}
   * @param span how far back the data goes from the run's end (aligned to {@link #STEP})
   * @param interval time between two items of a host (and of the pattern series)
   * @param pattern how the {@link #PATTERN_METRIC} series moves
   * @param clock where "now" comes from
   */
  record Options(long seed, int hosts, Duration span, Duration interval, Pattern pattern, Clock clock) {

    Options {
      Objects.requireNonNull(span, "span");
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(clock, "clock");
      if (hosts < 1 || hosts > MAX_HOSTS) {
        throw new IllegalArgumentException("--hosts must be between 1 and " + MAX_HOSTS + ", got " + hosts);
      }
      if (interval.toMillis() < 1 || span.compareTo(interval) < 0) {
        throw new IllegalArgumentException("interval must be at least 1ms and at most span, got "
            + interval + " for span " + span);
      }
    }

    static Options defaults(Clock clock) {
      return new Options(DEFAULT_SEED, DEFAULT_HOSTS, DEFAULT_SPAN, DEFAULT_INTERVAL, DEFAULT_PATTERN, clock);
    }

    /** The options from command-line arguments; fails naming the argument that is wrong. */
    static Options parse(String[] args, Clock clock) {
      long seed = DEFAULT_SEED;
      int hosts = DEFAULT_HOSTS;
      Pattern pattern = DEFAULT_PATTERN;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--seed" -> seed = parseLong(arg, valueOf(args, ++i, arg));
          case "--hosts" -> hosts = Math.toIntExact(parseLong(arg, valueOf(args, ++i, arg)));
          case "--pattern" -> pattern = parsePattern(arg, valueOf(args, ++i, arg));
          case ONCE -> { }
          default -> throw new IllegalArgumentException(SERVE_ONLY.contains(arg) || arg.equals("--serve")
              ? arg + " only applies when serving: drop " + ONCE
              : "unknown argument: " + arg);
        }
      }
      return new Options(seed, hosts, DEFAULT_SPAN, DEFAULT_INTERVAL, pattern, clock);
    }

    private static Pattern parsePattern(String option, String value) {
      try {
        return Pattern.fromWireName(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + " must be one of " + PATTERN_NAMES + ", got '" + value + "'");
      }
    }

    private static String valueOf(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static long parseLong(String option, String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " must be an integer, got '" + value + "'");
      }
    }
  }

  /**
   * What the quick start stored and printed.
   *
   * @param range the time range fed and queried
   * @param hosts number of hosts
   * @param channelHosts the first this many hosts sent through the channel, the rest via processBatch
   * @param itemsViaChannel host items ingested through the channel
   * @param itemsViaBatch host items handed to processBatch
   * @param pointsFed metrics in all host items fed
   * @param pipeline the pipeline's counters after the graceful stop
   * @param store the store's figures after the stop
   * @param pointsPerMetric count of stored points per metric name
   * @param sample the first cpu_usage points of the first host
   * @param cpuByHost avg(cpu_usage) grouped by host
   * @param cpuEvery5Minutes avg(cpu_usage) over all hosts in 5-minute buckets, as the planner chose
   * @param requestRate rate(http_requests_total) summed over the hosts, per second
   * @param pattern the pattern of the {@link #PATTERN_METRIC} series
   * @param patternItems items of the pattern series handed to processBatch (one point each)
   * @param patternFigures count, min, avg and max of the stored pattern series
   * @param rollup the rollup job's status after its run
   * @param cpuEvery5MinutesFromRaw the same query as {@code cpuEvery5Minutes}, from raw points only
   */
  record Summary(
      TimeRange range, int hosts, int channelHosts, long itemsViaChannel, long itemsViaBatch,
      long pointsFed, PipelineStats pipeline, MemoryStats store, Map<String, Long> pointsPerMetric,
      List<MetricsData> sample, AggregationResult cpuByHost, AggregationResult cpuEvery5Minutes,
      double requestRate, Pattern pattern, long patternItems, SeriesFigures patternFigures, JobStatus rollup,
      AggregationResult cpuEvery5MinutesFromRaw) {

    /** Host items fed (the pattern series not included). */
    long itemsFed() {
      return itemsViaChannel + itemsViaBatch;
    }
  }

  /**
   * Figures of one stored series.
   *
   * @param count points stored
   * @param min smallest value
   * @param avg average value
   * @param max largest value
   */
  record SeriesFigures(long count, double min, double avg, double max) {}
}
