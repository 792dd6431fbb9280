package org.metricspipeline.adapters.http;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.metricspipeline.adapters.http.internal.BearerAuth;
import org.metricspipeline.adapters.http.internal.ChannelBuffer;
import org.metricspipeline.adapters.http.internal.IdempotencyKeys;
import org.metricspipeline.adapters.http.internal.InfluxWriteEndpoint;
import org.metricspipeline.adapters.http.internal.IngestionRequests;
import org.metricspipeline.adapters.http.internal.RateLimiter;
import org.metricspipeline.adapters.http.internal.RemoteWriteEndpoint;
import org.metricspipeline.adapters.http.internal.RequestStats;
import org.metricspipeline.adapters.http.internal.EndpointHandler;
import org.metricspipeline.adapters.http.internal.JsonErrorHandler;
import org.metricspipeline.adapters.http.internal.NoStorage;
import org.metricspipeline.adapters.http.internal.OtlpMetricsEndpoint;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.OverloadedException;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.core.DiskBuffer;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.PipelineAware;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointRouter;
import org.metricspipeline.core.http.HttpEndpoint;
import org.metricspipeline.core.http.MetricsEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded HTTP server (Jetty 12, core handlers) that is an ingestion channel and serves every
 * endpoint: core's {@link MetricsEndpoints} over the given store, plus any contributed
 * {@link HttpEndpoint}s.
 *
 * <pre>{@code
 * InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
 * HttpIngestionAdapter http = HttpIngestionAdapter.builder().port(8080).storage(storage).build();
 * try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http).build()) {
 *   pipeline.startProcessing();      // polls what POST /api/v1/ingest and /metrics/ingest buffered
 *   ...                              // GET /health reports the pipeline; close() closes http too
 * }
 * }</pre>
 *
 * <h2>Channel</h2>
 * Ingestion endpoints (and in-process {@link #ingest}/{@link #batchIngest}) validate items and put
 * them in a bounded buffer of {@link Builder#capacity(int)} items and
 * {@link Builder#maxBufferedPoints(long)} points (queued plus delivered but not settled); the
 * pipeline {@link #poll}s them. A request whose items do not fit waits for room (in arrival order,
 * holding no thread) up to {@link Builder#fullBufferWait(Duration)}, so a producer that waits for
 * its answer is slowed to the store's pace; if there is still no room it is refused as a whole with
 * 503 and {@code Retry-After} ({@link Builder#retryAfter(Duration)}). One with more items than the
 * capacity, which could never fit, answers 413 with the limit; 429 is kept for rate limits.
 * See {@link AckMode} for when a request is answered ({@link AckMode#STORED} by default). Items
 * still buffered at {@link #close()} are lost (their number is logged); stop producers and drain the
 * pipeline first.
 *
 * <h2>Retries without duplicates</h2>
 * A request carrying an {@code Idempotency-Key} header (1 to 255 printable ASCII characters, for
 * example a UUID) and repeated with the same key and body within {@link Builder#idempotencyWindow}
 * is answered from the first request, with {@code Idempotent-Replayed: true}, and its items are not
 * buffered again: a client that got a 504 (or lost the answer) retries safely. A retry of a request
 * still being stored waits for it. A first request answered 5xx was not taken and is forgotten. The
 * same key with another body answers 422. At most {@link Builder#idempotencyMaxKeys} keys are kept.
 *
 * <h2>OpenTelemetry</h2>
 * {@code POST /v1/metrics} takes OTLP/HTTP in protobuf ({@code application/x-protobuf}) or JSON
 * ({@code application/json}), so an OpenTelemetry SDK or Collector can export here
 * ({@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=http://host:port/v1/metrics}). Each data point becomes
 * one item of metric type {@code otlp} and source {@code service.name}: gauges and sums as one metric
 * (sums tagged {@code otlp.temporality} and {@code otlp.monotonic}), histograms as
 * {@code <name>_count}, {@code <name>_sum} and cumulative {@code <name>_bucket} metrics with an
 * {@code le} tag; tags are resource, then scope, then point attributes (later wins), stringified.
 * It answers 200 with an {@code ExportMetricsServiceResponse} in the request's encoding whose
 * {@code partial_success} counts rejected data points (invalid ones, such as NaN values, and
 * exponential histograms, which are not supported), in both {@link AckMode}s.
 *
 * <h2>InfluxDB line protocol and Prometheus remote write</h2>
 * {@code POST /write} and {@code POST /api/v2/write} take InfluxDB line protocol ({@code precision},
 * gzip): each line is one item of metric type {@code influx} with a metric per field named
 * {@code {measurement}_{field}} as VictoriaMetrics names it, tagged with the line's tags (and
 * {@code db} from the {@code db} or {@code bucket} parameter). {@code POST /api/v1/write} takes
 * Prometheus remote write 1.0 (protobuf, snappy block format, its declared size checked against
 * {@link Builder#maxBodyBytes(int)} before decompressing): each sample is one item of metric type
 * {@code prometheus} named by {@code __name__}; staleness markers are skipped. Both answer 204, and
 * a 400 naming each bad line or sample while the valid ones are written.
 *
 * <h2>Server</h2>
 * Listens on {@value #DEFAULT_HOST} unless configured; the port is bound by {@link Builder#build()}
 * ({@code 0} picks a free one, see {@link #port()}). Requests run on an owned, bounded pool
 * ({@code metrics-http-server-N}, {@link Builder#maxThreads(int)}, at most
 * {@link Builder#maxConnections(int)} connections); timeouts run on {@code metrics-http-timer-1}.
 * Bodies larger than {@link Builder#maxBodyBytes(int)} (also after gzip decompression, accepted on
 * ingestion endpoints) answer 413. {@link #close()} stops accepting connections and lets in-flight
 * requests finish for up to {@link Builder#shutdownTimeout(Duration)}.
 *
 * <h2>Security</h2>
 * Optional bearer tokens: static ones ({@link Builder#bearerTokens}) and JWTs ({@link Builder#jwt}),
 * and per client-IP rate limits, on by
 * default with seed 001's figures ({@link Builder#defaultRateLimits()}; {@link Builder#rateLimit}
 * per kind, {@link Builder#noRateLimits()} for benchmarks); rate limits are checked first, so
 * guessing tokens is rate limited too.
 *
 * <h2>Health</h2>
 * {@code GET /health} reports the pipeline this adapter feeds (it is told by
 * {@link MetricsPipeline.Builder#build()}), {@code GET /health/live} only that the process answers
 * (the liveness probe), {@code GET /health/ready} whether the store is reachable (the readiness
 * probe). Answers are reused for 2 s, so probes do not reach the store on every call.
 *
 * <h2>Observability</h2>
 * {@code GET /metrics} serves Prometheus text (core's {@code PrometheusText}): the figures of the
 * pipeline built with this channel (its own, this server's and the store's), without the guard;
 * the guard's endpoints, when contributed, replace it with their richer text.
 * {@link #requestStats()} counts requests and latency per endpoint and status;
 * {@link #measurements()} reports them with refusals and the buffer's levels as Prometheus-shaped
 * {@code metrics_http_*} figures, which the pipeline appends to its own.
 */
public final class HttpIngestionAdapter implements IngestionAdapter, SelfMeasuring, PipelineAware {

  /** The provider name and {@link #name()}. */
  public static final String NAME = "http";
  /** Default address to listen on: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port. */
  public static final int DEFAULT_PORT = 8080;
  /** Default most items buffered. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /**
   * Default most points buffered: every buffered point is a live object the garbage collector copies
   * on each young collection, so the buffer is bounded in points as well as items.
   */
  public static final long DEFAULT_MAX_BUFFERED_POINTS = 200_000;
  /** Default wait of an ingestion request for room in a full buffer before it is answered 503. */
  public static final Duration DEFAULT_FULL_BUFFER_WAIT = Duration.ofSeconds(5);
  /** Default acknowledgement mode: answer once stored. */
  public static final AckMode DEFAULT_ACK_MODE = AckMode.STORED;
  /** Default wait for storage in {@link AckMode#STORED}. */
  public static final Duration DEFAULT_STORED_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@code Retry-After} when the buffer is full. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  /** Default largest request body: 10 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
  /** Default request threads. */
  public static final int DEFAULT_MAX_THREADS = 16;
  /** Default most open connections. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
  /** Seed 001's default rate limit per client IP for {@link EndpointKind#GENERAL} endpoints. */
  public static final int DEFAULT_GENERAL_REQUESTS_PER_MINUTE = 100;
  /** Seed 001's default rate limit per client IP for {@link EndpointKind#INGESTION} endpoints. */
  public static final int DEFAULT_INGESTION_REQUESTS_PER_MINUTE = 1000;
  /** Seed 001's default rate limit per client IP for {@link EndpointKind#HEALTH} endpoints. */
  public static final int DEFAULT_HEALTH_REQUESTS_PER_MINUTE = 300;
  /** Default window in which a repeated {@code Idempotency-Key} is answered from its first request. */
  public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofMinutes(10);
  /** Default most {@code Idempotency-Key}s remembered at once (about 0.5 KB each). */
  public static final int DEFAULT_IDEMPOTENCY_MAX_KEYS = 100_000;
  /** Default grace period for in-flight requests on close. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
  /** Share of capacity in use from which {@link #healthCheck()} reports degraded. */
  public static final double DEGRADED_UTILIZATION = 0.9;

  private static final Logger LOG = LoggerFactory.getLogger(HttpIngestionAdapter.class);
  private static final int INPUT_BUFFER_BYTES = 64 * 1024;

  private final Builder config;
  private final MetricsValidator validator;
  private final ChannelBuffer buffer;
  private final Duration fullBufferWait;
  private final ScheduledThreadPoolExecutor timer;
  private final Server server;
  private final ServerConnector connector;
  private final List<HttpEndpoint> endpoints;
  private final RequestStats stats = new RequestStats();
  private final IngestionRequests ingestRequests;
  private volatile MetricsPipeline pipeline;
  private final StorageAdapter storage; // may be null
  /** The optional disk buffer ({@link Builder#diskBuffer}); null without one. */
  private final DiskBuffer disk;
  private volatile boolean closed;

  private HttpIngestionAdapter(Builder b) {
    this.config = b;
    this.validator = b.validator;
    AtomicInteger n = new AtomicInteger();
    this.timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "metrics-http-timer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    this.buffer = new ChannelBuffer(b.capacity, b.maxBufferedPoints, b.retryAfter, timer, b.ackMode == AckMode.STORED,
        b.validator);
    // the wait counts within the request's deadline (storedTimeout, in both ack modes), whose 504 says
    // the items are buffered: the wait must end first, leaving room for the store's answer
    this.fullBufferWait = b.fullBufferWait.compareTo(b.storedTimeout.dividedBy(2)) > 0
        ? b.storedTimeout.dividedBy(2) : b.fullBufferWait;
    this.disk = b.diskBuffer == null ? null
        : DiskBuffer.builder(b.diskBuffer).maxBytes(b.diskBufferMaxBytes).retryAfter(b.retryAfter).build();
    if (disk != null) {
      redeliver(disk.recovered(), 0);
    }
    StorageAdapter storage = b.storage != null ? b.storage : new NoStorage();
    this.storage = b.storage;
    MetricsEndpoints.Builder mb = MetricsEndpoints.builder(storage).validator(b.validator).clock(b.clock)
        .ingest(this::offer, b.ackMode == AckMode.STORED ? 200 : 202)
        // a request larger than the buffer could never fit: 413, not a 503 retried forever
        .maxItemsPerRequest(b.capacity)
        .telemetry(this::telemetry);
    if (b.health != null) {
      mb.health(b.health);
    } else {
      // the pipeline polling this channel once it is built (see pipelineBuilt), until then the store's
      mb.health(() -> {
        MetricsPipeline p = pipeline;
        return p != null ? p.healthCheck() : b.storage != null ? b.storage.healthCheck() : healthCheck();
      });
    }
    List<HttpEndpoint> all = new ArrayList<>(mb.build().endpoints());
    all.add(new OtlpMetricsEndpoint(this::offer, b.validator, b.clock, b.capacity).endpoint());
    all.addAll(new InfluxWriteEndpoint(this::offer, b.validator, b.clock, b.capacity).endpoints());
    all.add(new RemoteWriteEndpoint(this::offer, b.validator, b.clock, b.capacity).endpoint());
    // A contributed endpoint replaces a built-in one with the same method and path (the guard's /health).
    java.util.Set<String> contributed = new java.util.HashSet<>();
    b.endpoints.forEach(e -> contributed.add(e.method() + " " + e.pathPattern()));
    all.removeIf(e -> contributed.contains(e.method() + " " + e.pathPattern()));
    all.addAll(b.endpoints);
    EndpointRouter router = EndpointRouter.of(all, b.clock);
    this.endpoints = router.endpoints();

    QueuedThreadPool pool = new QueuedThreadPool(b.maxThreads, Math.min(4, b.maxThreads));
    pool.setName("metrics-http-server");
    this.server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    // 1,000-point JSON bodies are about 75 KB: read them in fewer, larger chunks
    http11.setInputBufferSize(INPUT_BUFFER_BYTES);
    this.connector = new ServerConnector(server, 1, 1, http11);
    connector.setHost(b.host);
    connector.setPort(b.port);
    server.addConnector(connector);
    // bounded work: at most maxConnections connections, each with at most one request in flight
    server.addBean(new NetworkConnectionLimit(b.maxConnections, server));
    BearerAuth auth = b.tokens.isEmpty() ? null : new BearerAuth(b.tokens);
    RateLimiter limiter = b.rateLimits.isEmpty() ? null : new RateLimiter(b.rateLimits, b.clock);
    IdempotencyKeys keys = b.idempotencyMaxKeys == 0 ? null
        : new IdempotencyKeys(b.idempotencyWindow, b.idempotencyMaxKeys, b.clock);
    this.ingestRequests = new IngestionRequests(b.storedTimeout, b.retryAfter, timer, b.clock, keys);
    server.setHandler(new GracefulHandler(new EndpointHandler(router, b.maxBodyBytes, b.clock, auth, b.jwt,
        b.authenticateHealth, limiter, stats, ingestRequests)));
    server.setErrorHandler(new JsonErrorHandler(b.clock));
    server.setStopTimeout(b.shutdownTimeout.toMillis());
    try {
      server.start();
    } catch (Exception e) {
      timer.shutdownNow();
      try {
        server.stop();
      } catch (Exception ignored) {
        // best effort
      }
      throw new ConfigurationException("cannot listen on " + b.host + ":" + b.port + ": " + e.getMessage());
    }
    LOG.info("HTTP server listening on {} ({} endpoints, ack mode {}, rate limits {})", uri(), endpoints.size(),
        b.ackMode.wireName(), b.rateLimits.isEmpty() ? "off" : b.rateLimits);
  }

  /**
   * Called by {@link MetricsPipeline.Builder#build()} when this adapter is the pipeline's channel:
   * from then on {@code GET /health} reports the pipeline's health (unless {@link Builder#health}
   * chose another source) and {@code GET /metrics} the pipeline's figures (its own, this server's and
   * the store's); until then {@code GET /metrics} shows this server's and the store's figures.
   */
  @Override
  public void pipelineBuilt(MetricsPipeline pipeline) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
  }

  /** A builder with the defaults above. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  private List<Measurement> telemetry() {
    MetricsPipeline source = pipeline;
    if (source != null) {
      return source.measurements();
    }
    List<Measurement> out = new ArrayList<>(measurements());
    if (storage instanceof SelfMeasuring s) {
      out.addAll(s.measurements());
    }
    return out;
  }

  /** The port the server listens on (the bound one when built with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The server's base address, for example {@code http://127.0.0.1:8080}. */
  public URI uri() {
    return URI.create("http://" + config.host + ":" + port());
  }

  /** The mounted endpoints. */
  public List<HttpEndpoint> endpoints() {
    return endpoints;
  }

  /**
   * Requests answered so far, per endpoint pattern and status, with their latency: the server's own
   * counters (the guard serves them as Prometheus text).
   */
  public List<EndpointStats> requestStats() {
    return stats.snapshot();
  }

  /**
   * The server's figures: {@code metrics_http_requests_total} and
   * {@code metrics_http_request_duration_seconds_sum}/{@code _count} (labels {@code method},
   * {@code path} pattern, {@code status}), {@code metrics_http_rejected_requests_total}
   * ({@code reason}: {@code rate_limited}, {@code unauthorized}, {@code body_too_large},
   * {@code buffer_full}), {@code metrics_http_buffer_items} ({@code state}: {@code queued},
   * {@code unsettled}), {@code metrics_http_buffer_capacity_items}, {@code metrics_http_buffer_points}, {@code metrics_http_buffer_capacity_points}, {@code metrics_http_buffer_waiting_requests} and
   * {@code metrics_http_buffer_items_total} ({@code outcome}: {@code acked}, {@code nacked},
   * {@code rejected}, {@code refused}).
   */
  @Override
  public List<Measurement> measurements() {
    List<Measurement> out = new ArrayList<>(stats.measurements());
    out.add(new Measurement("metrics_http_buffer_items", Measurement.Kind.GAUGE,
        "Items in the HTTP channel's buffer: queued for the pipeline, or delivered and not settled",
        Map.of("state", "queued"), buffer.queued()));
    out.add(new Measurement("metrics_http_buffer_items", Measurement.Kind.GAUGE,
        "Items in the HTTP channel's buffer: queued for the pipeline, or delivered and not settled",
        Map.of("state", "unsettled"), buffer.unsettled()));
    out.add(Measurement.gauge("metrics_http_buffer_capacity_items",
        "The most items the HTTP channel's buffer holds", buffer.capacity()));
    out.add(Measurement.gauge("metrics_http_buffer_points",
        "Points in the HTTP channel's buffer: queued for the pipeline, or delivered and not settled", buffer.points()));
    out.add(Measurement.gauge("metrics_http_buffer_capacity_points",
        "The most points the HTTP channel's buffer holds (one larger request is let in alone)",
        config.maxBufferedPoints));
    out.add(Measurement.gauge("metrics_http_buffer_waiting_requests",
        "Ingestion requests waiting for room in the HTTP channel's buffer", buffer.waitingOffers()));
    long[] c = buffer.counters();
    String[] outcomes = {"acked", "nacked", "rejected", "refused"};
    for (int i = 0; i < outcomes.length; i++) {
      out.add(new Measurement("metrics_http_buffer_items_total", Measurement.Kind.COUNTER,
          "Items settled by the pipeline (acked, nacked, rejected) or refused because the buffer was full",
          Map.of("outcome", outcomes[i]), c[i]));
    }
    return out;
  }

  /** The acknowledgement mode of ingestion requests. */
  public AckMode ackMode() {
    return config.ackMode;
  }

  /**
   * Puts items a previous process left unsettled in the disk buffer back into the channel, as room
   * allows (retried every {@code retryAfter} while the channel is full).
   */
  private void redeliver(List<DiskBuffer.Pending> pending, int from) {
    int i = from;
    while (i < pending.size() && !closed) {
      DiskBuffer.Pending p = pending.get(i);
      try {
        buffer.offerAll(List.of(p.item()), false).get(0).whenComplete((ok, failure) -> disk.settle(p.sequence()));
      } catch (OverloadedException e) {
        int next = i;
        timer.schedule(() -> redeliver(pending, next), config.retryAfter.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      i++;
    }
  }

  /**
   * The sink of the ingestion endpoints: all items into the buffer (waiting up to
   * {@link Builder#fullBufferWait} for room), then answer per ack mode.
   */
  private CompletableFuture<MetricsBatchResult> offer(List<MetricsData> items) {
    long first;
    try {
      first = disk == null ? -1 : disk.append(items); // on disk before anyone hears "accepted"
    } catch (OverloadedException e) {
      if (!closed) {
        stats.rejected(RequestStats.Rejection.BUFFER_FULL);
      }
      return CompletableFuture.failedFuture(e);
    }
    return buffer.offerAll(items, fullBufferWait).handle((stored, failure) -> {
      if (failure != null) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        for (int i = 0; first >= 0 && i < items.size(); i++) {
          disk.settle(first + i); // refused: the producer retries it
        }
        if (!closed && t instanceof OverloadedException) {
          stats.rejected(RequestStats.Rejection.BUFFER_FULL);
        }
        return CompletableFuture.<MetricsBatchResult>failedFuture(t);
      }
      for (int i = 0; first >= 0 && i < stored.size(); i++) {
        long sequence = first + i;
        stored.get(i).whenComplete((ok, f) -> disk.settle(sequence));
      }
      return answer(items, stored);
    }).thenCompose(f -> f);
  }

  private CompletableFuture<MetricsBatchResult> answer(List<MetricsData> items, List<CompletableFuture<Void>> stored) {
    if (config.ackMode == AckMode.ACCEPTED) {
      return CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(items.size()));
    }
    // bounded by the stored timeout where the request is answered (IngestionRequests), which also
    // lets a retry with the same Idempotency-Key wait for these very items
    CompletableFuture<MetricsBatchResult> result = new CompletableFuture<>();
    List<CompletableFuture<MetricsBatchResult.Failure>> outcomes = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      int index = i;
      outcomes.add(stored.get(i).handle((ok, failure) -> {
        if (failure == null) {
          return null;
        }
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        return t instanceof MetricsValidationException v
            ? MetricsBatchResult.Failure.invalid(index, MetricsValidationResult.of(v.errors()))
            : MetricsBatchResult.Failure.of(index, String.valueOf(t.getMessage()));
      }));
    }
    CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenRun(() -> {
      List<MetricsBatchResult.Failure> failures = new ArrayList<>();
      for (CompletableFuture<MetricsBatchResult.Failure> o : outcomes) {
        MetricsBatchResult.Failure f = o.join();
        if (f != null) {
          failures.add(f);
        }
      }
      result.complete(MetricsBatchResult.of(items.size(), failures));
    });
    return result;
  }

  @Override
  public CompletableFuture<Void> ingest(MetricsData data) {
    Objects.requireNonNull(data, "data");
    MetricsValidationResult v = validator.validate(data);
    if (!v.valid()) {
      return CompletableFuture.failedFuture(new MetricsValidationException(v));
    }
    try {
      buffer.offerAll(List.of(data), true);
      return CompletableFuture.completedFuture(null);
    } catch (OverloadedException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<MetricsBatchResult> batchIngest(List<MetricsData> batch) {
    Objects.requireNonNull(batch, "batch");
    List<MetricsBatchResult.Failure> failures = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      MetricsValidationResult v = validator.validate(batch.get(i));
      if (!v.valid()) {
        failures.add(MetricsBatchResult.Failure.invalid(i, v));
        continue;
      }
      try {
        buffer.offerAll(List.of(batch.get(i)), true);
      } catch (OverloadedException e) {
        failures.add(MetricsBatchResult.Failure.of(i, e.getMessage()));
      }
    }
    return CompletableFuture.completedFuture(MetricsBatchResult.of(batch.size(), failures));
  }

  @Override
  public CompletableFuture<MetricsValidationResult> validate(MetricsData data) {
    return CompletableFuture.completedFuture(validator.validate(Objects.requireNonNull(data, "data")));
  }

  @Override
  public CompletableFuture<List<Delivery>> poll(int maxDeliveries, Duration maxWait) {
    if (maxDeliveries < 1) {
      throw new IllegalArgumentException("maxDeliveries must be >= 1, got " + maxDeliveries);
    }
    return buffer.poll(maxDeliveries, Objects.requireNonNull(maxWait, "maxWait"));
  }

  /**
   * True only with a disk buffer ({@link Builder#diskBuffer}), which delivers unsettled items again
   * on the next start; without one the buffer is in memory, so a stopping pipeline drains it and
   * counts what it could not store as lost.
   */
  @Override
  public boolean keepsUnsettledItems() {
    return disk != null;
  }

  @Override
  public CompletableFuture<HealthCheckResult> healthCheck() {
    int queued = buffer.queued();
    int unsettled = buffer.unsettled();
    long[] c = buffer.counters();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("address", uri().toString());
    details.put("ack_mode", config.ackMode.wireName());
    details.put("queued", queued);
    details.put("unsettled", unsettled);
    details.put("capacity", buffer.capacity());
    details.put("points", buffer.points());
    details.put("max_points", config.maxBufferedPoints);
    details.put("waiting_requests", buffer.waitingOffers());
    details.put("acked", c[0]);
    details.put("nacked", c[1]);
    details.put("rejected", c[2]);
    details.put("refused_full", c[3]);
    if (closed || !server.isRunning()) {
      details.put("reason", "closed");
      return CompletableFuture.completedFuture(new HealthCheckResult(
          org.metricspipeline.api.HealthStatus.UNHEALTHY, details));
    }
    if (queued + unsettled >= buffer.capacity() * DEGRADED_UTILIZATION) {
      details.put("reason", "buffer is " + (100L * (queued + unsettled) / buffer.capacity()) + "% full");
      return CompletableFuture.completedFuture(HealthCheckResult.degraded(details));
    }
    return CompletableFuture.completedFuture(HealthCheckResult.healthy(details));
  }

  /**
   * Stops the server gracefully, then the buffer and the timer. Ingestion requests still waiting for
   * storage ({@link AckMode#STORED}) get up to {@link Builder#shutdownTimeout} to be answered, then a
   * 503 with {@code Retry-After} (never a closed connection). Calling it again does nothing.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    int refused = ingestRequests.shutDown(config.shutdownTimeout);
    if (refused > 0) {
      LOG.warn("HTTP server shut down with {} ingestion requests not stored yet: answered 503 with Retry-After",
          refused);
    }
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server failed", e);
    }
    int held = buffer.close();
    if (held > 0 && disk == null) {
      LOG.warn("HTTP ingestion channel closed holding {} items that were not stored", held);
    } else if (held > 0) {
      LOG.info("HTTP ingestion channel closed holding {} items; its disk buffer delivers them on the next start", held);
    }
    timer.shutdownNow();
    if (disk != null) {
      disk.close();
    }
  }

  @Override
  public String toString() {
    return "HttpIngestionAdapter{" + config.host + ":" + (server.isRunning() ? port() : config.port)
        + ", ack=" + config.ackMode + ", capacity=" + config.capacity + "}";
  }

  /** Builds and starts an {@link HttpIngestionAdapter}; setters validate and name the option. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private int capacity = DEFAULT_CAPACITY;
    private long maxBufferedPoints = DEFAULT_MAX_BUFFERED_POINTS;
    private Duration fullBufferWait = DEFAULT_FULL_BUFFER_WAIT;
    private AckMode ackMode = DEFAULT_ACK_MODE;
    private Duration storedTimeout = DEFAULT_STORED_TIMEOUT;
    private Duration retryAfter = DEFAULT_RETRY_AFTER;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxThreads = DEFAULT_MAX_THREADS;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private final List<String> tokens = new ArrayList<>();
    private boolean authenticateHealth;
    private JwtAuth jwt;
    private final Map<EndpointKind, Integer> rateLimits = new java.util.EnumMap<>(EndpointKind.class);
    private Duration idempotencyWindow = DEFAULT_IDEMPOTENCY_WINDOW;
    private int idempotencyMaxKeys = DEFAULT_IDEMPOTENCY_MAX_KEYS;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private StorageAdapter storage;
    private final List<HttpEndpoint> endpoints = new ArrayList<>();
    private MetricsValidator validator = MetricsValidator.defaults();
    private Clock clock = Clock.systemUTC();
    private java.util.function.Supplier<CompletableFuture<HealthCheckResult>> health;
    private Path diskBuffer;
    private long diskBufferMaxBytes = DiskBuffer.DEFAULT_MAX_BYTES;

    private Builder() {
      defaultRateLimits();
    }

    /**
     * Keeps accepted items in a disk buffer in {@code dir} ({@link DiskBuffer}) until the pipeline
     * settles them, so that with {@link AckMode#ACCEPTED} a kill -9 loses nothing answered 202: a
     * restarted adapter delivers them again (at least once) [none: items wait in memory only].
     */
    public Builder diskBuffer(Path dir) {
      this.diskBuffer = Objects.requireNonNull(dir, "diskBuffer");
      return this;
    }

    /** The disk buffer's bound in bytes, at least 1 MiB [256 MiB]; when full, requests get 503. */
    public Builder diskBufferMaxBytes(long maxBytes) {
      if (maxBytes < (1 << 20)) {
        throw new IllegalArgumentException("diskBufferMaxBytes must be >= 1048576 (1 MiB), got " + maxBytes);
      }
      this.diskBufferMaxBytes = maxBytes;
      return this;
    }

    /**
     * What {@code GET /health} reports [the health of the pipeline this adapter is the channel of,
     * once it is built (it tells this adapter itself); before that the store's, or this adapter's
     * when there is no store].
     */
    public Builder health(java.util.function.Supplier<CompletableFuture<HealthCheckResult>> source) {
      this.health = Objects.requireNonNull(source, "health");
      return this;
    }

    /** The address to listen on [{@value #DEFAULT_HOST}]; {@code 0.0.0.0} for every interface. */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    /** The port, 0 to 65535 [{@value #DEFAULT_PORT}]; 0 picks a free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** The most items buffered, 1 to 10,000,000 [{@value #DEFAULT_CAPACITY}]. */
    public Builder capacity(int capacity) {
      if (capacity < 1 || capacity > 10_000_000) {
        throw new IllegalArgumentException("capacity must be between 1 and 10000000, got " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /**
     * The most points buffered, 1,000 to 1,000,000,000 [{@value #DEFAULT_MAX_BUFFERED_POINTS}], besides
     * {@link #capacity(int)} items; a single request with more points is taken when the buffer is
     * empty. Every buffered point is an object the garbage collector copies while it waits, so a
     * larger buffer adds collection work and latency, not throughput: the pipeline's writers need a
     * few batches ahead of them.
     */
    public Builder maxBufferedPoints(long points) {
      if (points < 1_000 || points > 1_000_000_000L) {
        throw new IllegalArgumentException("maxBufferedPoints must be between 1000 and 1000000000, got " + points);
      }
      this.maxBufferedPoints = points;
      return this;
    }

    /**
     * How long an ingestion request waits for room when the buffer is full before it is answered 503
     * with {@code Retry-After}, 0 to 10 minutes [5 s]: a producer that waits for its answer is slowed
     * to what the store takes instead of being refused (as VictoriaMetrics queues inserts). Waiting
     * requests hold no thread and are let in in arrival order. The wait counts within the request's
     * deadline, {@link #storedTimeout} (in both ack modes), and is at most half of it.
     */
    public Builder fullBufferWait(Duration wait) {
      this.fullBufferWait = between("fullBufferWait", wait, Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /** When ingestion requests are answered [{@link AckMode#STORED}]. */
    public Builder ackMode(AckMode ackMode) {
      this.ackMode = Objects.requireNonNull(ackMode, "ackMode");
      return this;
    }

    /** How long a {@link AckMode#STORED} request waits, 1 ms to 10 minutes [10 s]. */
    public Builder storedTimeout(Duration timeout) {
      this.storedTimeout = between("storedTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(10));
      return this;
    }

    /** The {@code Retry-After} suggested when the buffer is full, 1 ms to 1 hour [1 s]. */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = between("retryAfter", retryAfter, Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /** The largest request body in bytes, 1 KiB to 1 GiB [10 MiB]; larger bodies answer 413. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024 || bytes > (1 << 30)) {
        throw new IllegalArgumentException("maxBodyBytes must be between 1024 and 1073741824, got " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Request threads, 8 to 1,000 [{@value #DEFAULT_MAX_THREADS}]. */
    public Builder maxThreads(int threads) {
      if (threads < 8 || threads > 1000) {
        throw new IllegalArgumentException("maxThreads must be between 8 and 1000, got " + threads);
      }
      this.maxThreads = threads;
      return this;
    }

    /** Open connections, 1 to 1,000,000 [{@value #DEFAULT_MAX_CONNECTIONS}]; more wait to be accepted. */
    public Builder maxConnections(int connections) {
      if (connections < 1 || connections > 1_000_000) {
        throw new IllegalArgumentException("maxConnections must be between 1 and 1000000, got " + connections);
      }
      this.maxConnections = connections;
      return this;
    }

    /**
     * Requires {@code Authorization: Bearer <token>} with one of these tokens (adds to earlier ones)
     * [none: no authentication]. Tokens are compared in constant time; a missing or wrong token
     * answers 401 with {@code WWW-Authenticate}. Health endpoints stay open unless
     * {@link #authenticateHealth(boolean)}.
     */
    public Builder bearerTokens(List<String> accepted) {
      for (String t : accepted) {
        Objects.requireNonNull(t, "token");
        if (t.isBlank() || t.length() < 16) {
          throw new IllegalArgumentException("bearer tokens must have at least 16 characters");
        }
        tokens.add(t);
      }
      return this;
    }

    /**
     * Also accepts JSON Web Tokens checked by {@code jwt} [none]: with {@link #bearerTokens} too, a
     * request passes with an accepted static token <em>or</em> a JWT valid for its endpoint's group.
     * A missing, malformed, expired, not yet valid, badly signed token or one of another issuer or
     * audience answers 401 ({@code error="invalid_token"}); a valid one without the group's scopes
     * 403 ({@code error="insufficient_scope"}). Health endpoints stay open unless
     * {@link #authenticateHealth(boolean)} (then any valid token passes).
     */
    public Builder jwt(JwtAuth jwt) {
      this.jwt = Objects.requireNonNull(jwt, "jwt");
      return this;
    }

    /** Whether health endpoints ({@code /}, {@code /health}, {@code /db/status}) need a token too [false]. */
    public Builder authenticateHealth(boolean authenticate) {
      this.authenticateHealth = authenticate;
      return this;
    }

    /**
     * Limits each client IP to this many requests per minute on endpoints of {@code kind}, 1 to
     * 10,000,000 [seed 001's, see {@link #defaultRateLimits()}]; over it answers 429 with
     * {@code Retry-After}. A client may burst a minute's worth at once.
     */
    public Builder rateLimit(EndpointKind kind, int requestsPerMinute) {
      Objects.requireNonNull(kind, "kind");
      if (requestsPerMinute < 1 || requestsPerMinute > 10_000_000) {
        throw new IllegalArgumentException(
            "rateLimit for " + kind + " must be between 1 and 10000000 requests per minute, got " + requestsPerMinute);
      }
      rateLimits.put(kind, requestsPerMinute);
      return this;
    }

    /**
     * Seed 001's per-IP limits, on by default: {@value #DEFAULT_GENERAL_REQUESTS_PER_MINUTE} requests
     * per minute in general, {@value #DEFAULT_INGESTION_REQUESTS_PER_MINUTE} for ingestion and
     * {@value #DEFAULT_HEALTH_REQUESTS_PER_MINUTE} for health (replacing limits set before).
     */
    public Builder defaultRateLimits() {
      rateLimit(EndpointKind.GENERAL, DEFAULT_GENERAL_REQUESTS_PER_MINUTE);
      rateLimit(EndpointKind.INGESTION, DEFAULT_INGESTION_REQUESTS_PER_MINUTE);
      return rateLimit(EndpointKind.HEALTH, DEFAULT_HEALTH_REQUESTS_PER_MINUTE);
    }

    /**
     * Turns every rate limit off (benchmarks, load tests, or a proxy in front that limits already);
     * {@link #rateLimit} after it limits that kind again.
     */
    public Builder noRateLimits() {
      rateLimits.clear();
      return this;
    }

    /**
     * How long a request's {@code Idempotency-Key} is remembered, 1 second to 24 hours [10 minutes]:
     * a request repeated with the same key within it is answered from the first one (waiting for it
     * if it is still being stored) instead of being stored again.
     */
    public Builder idempotencyWindow(Duration window) {
      this.idempotencyWindow = between("idempotencyWindow", window, Duration.ofSeconds(1), Duration.ofHours(24));
      return this;
    }

    /**
     * The most {@code Idempotency-Key}s remembered at once, 0 to 10,000,000 [100,000, about 50 MB at
     * most]; beyond it the least recently used are forgotten first. 0 ignores the header.
     */
    public Builder idempotencyMaxKeys(int maxKeys) {
      if (maxKeys < 0 || maxKeys > 10_000_000) {
        throw new IllegalArgumentException("idempotencyMaxKeys must be between 0 and 10000000, got " + maxKeys);
      }
      this.idempotencyMaxKeys = maxKeys;
      return this;
    }

    /** How long {@link #close()} lets in-flight requests finish, 0 to 10 minutes [5 s]. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = between("shutdownTimeout", timeout, Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /** The store the query and discovery endpoints read [none: they answer 501]. */
    public Builder storage(StorageAdapter storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Mounts more endpoints (for example the guard's status or Prometheus text). One with the same
     * method and path pattern as a built-in endpoint replaces it: the guard's {@code GET /health}
     * replaces the built-in one. Two contributed endpoints for the same method and path fail the build.
     */
    public Builder endpoints(List<HttpEndpoint> more) {
      more.forEach(e -> endpoints.add(Objects.requireNonNull(e, "endpoint")));
      return this;
    }

    /** The rules ingested items must pass [{@link MetricsValidator#defaults()}]. */
    public Builder validator(MetricsValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /** The clock for error timestamps and rate limits [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The adapter, listening once this returns; fails with {@link ConfigurationException} when the
     * address cannot be bound.
     */
    public HttpIngestionAdapter build() {
      return new HttpIngestionAdapter(this);
    }

    private static Duration between(String option, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, option);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
