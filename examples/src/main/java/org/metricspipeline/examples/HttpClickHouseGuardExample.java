package org.metricspipeline.examples;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.metricspipeline.adapters.clickhouse.ClickHouseStorageAdapter;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.guard.AlertNotifier;
import org.metricspipeline.guard.GuardEndpoints;
import org.metricspipeline.guard.GuardedStorage;
import org.metricspipeline.guard.SelfHealingPipelineGuard;

/**
 * The README's production wiring, compiled: HTTP ingestion (acknowledged once stored, rate limited)
 * into ClickHouse behind the guard's circuit breaker, with the guard's endpoints on the same server.
 * Run it with a ClickHouse URL ({@code scripts/clickhouse.sh start} prints one):
 * {@code java -cp metrics-examples.jar org.metricspipeline.examples.HttpClickHouseGuardExample http://127.0.0.1:8123}.
 */
public final class HttpClickHouseGuardExample {

  private HttpClickHouseGuardExample() {}

  /** Serves on 127.0.0.1:8080 until the process is stopped (Ctrl-C stops it gracefully). */
  public static void main(String[] args) throws InterruptedException {
    String clickhouseUrl = args.length > 0 ? args[0] : "http://127.0.0.1:8123";

    // The store: ClickHouse, behind a circuit breaker that the guard can also restart.
    GuardedStorage storage = GuardedStorage.builder(() -> ClickHouseStorageAdapter.builder(clickhouseUrl).build())
        .failureThreshold(5).openDuration(Duration.ofSeconds(10)).build();

    // The guard is built after the pipeline: its endpoints answer once it is set.
    AtomicReference<GuardEndpoints> guardEndpoints = new AtomicReference<>();
    HttpIngestionAdapter http = HttpIngestionAdapter.builder()
        .port(8080)                          // 127.0.0.1 unless .host("0.0.0.0")
        .storage(storage)                    // the query endpoints read it
        // defaults: ack mode stored (200 once stored), seed 001's per-IP rate limits,
        // Idempotency-Key honoured for 10 minutes, /health/live and /health/ready for probes
        .endpoints(GuardEndpoints.deferred(guardEndpoints::get))   // GET /health, /metrics, /api/v1/*
        .build();

    // Built with the adapter as its channel, the pipeline tells it, so /health/ready and /db/status
    // need no forward reference (GET /health is the guard's here).
    MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http).build();
    pipeline.startProcessing();

    SelfHealingPipelineGuard guard = SelfHealingPipelineGuard.builder()
        .pipeline(pipeline)                  // components "pipeline", "storage", "ingestion"
        .notifier(AlertNotifier.log())
        .build();
    guardEndpoints.set(GuardEndpoints.builder(guard).build());
    guard.startMonitoring();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      guard.close();
      pipeline.close();                      // stores what was accepted, then closes http and storage
      stopped.countDown();
    }, "metrics-example-shutdown"));
    stopped.await();
  }
}
