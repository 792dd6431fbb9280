package org.metricspipeline.runtime.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.metricspipeline.adapters.http.AckMode;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.adapters.http.JwtAuth;
import org.metricspipeline.adapters.memory.InMemoryVisualizationAdapter;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.sink.ColumnMapping;
import org.metricspipeline.api.sink.TableSink;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.PipelineStats;
import org.metricspipeline.core.StreamingJob;
import org.metricspipeline.core.TimeSeriesEngine;
import org.metricspipeline.core.WindowOutput;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.HttpEndpoint;
import org.metricspipeline.guard.Baselines;
import org.metricspipeline.guard.GuardConfig;
import org.metricspipeline.guard.GuardEndpoints;
import org.metricspipeline.guard.MetricsCollector;
import org.metricspipeline.guard.SelfHealingPipelineGuard;
import org.metricspipeline.runtime.HttpConfig;
import org.metricspipeline.runtime.Part;
import org.metricspipeline.runtime.PartKind;
import org.metricspipeline.runtime.PipelineConfig;
import org.metricspipeline.runtime.ProviderConfig;
import org.metricspipeline.runtime.RuntimeConfig;
import org.metricspipeline.runtime.StreamingSinkConfig;

/**
 * Turns a {@link RuntimeConfig} into orchestrated parts, every adapter created through the provider
 * SPI ({@link AdapterRegistry}) by its provider name and options. Nothing is created before its
 * part starts.
 *
 * <p>Per pipeline {@code P}: {@code storage.P}; {@code pipeline.P}, the pipeline that runs P's
 * rollups and retention and takes direct producers (the guard's collector); one
 * {@code channel.P.<provider>} per channel other than {@code http}, each a channel with its own
 * pipeline polling it into P's store (a {@link MetricsPipeline} polls one channel). Then
 * {@code visualization}, {@code http} (the server: the {@code http} channel of the pipeline that
 * declares one, else of the first pipeline; it serves the query API over that pipeline's store, the
 * orchestrator status, the guard's endpoints and the built-in dashboards), {@code guard},
 * {@code collector} and {@code streaming} (the windowed aggregations).
 */
public final class ConfiguredParts {

  /** The channel provider that is the HTTP server. */
  public static final String HTTP_PROVIDER = "http";
  /** Metric type of window results written back to a store when {@code streaming.sink} is not set. */
  public static final String AGGREGATION_METRIC_TYPE = "aggregation";
  /** Longest wait for a store's health check at start. */
  private static final Duration STORE_CHECK_TIMEOUT = Duration.ofSeconds(60);
  /** Channel options of {@code http} (the rest is the {@code http} section). */
  private static final Set<String> HTTP_CHANNEL_OPTIONS = Set.of("capacity", "ack-mode", "stored-timeout",
      "retry-after", "max-body-bytes", "max-threads", "shutdown-timeout");

  private final RuntimeConfig config;
  private final AdapterRegistry registry;
  private final Clock clock;
  private final HttpEndpoint statusEndpoint;
  private final List<Part> parts = new ArrayList<>();
  private final Map<String, AtomicReference<StorageAdapter>> storages = new LinkedHashMap<>();
  private final Map<String, AtomicReference<MetricsPipeline>> pipelines = new LinkedHashMap<>();
  private final Map<String, IngestionAdapter> channels = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicReference<HttpIngestionAdapter> http = new AtomicReference<>();
  private final AtomicReference<GuardEndpoints> guardEndpoints = new AtomicReference<>();
  private final AtomicReference<SelfHealingPipelineGuard> guard = new AtomicReference<>();
  private final AtomicReference<StreamingJob> streaming = new AtomicReference<>();
  private final AtomicReference<VisualizationAdapter> visualization = new AtomicReference<>();
  private final AtomicReference<MetricsCollector> collector = new AtomicReference<>();
  private final Map<String, AtomicReference<MetricsPipeline>> pumps = new LinkedHashMap<>();

  /**
   * The parts of {@code config}.
   *
   * @param statusEndpoint the orchestrator's status endpoint, mounted on the HTTP server
   * @throws ConfigurationException when the config asks for something the runtime cannot wire
   */
  public ConfiguredParts(RuntimeConfig config, AdapterRegistry registry, Clock clock, HttpEndpoint statusEndpoint) {
    this.config = Objects.requireNonNull(config, "config");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.statusEndpoint = Objects.requireNonNull(statusEndpoint, "statusEndpoint");
    if (config.pipelines().isEmpty()) {
      throw new ConfigurationException("pipelines: at least one pipeline is required");
    }
    PipelineConfig httpPipeline = httpPipeline(config);
    config.aggregations().ifPresent(a -> config.requirePipeline(a.pipeline()));
    for (PipelineConfig p : config.pipelines()) {
      addStorage(p);
      addPipeline(p);
      Map<String, Integer> seen = new HashMap<>();
      for (ProviderConfig c : p.channels()) {
        if (!c.provider().equals(HTTP_PROVIDER)) {
          int n = seen.merge(c.provider(), 1, Integer::sum);
          addChannel(p, c, "channel." + p.name() + "." + c.provider() + (n == 1 ? "" : "-" + n));
        }
      }
    }
    config.visualization().ifPresent(this::addVisualization);
    if (config.http().enabled()) {
      addHttp(config.http(), httpPipeline);
    }
    config.guard().ifPresent(this::addGuard);
    config.aggregations().ifPresent(a -> addStreaming(config.requirePipeline(a.pipeline()), a.jobConfig(), a.sink()));
  }

  /** The parts, in the order added (the orchestrator orders them). */
  public List<Part> parts() {
    return List.copyOf(parts);
  }

  /** The HTTP server's address once it runs. */
  public Optional<URI> httpUri() {
    return Optional.ofNullable(http.get()).map(HttpIngestionAdapter::uri);
  }

  /** The running pipeline (rollups, retention, direct producers) of this name, once started. */
  public Optional<MetricsPipeline> pipeline(String name) {
    AtomicReference<MetricsPipeline> ref = pipelines.get(name);
    return ref == null ? Optional.empty() : Optional.ofNullable(ref.get());
  }

  /** The running store of this pipeline, once started. */
  public Optional<StorageAdapter> storage(String pipeline) {
    AtomicReference<StorageAdapter> ref = storages.get(pipeline);
    return ref == null ? Optional.empty() : Optional.ofNullable(ref.get());
  }

  /** The pipeline polling the channel of this part ({@code http}, {@code channel.P.<provider>}), once started. */
  public Optional<MetricsPipeline> channelPipeline(String part) {
    AtomicReference<MetricsPipeline> ref = pumps.get(part);
    return ref == null ? Optional.empty() : Optional.ofNullable(ref.get());
  }

  /** The HTTP server once it runs. */
  public Optional<HttpIngestionAdapter> httpServer() {
    return Optional.ofNullable(http.get());
  }

  /** The visualization adapter once it runs. */
  public Optional<VisualizationAdapter> visualization() {
    return Optional.ofNullable(visualization.get());
  }

  /** The guard once it runs. */
  public Optional<SelfHealingPipelineGuard> guard() {
    return Optional.ofNullable(guard.get());
  }

  /** The guard's collector once it runs. */
  public Optional<MetricsCollector> collector() {
    return Optional.ofNullable(collector.get());
  }

  /** The pipeline whose {@code http} channel the server is: the one declaring it, else the first. */
  private static PipelineConfig httpPipeline(RuntimeConfig config) {
    List<PipelineConfig> declaring = config.pipelines().stream()
        .filter(p -> p.channels().stream().anyMatch(c -> c.provider().equals(HTTP_PROVIDER))).toList();
    if (declaring.size() > 1) {
      throw new ConfigurationException("pipelines: only one pipeline may have an http channel (there is one HTTP "
          + "server); declared by " + declaring.stream().map(PipelineConfig::name).toList());
    }
    for (PipelineConfig p : declaring) {
      if (p.channels().stream().filter(c -> c.provider().equals(HTTP_PROVIDER)).count() > 1) {
        throw new ConfigurationException("pipelines." + p.name() + ".channels: http is declared twice");
      }
      if (!config.http().enabled()) {
        throw new ConfigurationException("pipelines." + p.name() + ".channels: an http channel needs http.enabled: true");
      }
    }
    return declaring.isEmpty() ? config.pipelines().get(0) : declaring.get(0);
  }

  private void addStorage(PipelineConfig p) {
    AtomicReference<StorageAdapter> ref = new AtomicReference<>();
    storages.put(p.name(), ref);
    ProviderConfig s = p.storage();
    parts.add(Part.of("storage." + p.name(), PartKind.STORAGE, List.of(), () -> {
      StorageAdapter created = registry.createStorage(s.provider(), s.adapterConfig());
      try {
        requireReachable(created, "pipelines." + p.name() + ".storage (" + s.provider() + ")");
      } catch (RuntimeException e) {
        created.close();
        throw e;
      }
      StreamingJob job = streaming.get();
      ref.set(job != null && streamingReads(p) ? job.tee(created) : created);
    }, () -> ref.get().close(), () -> Map.of("provider", s.provider())));
  }

  /**
   * A store that does not answer its health check at start fails its part, so that the orchestrator
   * rolls back and the error names it, instead of every batch failing later (ClickHouse creates its
   * tables on this first check). Degraded is enough to start.
   */
  private static void requireReachable(StorageAdapter store, String what) {
    HealthCheckResult health;
    try {
      health = store.healthCheck().get(STORE_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new StorageUnavailableException(what + " is not reachable: " + e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new StorageUnavailableException(what + " did not answer its health check within " + STORE_CHECK_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailableException(what + ": interrupted while checking it");
    }
    if (health.status() == HealthStatus.UNHEALTHY) {
      throw new StorageUnavailableException(what + " is not reachable: "
          + health.details().getOrDefault("reason", health.details()));
    }
  }

  private boolean streamingReads(PipelineConfig p) {
    return config.aggregations().map(a -> a.pipeline().equals(p.name())).orElse(false);
  }

  private void addPipeline(PipelineConfig p) {
    AtomicReference<MetricsPipeline> ref = new AtomicReference<>();
    pipelines.put(p.name(), ref);
    parts.add(Part.of("pipeline." + p.name(), PartKind.PIPELINE, List.of("storage." + p.name()),
        pipelineStopTimeout(p), () -> {
          MetricsPipeline pipeline = p.applyTo(MetricsPipeline.builder().storage(storages.get(p.name()).get())
              .clock(clock)).build();
          pipeline.startProcessing();
          ref.set(pipeline);
        }, () -> {
          MetricsPipeline pipeline = ref.get();
          pipeline.stop().join();
          pipeline.timeSeries().ifPresent(TimeSeriesEngine::close); // the store is closed by its own part
        }, () -> pipelineDetails(ref.get())));
  }

  /** A pipeline's stop waits up to its drain timeout plus two store timeouts (MetricsPipeline's bound). */
  private static Duration pipelineStopTimeout(PipelineConfig p) {
    return p.batch().drainTimeout().plus(p.batch().storeTimeout().multipliedBy(2)).plusSeconds(5);
  }

  private static Map<String, Object> pipelineDetails(MetricsPipeline pipeline) {
    PipelineStats s = pipeline.stats();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("accepted", s.accepted());
    d.put("stored", s.stored());
    d.put("points_stored", s.pointsStored());
    d.put("rejected", s.rejected());
    d.put("dead_lettered", s.deadLettered());
    d.put("queue_depth", s.queueDepth());
    return d;
  }

  /** A channel and the pipeline polling it into the store of {@code p}. */
  private void addChannel(PipelineConfig p, ProviderConfig c, String name) {
    AtomicReference<MetricsPipeline> pump = new AtomicReference<>();
    pumps.put(name, pump);
    parts.add(Part.of(name, PartKind.CHANNEL, List.of("pipeline." + p.name()), pipelineStopTimeout(p),
        () -> {
          IngestionAdapter channel = registry.createIngestion(c.provider(), c.adapterConfig());
          try {
            pump.set(startPump(p, channel));
          } catch (RuntimeException e) {
            channel.close();
            throw e;
          }
          channels.put(name, channel);
        }, () -> stopPump(pump.get()), () -> {
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("provider", c.provider());
          d.putAll(pipelineDetails(pump.get()));
          return d;
        }));
  }

  /** A pipeline without jobs polling {@code channel} into the store of {@code p}, started. */
  private MetricsPipeline startPump(PipelineConfig p, IngestionAdapter channel) {
    MetricsPipeline pump = p.batch().applyTo(MetricsPipeline.builder()).storage(storages.get(p.name()).get())
        .ingestion(channel).clock(clock).build();
    pump.startProcessing();
    return pump;
  }

  /** Drains the pump into the store, then closes its channel (not the shared store). */
  private static void stopPump(MetricsPipeline pump) {
    pump.stop().join();
    pump.ingestion().ifPresent(IngestionAdapter::close);
  }

  private void addVisualization(ProviderConfig v) {
    String first = config.pipelines().get(0).name();
    parts.add(Part.of("visualization", PartKind.VISUALIZATION, List.of("storage." + first), () -> {
          if (v.provider().equals("memory")) {
            // built directly: the provider-built one has no store to chart, and its pages are mounted on the server
            v.adapterConfig().requireOnlyKnownKeys("memory visualization provider", Set.of());
            visualization.set(InMemoryVisualizationAdapter.builder().storage(storages.get(first).get()).clock(clock)
                .build());
          } else {
            VisualizationAdapter created = registry.createVisualization(v.provider(), v.adapterConfig());
            try {
              created.connect().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              created.close();
              throw e;
            }
            visualization.set(created);
          }
        }, () -> visualization.get().close(), () -> Map.of("provider", v.provider())));
  }

  private void addHttp(HttpConfig h, PipelineConfig p) {
    Optional<ProviderConfig> channel = p.channels().stream().filter(c -> c.provider().equals(HTTP_PROVIDER)).findFirst();
    AdapterConfig options = channel.map(ProviderConfig::adapterConfig).orElse(AdapterConfig.empty());
    options.requireOnlyKnownKeys("http channel of pipelines." + p.name()
        + " (address, port, tokens and rate limits are set in the http section)", HTTP_CHANNEL_OPTIONS);
    List<String> deps = new ArrayList<>(List.of("pipeline." + p.name()));
    if (config.visualization().isPresent()) {
      deps.add("visualization");
    }
    AtomicReference<MetricsPipeline> pump = new AtomicReference<>();
    pumps.put("http", pump);
    parts.add(Part.of("http", PartKind.HTTP_SERVER, deps, pipelineStopTimeout(p), () -> {
      HttpIngestionAdapter.Builder b = HttpIngestionAdapter.builder().host(h.bindAddress()).port(h.port())
          .storage(storages.get(p.name()).get()).clock(clock).endpoints(List.of(statusEndpoint));
      applyChannelOptions(b, options);
      applySecurity(b, h);
      if (config.guard().isPresent()) {
        b.endpoints(GuardEndpoints.deferred(guardEndpoints::get));
      }
      if (visualization.get() instanceof InMemoryVisualizationAdapter charts) {
        b.endpoints(charts.endpoints());
      }
      HttpIngestionAdapter server = b.build();
      try {
        pump.set(startPump(p, server));
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      http.set(server);
    }, () -> stopPump(pump.get()), () -> {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("url", http.get().uri().toString());
      d.put("pipeline", p.name());
      d.put("authentication", h.authenticationEnabled());
      d.putAll(pipelineDetails(pump.get()));
      return d;
    }));
  }

  private static void applyChannelOptions(HttpIngestionAdapter.Builder b, AdapterConfig o) {
    o.getString("capacity").ifPresent(v -> AdapterConfig.apply("capacity", () -> b.capacity(o.getInt("capacity", 0))));
    o.getString("ack-mode").ifPresent(v -> {
      try {
        b.ackMode(AckMode.parse(v));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("setting 'ack-mode' must be stored or accepted, got '" + v + "'");
      }
    });
    o.getString("stored-timeout").ifPresent(v -> AdapterConfig.apply("stored-timeout",
        () -> b.storedTimeout(AdapterConfig.parseDuration("stored-timeout", v))));
    o.getString("retry-after").ifPresent(v -> AdapterConfig.apply("retry-after",
        () -> b.retryAfter(AdapterConfig.parseDuration("retry-after", v))));
    o.getString("max-body-bytes").ifPresent(v -> AdapterConfig.apply("max-body-bytes",
        () -> b.maxBodyBytes(o.getInt("max-body-bytes", 0))));
    o.getString("max-threads").ifPresent(v -> AdapterConfig.apply("max-threads",
        () -> b.maxThreads(o.getInt("max-threads", 0))));
    o.getString("shutdown-timeout").ifPresent(v -> AdapterConfig.apply("shutdown-timeout",
        () -> b.shutdownTimeout(AdapterConfig.parseDuration("shutdown-timeout", v))));
  }

  /** Tokens, rate limits and JWTs of the {@code http} section. */
  private void applySecurity(HttpIngestionAdapter.Builder b, HttpConfig h) {
    if (!h.bearerTokens().isEmpty()) {
      AdapterConfig.apply("http.bearer_tokens", () -> b.bearerTokens(h.bearerTokens()));
    }
    b.authenticateHealth(h.authenticateHealth());
    if (h.rateLimits().isEmpty()) {
      b.noRateLimits();
    } else {
      for (Map.Entry<EndpointKind, Integer> e : h.rateLimits().entrySet()) {
        AdapterConfig.apply("http.rate_limits." + e.getKey().name().toLowerCase(java.util.Locale.ROOT),
            () -> b.rateLimit(e.getKey(), e.getValue()));
      }
    }
    // http.auth.jwt: JWTs validated beside the static tokens (adapters-http's JwtAuth), keys named by path
    if (!h.jwt().isEmpty()) {
      b.jwt(JwtAuth.fromMap(h.jwt(), key -> "http.auth.jwt." + key, clock));
    }
  }

  private void addGuard(GuardConfig g) {
    String first = config.pipelines().get(0).name();
    List<String> watched = new ArrayList<>(List.of("pipeline." + first));
    parts.stream().filter(p -> p.kind() == PartKind.CHANNEL).forEach(p -> watched.add(p.name()));
    if (config.http().enabled()) {
      watched.add("http");
    }
    AtomicReference<Baselines> baselines = new AtomicReference<>();
    parts.add(Part.of("guard", PartKind.GUARD, watched, () -> {
      SelfHealingPipelineGuard.Builder b = g.applyTo(SelfHealingPipelineGuard.builder()
          .pipeline(pipelines.get(first).get()).clock(clock));
      channels.forEach((name, channel) -> b.component(name, channel::healthCheck));
      HttpIngestionAdapter server = http.get();
      if (server != null) {
        b.component("http", server::healthCheck);
      }
      SelfHealingPipelineGuard built = b.build();
      baselines.set(g.baselines().alertsTo(built).build());
      guardEndpoints.set(GuardEndpoints.builder(built).baselines(baselines.get()).build());
      built.startMonitoring();
      guard.set(built);
    }, () -> guard.get().close(), () -> Map.of("components", guard.get().componentNames(),
        "overall_health", guard.get().getSystemStatus().overall().toString().toLowerCase(java.util.Locale.ROOT))));
    parts.add(Part.of("collector", PartKind.COLLECTOR, List.of("guard"), () -> {
      MetricsCollector.Builder cb = MetricsCollector.builder(pipelines.get(first).get()).guard(guard.get()).clock(clock)
          .interval(g.collectorInterval()).baselines(baselines.get());
      // the channels are polled by pipelines of their own: their figures are recorded under their part names
      channels.forEach((name, channel) -> {
        if (channel instanceof SelfMeasuring s) {
          cb.component(name, s);
        }
      });
      HttpIngestionAdapter server = http.get();
      if (server != null) {
        cb.component("http", server);
      }
      MetricsCollector c = cb.build();
      guardEndpoints.set(GuardEndpoints.builder(guard.get()).collector(c).baselines(baselines.get()).build());
      c.startCollection();
      collector.set(c);
    }, () -> collector.get().close(), () -> Map.of("interval_seconds", g.collectorInterval().toSeconds())));
  }

  private void addStreaming(PipelineConfig p, Map<String, Object> jobConfig, Optional<StreamingSinkConfig> sink) {
    // built now, started last: the store of p feeds it (tee) from its start on; its output is made at start
    AtomicReference<WindowOutput> output = new AtomicReference<>();
    AtomicReference<TableSink> tableSink = new AtomicReference<>();
    String outputName = sink.map(k -> k.sink().provider() + ":" + k.table().name()).orElse("store:" + AGGREGATION_METRIC_TYPE);
    StreamingJob job = StreamingJob.builder("streaming").config(jobConfig).clock(clock)
        .output(new LateOutput(outputName, sink.map(k -> k.table().name()).orElse(AGGREGATION_METRIC_TYPE), output))
        .build();
    streaming.set(job);
    parts.add(Part.of("streaming", PartKind.JOB, List.of("pipeline." + p.name()), () -> {
      if (sink.isPresent()) {
        StreamingSinkConfig k = sink.get();
        TableSink created = registry.createTableSink(k.sink().provider(), k.sink().adapterConfig());
        try {
          created.createTable(k.table()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          created.close();
          throw e;
        }
        tableSink.set(created);
        output.set(WindowOutput.table(created, k.table().name(), ColumnMapping.of(k.mapping())));
      } else {
        output.set(WindowOutput.storage(storages.get(p.name()).get(), AGGREGATION_METRIC_TYPE));
      }
      job.start();
    }, () -> {
      try {
        job.close();
      } finally {
        TableSink t = tableSink.get();
        if (t != null) {
          t.close();
        }
      }
    }, () -> {
      StreamingJob.Status s = job.status();
      return Map.of("state", s.state().toString().toLowerCase(java.util.Locale.ROOT), "items_seen", s.itemsSeen(),
          "batches", s.batches(), "output", outputName);
    }));
  }

  /** An output made only when its part starts (the store or table sink does not exist before). */
  private static final class LateOutput implements WindowOutput {
    private final String name;
    private final String table;
    private final AtomicReference<WindowOutput> target;

    LateOutput(String name, String table, AtomicReference<WindowOutput> target) {
      this.name = name;
      this.table = table;
      this.target = target;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String table() {
      return table;
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> write(List<org.metricspipeline.core.WindowedAggregator.WindowResult> results,
        long batchId) {
      return target.get().write(results, batchId);
    }
  }
}
