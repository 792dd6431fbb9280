package org.metricspipeline.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.adapters.memory.InMemoryVisualizationAdapter;
import org.metricspipeline.api.Dashboard;
import org.metricspipeline.api.DashboardSpec;
import org.metricspipeline.api.VisualizationSpec;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.Aggregation;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.micrometer.PipelineMeterRegistry;
import org.metricspipeline.micrometer.SelfMeasuringBinder;

/**
 * A service without a framework (the JDK's own HTTP server) that times its requests with Micrometer;
 * a {@link PipelineMeterRegistry} writes the meters into an embedded pipeline every
 * {@link #STEP}, and the built-in dashboard charts the service's own request rate.
 *
 * <pre>
 * java -cp examples/target/metrics-examples.jar org.metricspipeline.examples.MicrometerService [--port 8080] [--seconds N]
 * </pre>
 *
 * It calls itself about 20 times a second so the charts fill in; {@code --seconds N} stops it after
 * N seconds and prints the request rate a query computed (0, the default: until Ctrl-C).
 */
public final class MicrometerService implements AutoCloseable {

  /** Time between two publications of the meters. */
  static final Duration STEP = Duration.ofSeconds(5);
  /** The step of the rate chart: several publications per bucket (a rate needs two points). */
  static final Duration RATE_STEP = Duration.ofSeconds(30);
  /** The meter name of the timed requests, as Micrometer's own HTTP instrumentation names it. */
  static final String REQUESTS = "http.server.requests";
  /** {@link #REQUESTS}' count as stored: Prometheus-style name, {@code _count} of a timer. */
  static final String REQUESTS_COUNT = "http_server_requests_seconds_count";

  final InMemoryStorageAdapter storage;
  final MetricsPipeline pipeline;
  final PipelineMeterRegistry registry;
  final HttpServer service;
  final HttpIngestionAdapter web;
  final Dashboard dashboard;
  private final ExecutorService workers;

  private MicrometerService(int port) throws IOException {
    storage = InMemoryStorageAdapter.builder().build();
    pipeline = MetricsPipeline.builder().storage(storage).processingInterval(Duration.ofMillis(200)).build();
    pipeline.startProcessing();
    registry = PipelineMeterRegistry.builder(pipeline).step(STEP).source("hello-service").build();
    registry.config().commonTags("service", "hello");
    new SelfMeasuringBinder(pipeline).bindTo(registry); // the pipeline's own figures, as meters too

    AtomicInteger n = new AtomicInteger();
    workers = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "hello-service-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    service.createContext("/hello", e -> timed(e, "/hello", 0));
    service.createContext("/slow", e -> timed(e, "/slow", 20));
    service.setExecutor(workers);
    service.start();

    InMemoryVisualizationAdapter charts = InMemoryVisualizationAdapter.builder().storage(storage).build();
    dashboard = charts.createDashboard(new DashboardSpec("Hello service",
        "The service's own requests, recorded with Micrometer into the pipeline every " + STEP.toSeconds() + " s",
        Map.of())).join();
    charts.createVisualization(dashboard.id(), VisualizationSpec.of("Requests per second by uri", VisualizationType.LINE,
        AggregationQuery.builder(REQUESTS_COUNT, Aggregation.RATE).metricType(PipelineMeterRegistry.DEFAULT_METRIC_TYPE)
            .groupBy("uri").step(RATE_STEP).build())).join();
    charts.createVisualization(dashboard.id(), VisualizationSpec.of("Slowest request (s) by uri", VisualizationType.LINE,
        AggregationQuery.builder("http_server_requests_seconds_max", Aggregation.MAX).groupBy("uri").build())).join();
    web = HttpIngestionAdapter.builder().port(port).storage(storage).endpoints(charts.endpoints()).build();
  }

  /** Starts the service, the pipeline and the dashboard server on {@code port} (0: any free port). */
  static MicrometerService start(int port) throws IOException {
    return new MicrometerService(port);
  }

  private void timed(HttpExchange exchange, String uri, int workMillis) throws IOException {
    Timer.Sample sample = Timer.start(registry);
    try (exchange) {
      if (workMillis > 0) {
        busyFor(Duration.ofMillis(ThreadLocalRandom.current().nextInt(workMillis)));
      }
      byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      sample.stop(registry.timer(REQUESTS, "uri", uri, "method", "GET", "status", "200"));
    }
  }

  private static void busyFor(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      Thread.onSpinWait(); // stands in for real work
    }
  }

  /** The service's own address. */
  URI serviceUri() {
    return URI.create("http://127.0.0.1:" + service.getAddress().getPort());
  }

  /** The dashboard page. */
  URI dashboardUri() {
    return URI.create(web.uri() + "/dashboards/" + dashboard.id());
  }

  /** Requests per second of {@code uri} over the last {@code window}, as a query computes it. */
  double requestRate(String uri, Duration window) {
    Instant now = Instant.now();
    return storage.aggregate(AggregationQuery.builder(REQUESTS_COUNT, Aggregation.RATE)
        .tag("uri", uri).between(now.minus(window), now.plusSeconds(1)).build()).join().singleValue().orElse(0.0);
  }

  @Override
  public void close() {
    service.stop(0);
    workers.shutdownNow();
    registry.close(); // publishes the last step
    pipeline.close();
    web.close();
  }

  /** Runs the service and calls it about 20 times a second. */
  public static void main(String[] args) throws Exception {
    int port = 8080;
    long seconds = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --port N, --seconds N");
      }
    }
    try (MicrometerService s = start(port)) {
      System.out.println("Hello service on " + s.serviceUri() + "/hello and /slow, timed with Micrometer");
      System.out.println("Dashboard (its own request rate, filled every " + STEP.toSeconds() + " s): " + s.dashboardUri());
      HttpClient client = HttpClient.newHttpClient();
      long end = seconds == 0 ? Long.MAX_VALUE : System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      long calls = 0;
      while (System.nanoTime() < end) {
        String path = calls++ % 4 == 0 ? "/slow" : "/hello";
        client.send(HttpRequest.newBuilder(URI.create(s.serviceUri() + path)).build(), HttpResponse.BodyHandlers.discarding());
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // pacing of this demo's own traffic
      }
      s.registry.flush().join(); // completes once stored
      System.out.printf("Sent %d requests; rate(%s) over the run: /hello %.1f/s, /slow %.1f/s%n", calls,
          REQUESTS_COUNT, s.requestRate("/hello", Duration.ofSeconds(seconds + 10)),
          s.requestRate("/slow", Duration.ofSeconds(seconds + 10)));
    }
  }
}
