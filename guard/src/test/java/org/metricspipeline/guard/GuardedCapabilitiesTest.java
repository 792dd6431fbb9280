package org.metricspipeline.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.http.AckMode;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.query.Resolution;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.api.timeseries.DiscoveryStorage;
import org.metricspipeline.api.timeseries.RetentionStorage;
import org.metricspipeline.api.timeseries.RollupStorage;
import org.metricspipeline.api.timeseries.StorageCapabilities;
import org.metricspipeline.core.JobStatus;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.RetentionPolicy;
import org.metricspipeline.core.RollupSettings;

/**
 * Decorators keep the capabilities of what they wrap: a pipeline with rollups over a
 * {@link GuardedStorage} builds and rolls up, and the discovery and rollup endpoints answer behind
 * it over real HTTP (README's guard example).
 */
class GuardedCapabilitiesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final Instant T0 = Instant.parse("2025-12-03T12:00:00Z");

  private static GuardedStorage guardedMemory() {
    return GuardedStorage.builder(InMemoryStorageAdapter::create).build();
  }

  private static MetricsData cpu(int second, double value) {
    return MetricsData.builder().timestamp(T0.plusSeconds(second)).metricType("system").source("web-1")
        .metric(Metric.of("cpu_usage", value, Map.of("host", "web-1"))).build();
  }

  private static HttpResponse<String> get(HttpIngestionAdapter http, String pathAndQuery) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(http.uri() + pathAndQuery)).timeout(Duration.ofSeconds(30))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void offersEveryCapabilityOfTheWrappedStoreAndItsOwnFigures() {
    try (GuardedStorage storage = guardedMemory()) {
      assertThat(StorageCapabilities.supportsRollups(storage)).isTrue();
      assertThat(StorageCapabilities.supportsRetention(storage)).isTrue();
      assertThat(StorageCapabilities.supportsDiscovery(storage)).isTrue();
      assertThat(storage.capability(SelfMeasuring.class)).containsSame(storage);
      assertThat(storage.capability(InMemoryStorageAdapter.class)).containsSame((InMemoryStorageAdapter) storage.delegate());
      assertThat(storage.capability(String.class)).isEmpty();
    }
  }

  @Test
  void aStoreWithoutACapabilityStaysWithoutItWhenGuarded() {
    StorageAdapter plain = new FlakyStorage.Server().connect();
    try (GuardedStorage storage = GuardedStorage.builder(() -> plain).build()) {
      assertThat(storage.capability(RollupStorage.class)).isEmpty();
      assertThat(storage.capability(RetentionStorage.class)).isEmpty();
      assertThat(storage.capability(DiscoveryStorage.class)).isEmpty();
    }
  }

  @Test
  void capabilityCallsGoToTheAdapterOfTheMomentAfterARestart() {
    try (GuardedStorage storage = guardedMemory()) {
      RollupStorage rollups = StorageCapabilities.rollups(storage);
      storage.batchStore(List.of(cpu(1, 10))).join();
      assertThat(rollups.rollup(Resolution.ONE_MINUTE, TimeRange.between(T0, T0.plusSeconds(60))).join()).isEqualTo(1);
      assertThat(storage.restart()).isTrue();
      // the fresh store is empty, and the view obtained before the restart now reads it
      assertThat(rollups.listRollups().join()).isEmpty();
      assertThat(rollups.rollupWatermark(Resolution.ONE_MINUTE).join()).isEmpty();
    }
  }

  @Test
  void rollupCallsGoThroughTheCircuitBreaker() {
    FlakyStorage.Server server = new FlakyStorage.Server();
    try (InMemoryStorageAdapter memory = InMemoryStorageAdapter.create()) {
      StorageAdapter rollingFlaky = new RollingFlaky(server, memory);
      GuardedStorage storage = GuardedStorage.builder(() -> rollingFlaky).failureThreshold(1).build();
      server.down = true;
      assertThat(storage.batchStore(List.of(cpu(1, 1))).handle((v, t) -> t)).succeedsWithin(Duration.ofSeconds(5))
          .isNotNull();
      assertThat(storage.circuitState()).isEqualTo(GuardedStorage.CircuitState.OPEN);
      assertThat(StorageCapabilities.rollups(storage).listRollups().handle((v, t) -> t.getMessage()))
          .succeedsWithin(Duration.ofSeconds(5)).asString().contains("circuit is open");
    }
  }

  @Test
  void aPipelineWithRollupsAndRetentionBuildsOverAGuardedStoreAndRollsUp() {
    GuardedStorage storage = guardedMemory();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage)
        .rollups(RollupSettings.builder().resolutions(Resolution.ONE_MINUTE).build())
        .retention(RetentionPolicy.defaults()).build()) {
      pipeline.startProcessing();
      pipeline.processBatch(List.of(cpu(1, 10), cpu(2, 30))).join();
      JobStatus status = pipeline.timeSeries().orElseThrow().runRollupsNow();
      assertThat(status.lastError()).isEmpty();
      assertThat(status.lastResult()).isEqualTo(1);
      assertThat(StorageCapabilities.rollups(storage).listRollups().join()).hasSize(1);
    }
  }

  @Test
  void discoveryAndRollupEndpointsAnswerBehindAGuardedStore() throws Exception {
    GuardedStorage storage = guardedMemory();
    HttpIngestionAdapter http = HttpIngestionAdapter.builder().port(0).storage(storage).ackMode(AckMode.STORED)
        .build();
    try (MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http)
        .rollups(RollupSettings.builder().resolutions(Resolution.ONE_MINUTE).build())
        .processingInterval(Duration.ofMillis(10)).build()) {
      pipeline.startProcessing();
      pipeline.processBatch(List.of(cpu(1, 10), cpu(2, 30))).join();
      pipeline.timeSeries().orElseThrow().runRollupsNow();

      HttpResponse<String> list = get(http, "/metrics/list?page=1&page_size=10&search=cpu");
      assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
      assertThat(JSON.readTree(list.body()).at("/metrics/0/name").asText()).isEqualTo("cpu_usage");
      HttpResponse<String> info = get(http, "/metrics/cpu_usage/info");
      assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
      assertThat(JSON.readTree(info.body()).at("/labels/host/values/0").asText()).isEqualTo("web-1");
      HttpResponse<String> rollup = get(http, "/query/rollup?metric_name=cpu_usage&window=1m"
          + "&start_time=2025-12-03T12:00:00Z&end_time=2025-12-03T13:00:00Z");
      assertThat(rollup.statusCode()).as(rollup.body()).isEqualTo(200);
      JsonNode bucket = JSON.readTree(rollup.body()).at("/buckets/0");
      assertThat(bucket.get("avg").asDouble()).isEqualTo(20.0);
      assertThat(bucket.get("count").asInt()).isEqualTo(2);
      HttpResponse<String> rollups = get(http, "/rollups?metric_name=cpu_usage");
      assertThat(rollups.statusCode()).as(rollups.body()).isEqualTo(200);
      assertThat(JSON.readTree(rollups.body()).at("/rollups/0/window").asText()).isEqualTo("1m");
    }
  }

  @Test
  void guardedIngestionOffersTheCapabilitiesOfItsChannel() {
    try (GuardedIngestion channel = GuardedIngestion.builder(InMemoryIngestionAdapter::create).build()) {
      Optional<InMemoryIngestionAdapter> memory = channel.capability(InMemoryIngestionAdapter.class);
      assertThat(memory).containsSame((InMemoryIngestionAdapter) channel.delegate());
      assertThat(channel.capability(SelfMeasuring.class)).containsSame(channel);
      assertThat(channel.capability(IngestionAdapter.class)).containsSame(channel);
      channel.restart();
      assertThat(channel.capability(InMemoryIngestionAdapter.class))
          .containsSame((InMemoryIngestionAdapter) channel.delegate()).isNotEqualTo(memory);
    }
  }

  /** A store whose writes fail while its server is down and which keeps rollups in memory. */
  private static final class RollingFlaky implements StorageAdapter {
    private final StorageAdapter writes;
    private final InMemoryStorageAdapter memory;

    RollingFlaky(FlakyStorage.Server server, InMemoryStorageAdapter memory) {
      this.writes = server.connect();
      this.memory = memory;
    }

    @Override
    public String name() {
      return "rolling-flaky";
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> store(MetricsData data) {
      return writes.store(data);
    }

    @Override
    public java.util.concurrent.CompletableFuture<org.metricspipeline.api.MetricsBatchResult> batchStore(
        List<MetricsData> batch) {
      return writes.batchStore(batch);
    }

    @Override
    public java.util.concurrent.CompletableFuture<List<MetricsData>> query(
        org.metricspipeline.api.query.MetricsQuery query) {
      return writes.query(query);
    }

    @Override
    public java.util.concurrent.CompletableFuture<org.metricspipeline.api.query.AggregationResult> aggregate(
        org.metricspipeline.api.query.AggregationQuery query) {
      return writes.aggregate(query);
    }

    @Override
    public java.util.concurrent.CompletableFuture<org.metricspipeline.api.HealthCheckResult> healthCheck() {
      return writes.healthCheck();
    }

    @Override
    public <T> Optional<T> capability(Class<T> type) {
      return type == RollupStorage.class ? memory.capability(type) : StorageAdapter.super.capability(type);
    }

    @Override
    public void close() {
      writes.close();
    }
  }
}
