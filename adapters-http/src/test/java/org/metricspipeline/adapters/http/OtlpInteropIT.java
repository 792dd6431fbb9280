package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.core.MetricsPipeline;

/** The official OpenTelemetry Java SDK's OTLP/HTTP exporter (protobuf, gzip) sending to the server on loopback. */
class OtlpInteropIT {

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
  private final HttpIngestionAdapter http = HttpIngestionAdapter.builder().port(0).storage(storage)
      .ackMode(AckMode.STORED).storedTimeout(Duration.ofSeconds(20)).build();
  private final MetricsPipeline pipeline = MetricsPipeline.builder().storage(storage).ingestion(http)
      .processingInterval(Duration.ofMillis(10)).build();

  @AfterEach
  void close() {
    pipeline.close();
  }

  @Test
  void whatTheSdkExporterSendsIsWhatTheStoreReturns() {
    pipeline.startProcessing();
    OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
        .setEndpoint(http.uri() + "/v1/metrics").setCompression("gzip").setTimeout(Duration.ofSeconds(20)).build();
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    CompletableResultCode flushed;
    List<MetricsData> items;
    try (SdkMeterProvider provider = SdkMeterProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "interop")))
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
        .build()) {
      Meter meter = provider.get("interop-test");
      meter.gaugeBuilder("room.temperature").setUnit("Cel").build()
          .set(21.5, Attributes.of(AttributeKey.stringKey("room"), "kitchen"));
      var requests = meter.counterBuilder("http.requests").build();
      requests.add(3, Attributes.of(AttributeKey.stringKey("method"), "GET"));
      requests.add(2, Attributes.of(AttributeKey.stringKey("method"), "GET"));
      var duration = meter.histogramBuilder("http.duration").setUnit("ms")
          .setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0)).build();
      for (double ms : new double[] {5, 50, 500}) {
        duration.record(ms, Attributes.of(AttributeKey.stringKey("route"), "/a"));
      }
      flushed = provider.forceFlush().join(30, TimeUnit.SECONDS);
      // query before the provider's shutdown exports once more (then with the SDK's own metrics)
      items = storage.query(MetricsQuery.builder().metricType("otlp").range(TimeRange.all())
          .limit(1000).build()).join();
    }
    Instant after = Instant.now();

    assertThat(flushed.isSuccess()).as("the exporter's export succeeded").isTrue();
    assertThat(items).isNotEmpty().allSatisfy(item -> {
      assertThat(item.source()).isEqualTo("interop");
      assertThat(item.timestamp()).isBetween(before, after);
    });
    List<Metric> metrics = new ArrayList<>();
    items.forEach(item -> metrics.addAll(item.metrics()));
    Map<String, String> cumulative = Map.of("otlp.temporality", "cumulative");
    assertThat(metrics).containsExactlyInAnyOrder(
        new Metric("room.temperature", 21.5, "Cel", Map.of("service.name", "interop", "room", "kitchen")),
        new Metric("http.requests", 5, "", Map.of("service.name", "interop", "method", "GET",
            "otlp.temporality", "cumulative", "otlp.monotonic", "true")),
        new Metric("http.duration_count", 3, "", tags("route", "/a", cumulative)),
        new Metric("http.duration_sum", 555, "ms", tags("route", "/a", cumulative)),
        new Metric("http.duration_bucket", 1, "", tags("route", "/a", cumulative, "le", "10")),
        new Metric("http.duration_bucket", 2, "", tags("route", "/a", cumulative, "le", "100")),
        new Metric("http.duration_bucket", 3, "", tags("route", "/a", cumulative, "le", "+Inf")));
  }

  private static Map<String, String> tags(String key, String value, Map<String, String> more, String... extra) {
    Map<String, String> tags = new java.util.HashMap<>(more);
    tags.put("service.name", "interop");
    tags.put(key, value);
    for (int i = 0; i < extra.length; i += 2) {
      tags.put(extra[i], extra[i + 1]);
    }
    return tags;
  }
}
