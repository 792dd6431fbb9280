package org.metricspipeline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.http.AckMode;
import org.metricspipeline.adapters.http.HttpIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.core.MetricsPipeline;

/**
 * One SDK, two readers with the same clock: the official OTLP/HTTP exporter posting to the HTTP
 * adapter's {@code /v1/metrics}, and {@link PipelineMetricExporter} in-process. Both stores must hold
 * the same items: one mapping, whichever way the data came.
 */
class OtlpEndpointParityIT {

  @Test
  void theExporterStoresExactlyWhatTheOtlpEndpointStoresForTheSameData() {
    long now = TimeUnit.SECONDS.toNanos(1_700_000_000L);
    io.opentelemetry.sdk.common.Clock fixed = new io.opentelemetry.sdk.common.Clock() {
      @Override
      public long now() {
        return now;
      }

      @Override
      public long nanoTime() {
        return now;
      }
    };
    InMemoryStorageAdapter viaHttp = InMemoryStorageAdapter.create();
    InMemoryStorageAdapter inProcess = InMemoryStorageAdapter.create();
    HttpIngestionAdapter http = HttpIngestionAdapter.builder().port(0).storage(viaHttp)
        .ackMode(AckMode.STORED).storedTimeout(Duration.ofSeconds(20)).build();
    try (MetricsPipeline httpPipeline = MetricsPipeline.builder().storage(viaHttp).ingestion(http)
            .processingInterval(Duration.ofMillis(10)).build();
        MetricsPipeline pipeline = MetricsPipeline.builder().storage(inProcess)
            .processingInterval(Duration.ofMillis(10)).build()) {
      httpPipeline.startProcessing();
      pipeline.startProcessing();
      Resource resource = Resource.create(Attributes.builder().put("service.name", "parity")
          .put("host.cores", 2L).put("debug", true).put("ratio", 0.5)
          .put(AttributeKey.stringArrayKey("tags"), List.of("a", "b\"c")).build());
      try (SdkMeterProvider provider = SdkMeterProvider.builder().setClock(fixed).setResource(resource)
          .registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
              .setEndpoint(http.uri() + "/v1/metrics").setTimeout(Duration.ofSeconds(20)).build())
              .setInterval(Duration.ofHours(1)).build())
          .registerMetricReader(PeriodicMetricReader.builder(PipelineMetricExporter.create(pipeline))
              .setInterval(Duration.ofHours(1)).build())
          .build()) {
        Meter meter = provider.meterBuilder("parity-test")
            .build();
        meter.counterBuilder("orders").setUnit("{order}").build()
            .add(5, Attributes.of(AttributeKey.stringKey("country"), "FR"));
        meter.counterBuilder("bytes").ofDoubles().build().add(2.5);
        meter.upDownCounterBuilder("in_flight").build().add(-3, Attributes.of(AttributeKey.longKey("shard"), 7L));
        meter.gaugeBuilder("temperature").setUnit("Cel").build()
            .set(21.5, Attributes.of(AttributeKey.booleanKey("indoor"), true));
        var latency = meter.histogramBuilder("latency").setUnit("ms")
            .setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0, 250.5)).build();
        for (double ms : new double[] {5, 50, 500, 120}) {
          latency.record(ms, Attributes.of(AttributeKey.stringKey("route"), "/a"));
        }
        assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        List<String> fromHttp = all(viaHttp);
        List<String> fromExporter = all(inProcess);
        assertThat(fromHttp).hasSize(10); // orders, bytes, in_flight, temperature, latency count + sum + 4 buckets
        assertThat(fromExporter).containsExactlyInAnyOrderElementsOf(fromHttp);
      }
    } finally {
      viaHttp.close();
      inProcess.close();
    }
  }

  /** Every stored point: time, type, source, and the metric (name, value, unit, tags). */
  private static List<String> all(InMemoryStorageAdapter storage) {
    List<String> points = new java.util.ArrayList<>();
    for (MetricsData d : storage.query(MetricsQuery.builder().range(TimeRange.all()).limit(1_000).build()).join()) {
      for (var m : d.metrics()) {
        if (m.name().startsWith("otel.sdk.")) {
          continue; // the SDK's own timings of each reader differ from reader to reader
        }
        points.add(d.timestamp() + " " + d.metricType() + " " + d.source() + " " + m.name() + " " + m.value()
            + " " + m.unit() + " " + new java.util.TreeMap<>(m.tags()));
      }
    }
    return points;
  }
}
