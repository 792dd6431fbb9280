package org.metricspipeline.micrometer;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.otlp.OtlpMapping;
import org.metricspipeline.micrometer.internal.Publisher;

/**
 * An OpenTelemetry SDK {@link MetricExporter} that writes into a {@link MetricsPipeline} (or any
 * {@link IngestionAdapter}) in-process, mapped exactly as the OTLP endpoint {@code POST /v1/metrics}
 * maps the same data ({@link OtlpMapping}, shared by both): one item per data point, type
 * {@value OtlpMapping#METRIC_TYPE}, source the resource's {@code service.name}.
 *
 * <p>Use it with the SDK's periodic reader:
 *
 * <pre>{@code
 * SdkMeterProvider provider = SdkMeterProvider.builder()
 *     .registerMetricReader(PeriodicMetricReader.builder(PipelineMetricExporter.create(pipeline))
 *         .setInterval(Duration.ofSeconds(10)).build())
 *     .build();
 * }</pre>
 *
 * <p>Temporality is cumulative for every instrument unless chosen otherwise, so counters stay
 * monotonic and {@code rate} works. {@link #export} never waits for the pipeline: while one export
 * is being stored the next one fails at once (cumulative data loses nothing by it); refused items
 * are counted ({@link #measurements()}) and logged at most once a minute.
 */
public final class PipelineMetricExporter implements MetricExporter, SelfMeasuring {

  private final Publisher publisher;
  private final AggregationTemporalitySelector temporality;
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final AtomicLong pointsRejected = new AtomicLong();
  private volatile CompletableResultCode lastExport = CompletableResultCode.ofSuccess();

  private PipelineMetricExporter(Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink,
      AggregationTemporalitySelector temporality) {
    this.publisher = new Publisher("opentelemetry", sink, System::nanoTime);
    this.temporality = Objects.requireNonNull(temporality, "temporality");
  }

  /** An exporter into {@code pipeline} through {@link MetricsPipeline#processBatch}, cumulative. */
  public static PipelineMetricExporter create(MetricsPipeline pipeline) {
    Objects.requireNonNull(pipeline, "pipeline");
    return new PipelineMetricExporter(pipeline::processBatch, AggregationTemporalitySelector.alwaysCumulative());
  }

  /** An exporter into {@code channel} through {@link IngestionAdapter#batchIngest}, cumulative. */
  public static PipelineMetricExporter create(IngestionAdapter channel) {
    Objects.requireNonNull(channel, "channel");
    return new PipelineMetricExporter(channel::batchIngest, AggregationTemporalitySelector.alwaysCumulative());
  }

  /** An exporter into any batch {@code sink}, with the given temporality per instrument type. */
  public static PipelineMetricExporter create(
      Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink,
      AggregationTemporalitySelector temporality) {
    return new PipelineMetricExporter(Objects.requireNonNull(sink, "sink"), temporality);
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return temporality.getAggregationTemporality(instrumentType);
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    if (shutdown.get()) {
      return CompletableResultCode.ofFailure();
    }
    List<MetricsData> items = new ArrayList<>();
    for (MetricData m : metrics) {
      for (OtlpMapping.Point p : points(m)) {
        if (p.item().isPresent()) {
          items.add(p.item().get());
        } else {
          pointsRejected.incrementAndGet();
        }
      }
    }
    CompletableResultCode result = new CompletableResultCode();
    lastExport = result;
    publisher.publish(items).whenComplete((r, e) -> {
      if (r != null && r.allSucceeded()) {
        result.succeed();
      } else {
        result.fail();
      }
    });
    return result;
  }

  /** The items {@code metric}'s data points become, in order. */
  static List<OtlpMapping.Point> points(MetricData m) {
    OtlpMapping.Scope scope = OtlpMapping.Scope.of(tags(m.getResource().getAttributes()),
        tags(m.getInstrumentationScopeInfo().getAttributes()));
    String name = m.getName();
    String unit = m.getUnit();
    List<OtlpMapping.Point> out = new ArrayList<>();
    switch (m.getType()) {
      case DOUBLE_GAUGE -> {
        for (DoublePointData p : m.getDoubleGaugeData().getPoints()) {
          out.add(OtlpMapping.gauge(scope, name, unit, p.getEpochNanos(), tags(p.getAttributes()), p.getValue()));
        }
      }
      case LONG_GAUGE -> {
        for (LongPointData p : m.getLongGaugeData().getPoints()) {
          out.add(OtlpMapping.gauge(scope, name, unit, p.getEpochNanos(), tags(p.getAttributes()), p.getValue()));
        }
      }
      case DOUBLE_SUM -> {
        SumData<DoublePointData> sum = m.getDoubleSumData();
        for (DoublePointData p : sum.getPoints()) {
          out.add(OtlpMapping.sum(scope, name, unit, temporality(sum.getAggregationTemporality()), sum.isMonotonic(),
              p.getEpochNanos(), tags(p.getAttributes()), p.getValue()));
        }
      }
      case LONG_SUM -> {
        SumData<LongPointData> sum = m.getLongSumData();
        for (LongPointData p : sum.getPoints()) {
          out.add(OtlpMapping.sum(scope, name, unit, temporality(sum.getAggregationTemporality()), sum.isMonotonic(),
              p.getEpochNanos(), tags(p.getAttributes()), p.getValue()));
        }
      }
      case HISTOGRAM -> {
        OtlpMapping.Temporality t = temporality(m.getHistogramData().getAggregationTemporality());
        for (HistogramPointData p : m.getHistogramData().getPoints()) {
          out.add(OtlpMapping.histogram(scope, name, unit, t, p.getEpochNanos(), tags(p.getAttributes()),
              p.getCount(), p.getSum(), p.getBoundaries().stream().mapToDouble(Double::doubleValue).toArray(),
              p.getCounts().stream().mapToLong(Long::longValue).toArray()));
        }
      }
      case SUMMARY -> {
        for (SummaryPointData p : m.getSummaryData().getPoints()) {
          List<ValueAtQuantile> qs = p.getValues();
          out.add(OtlpMapping.summary(scope, name, unit, p.getEpochNanos(), tags(p.getAttributes()), p.getCount(),
              p.getSum(), qs.stream().mapToDouble(ValueAtQuantile::getQuantile).toArray(),
              qs.stream().mapToDouble(ValueAtQuantile::getValue).toArray()));
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        for (int i = 0; i < m.getExponentialHistogramData().getPoints().size(); i++) {
          out.add(OtlpMapping.exponentialHistogram(name));
        }
      }
    }
    return out;
  }

  private static OtlpMapping.Temporality temporality(AggregationTemporality t) {
    return t == AggregationTemporality.DELTA ? OtlpMapping.Temporality.DELTA : OtlpMapping.Temporality.CUMULATIVE;
  }

  private static Map<String, String> tags(Attributes attributes) {
    Map<String, String> tags = new LinkedHashMap<>();
    attributes.forEach((k, v) -> tags.put(k.getKey(), OtlpMapping.attributeText(v)));
    return tags;
  }

  /** Completes once the export in flight, if any, has been answered. */
  @Override
  public CompletableResultCode flush() {
    return lastExport;
  }

  /** Refuses further exports; completes once the export in flight, if any, has been answered. */
  @Override
  public CompletableResultCode shutdown() {
    shutdown.set(true);
    return lastExport;
  }

  /**
   * The exporter's figures: exports handed over and skipped, items accepted and refused
   * ({@code metrics_micrometer_*}, labelled {@code bridge="opentelemetry"}), and data points the
   * mapping rejected (exponential histograms).
   */
  @Override
  public List<Measurement> measurements() {
    List<Measurement> all = new ArrayList<>(publisher.measurements());
    all.add(new Measurement("metrics_micrometer_points_rejected_total", Measurement.Kind.COUNTER,
        "Data points the OTLP mapping rejected (exponential histograms)", Map.of("bridge", "opentelemetry"),
        pointsRejected.get()));
    return all;
  }

  @Override
  public String toString() {
    return "PipelineMetricExporter{" + publisher.itemsAccepted() + " items accepted}";
  }
}
