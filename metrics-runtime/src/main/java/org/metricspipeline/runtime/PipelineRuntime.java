package org.metricspipeline.runtime;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.guard.MetricsCollector;
import org.metricspipeline.guard.SelfHealingPipelineGuard;
import org.metricspipeline.runtime.internal.ConfiguredParts;

/**
 * Everything a {@link RuntimeConfig} declares, running: stores, pipelines and channels created
 * through the provider SPI by name, the HTTP server (with {@code GET /api/v1/orchestrator/status}),
 * the guard and its collector, the windowed aggregations; started and stopped by an
 * {@link Orchestrator}. The Java API behind the {@code metrics-pipeline run} command.
 *
 * <pre>{@code
 * RuntimeConfig config = ConfigLoader.builder().configDir(Path.of("config")).env("prod").build().load();
 * try (PipelineRuntime runtime = PipelineRuntime.builder(config).build().start()) {
 *   runtime.httpUri();                 // where the server listens
 *   runtime.status().toJson();         // every part: state, uptime, last error
 *   runtime.awaitStopped();            // until close() (for example from a shutdown hook)
 * }
 * }</pre>
 *
 * <p>Parts, in start order: per pipeline {@code P}, {@code storage.P}, {@code pipeline.P} (rollups,
 * retention, direct producers) and one {@code channel.P.<provider>} per channel (a channel with the
 * pipeline polling it into P's store); then {@code visualization}, {@code http} (the server is the
 * {@code http} channel of the pipeline declaring one, else of the first pipeline, and serves the
 * query API over that pipeline's store), {@code guard} (watching the first pipeline, every channel
 * and the server), {@code collector}, {@code streaming}. A part that fails to start stops the ones
 * started before it and {@link #start()} throws {@link OrchestratorException} naming it.
 */
public final class PipelineRuntime implements AutoCloseable {

  private final Orchestrator orchestrator;
  private final ConfiguredParts parts;

  private PipelineRuntime(Builder b) {
    AtomicReference<Orchestrator> self = new AtomicReference<>();
    this.parts = new ConfiguredParts(b.config, b.registry, b.clock,
        Orchestrator.statusEndpoint(() -> Optional.ofNullable(self.get()).map(Orchestrator::status), b.clock));
    Orchestrator.Builder ob = Orchestrator.builder().clock(b.clock).parts(parts.parts());
    b.startTimeout.ifPresent(ob::startTimeout);
    b.stopTimeout.ifPresent(ob::stopTimeout);
    this.orchestrator = ob.build();
    self.set(orchestrator);
  }

  /** A builder for the runtime of {@code config}. */
  public static Builder builder(RuntimeConfig config) {
    return new Builder(config);
  }

  /**
   * Starts every part in order; returns this once all run.
   *
   * @throws OrchestratorException naming the part that failed (the others are stopped again)
   */
  public PipelineRuntime start() {
    orchestrator.start();
    return this;
  }

  /** The orchestrator: status, start order, the status endpoint. */
  public Orchestrator orchestrator() {
    return orchestrator;
  }

  /** The status of every part. */
  public OrchestratorStatus status() {
    return orchestrator.status();
  }

  /** The part names in start order. */
  public List<String> startOrder() {
    return orchestrator.startOrder();
  }

  /** The HTTP server's address while it runs; empty when {@code http.enabled} is false or not started. */
  public Optional<URI> httpUri() {
    return parts.httpUri();
  }

  /** The pipeline of this name while it runs (for direct producers: {@code processBatch}). */
  public Optional<MetricsPipeline> pipeline(String name) {
    return parts.pipeline(name);
  }

  /** The store of this pipeline while it runs. */
  public Optional<StorageAdapter> storage(String pipeline) {
    return parts.storage(pipeline);
  }

  /**
   * The pipeline polling the channel of this part into its pipeline's store ({@code http} for the
   * server, {@code channel.P.<provider>} for the others) while it runs: its counters are that
   * channel's.
   */
  public Optional<MetricsPipeline> channelPipeline(String part) {
    return parts.channelPipeline(part);
  }

  /** The HTTP server (the {@code http} channel) while it runs: its address, measurements, health. */
  public Optional<HttpIngestionAdapter> httpServer() {
    return parts.httpServer();
  }

  /** The visualization adapter while it runs ({@code memory}: the built-in dashboards served by the server). */
  public Optional<VisualizationAdapter> visualization() {
    return parts.visualization();
  }

  /** The guard while it runs; empty without a {@code guard} section. */
  public Optional<SelfHealingPipelineGuard> guard() {
    return parts.guard();
  }

  /** The guard's metrics collector while it runs; empty without a {@code guard} section. */
  public Optional<MetricsCollector> collector() {
    return parts.collector();
  }

  /** Blocks until {@link #close()} finished. */
  public void awaitStopped() throws InterruptedException {
    orchestrator.awaitStopped();
  }

  /** Stops every part gracefully, in reverse start order, each within its bound. */
  @Override
  public void close() {
    orchestrator.stop();
  }

  /** Options of a {@link PipelineRuntime}; {@link #build()} checks the config can be wired. */
  public static final class Builder {
    private final RuntimeConfig config;
    private AdapterRegistry registry = AdapterRegistry.using(defaultLoader());
    private Clock clock = Clock.systemUTC();
    private Optional<Duration> startTimeout = Optional.empty();
    private Optional<Duration> stopTimeout = Optional.empty();

    private Builder(RuntimeConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    private static ClassLoader defaultLoader() {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      return loader != null ? loader : PipelineRuntime.class.getClassLoader();
    }

    /** Where adapter providers are looked up [the context class loader's]. */
    public Builder registry(AdapterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The clock of every part [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Longest wait for one part's start [{@link Orchestrator#DEFAULT_START_TIMEOUT}]. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Optional.of(timeout);
      return this;
    }

    /** Longest wait for one part's stop, unless the part has its own [{@link Orchestrator#DEFAULT_STOP_TIMEOUT}]. */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = Optional.of(timeout);
      return this;
    }

    /**
     * The runtime, not started.
     *
     * @throws org.metricspipeline.api.ConfigurationException when the config asks for something the
     *     runtime cannot wire (two pipelines with an http channel, options the server does not take)
     */
    public PipelineRuntime build() {
      return new PipelineRuntime(this);
    }
  }
}
