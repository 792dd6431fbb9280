package org.metricspipeline.micrometer;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.cumulative.CumulativeCounter;
import io.micrometer.core.instrument.cumulative.CumulativeDistributionSummary;
import io.micrometer.core.instrument.cumulative.CumulativeFunctionCounter;
import io.micrometer.core.instrument.cumulative.CumulativeFunctionTimer;
import io.micrometer.core.instrument.cumulative.CumulativeTimer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.internal.DefaultGauge;
import io.micrometer.core.instrument.internal.DefaultLongTaskTimer;
import io.micrometer.core.instrument.internal.DefaultMeter;
import io.micrometer.core.instrument.push.PushMeterRegistry;
import io.micrometer.core.instrument.push.PushRegistryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.micrometer.internal.CumulativeHistogram;
import org.metricspipeline.micrometer.internal.MeterMapper;
import org.metricspipeline.micrometer.internal.Publisher;

/**
 * A Micrometer registry that writes a service's meters into a {@link MetricsPipeline} (or any
 * {@link IngestionAdapter}) in-process, every step.
 *
 * <p>Meters are cumulative, as in Prometheus: a counter's value only grows, so the {@code rate}
 * aggregation gives its per-second increase; timers and distribution summaries become
 * {@code _count}, {@code _sum} and {@code _max}, percentiles ({@code quantile} tag) and histogram
 * buckets ({@code _bucket} with an {@code le} tag and cumulative counts, as the OTLP endpoint stores
 * histograms). Names follow {@link PipelineNamingConvention} unless another convention is set; common
 * tags and meter filters work as in every Micrometer registry.
 *
 * <p>Publishing happens on the registry's own thread ({@code metrics-micrometer-publish-1}) and
 * never waits for the pipeline: while one step is being stored the next is skipped (cumulative
 * values lose nothing by it); refused items are counted ({@link #measurements()}) and logged at most
 * once a minute. A service's threads only ever touch Micrometer's meters.
 *
 * <pre>{@code
 * PipelineMeterRegistry registry = PipelineMeterRegistry.builder(pipeline)
 *     .step(Duration.ofSeconds(10)).source("checkout").build();
 * Metrics.addRegistry(registry);
 * }</pre>
 */
public final class PipelineMeterRegistry extends PushMeterRegistry implements SelfMeasuring {

  /** Default time between two publications. */
  public static final Duration DEFAULT_STEP = Duration.ofSeconds(10);
  /** Default metric type of the items written. */
  public static final String DEFAULT_METRIC_TYPE = "micrometer";
  /** Default most metrics in one item (a meter's metrics are never split across items). */
  public static final int DEFAULT_METRICS_PER_ITEM = 1_000;

  private final Publisher publisher;
  private final MeterMapper mapper;
  private final String metricType;
  private final String source;
  private final int metricsPerItem;
  private final Duration step;
  /** Each meter's convention name and tags, computed once (until the convention changes). */
  private final ConcurrentHashMap<Meter.Id, Naming> names = new ConcurrentHashMap<>();
  private volatile NamingConvention namedWith;

  private record Naming(String name, Map<String, String> tags) {}

  private PipelineMeterRegistry(Builder b, PushRegistryConfig config) {
    super(config, b.clock);
    this.step = b.step;
    this.metricType = b.metricType;
    this.source = b.source;
    this.metricsPerItem = b.metricsPerItem;
    this.mapper = new MeterMapper(getBaseTimeUnit());
    this.publisher = new Publisher("micrometer", b.sink, b.clock::monotonicTime);
    config().namingConvention(PipelineNamingConvention.prometheusStyle());
    config().onMeterRemoved(m -> names.remove(m.getId()));
    if (b.start) {
      start(threadFactory());
    }
  }

  /** A builder writing into {@code pipeline} through {@link MetricsPipeline#processBatch}. */
  public static Builder builder(MetricsPipeline pipeline) {
    Objects.requireNonNull(pipeline, "pipeline");
    return new Builder(pipeline::processBatch);
  }

  /** A builder writing into {@code channel} through {@link IngestionAdapter#batchIngest}. */
  public static Builder builder(IngestionAdapter channel) {
    Objects.requireNonNull(channel, "channel");
    return new Builder(channel::batchIngest);
  }

  /**
   * A builder writing into any {@code sink} that takes a batch of items and answers with each one's
   * outcome, as {@link MetricsPipeline#processBatch} does.
   */
  public static Builder builder(Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink) {
    return new Builder(Objects.requireNonNull(sink, "sink"));
  }

  @Override
  protected void publish() {
    flush();
  }

  /**
   * Publishes every meter now, on the calling thread, and returns once the items are handed over;
   * the future completes with the pipeline's answer (never exceptionally; a skipped step fails all
   * its items).
   */
  public CompletableFuture<MetricsBatchResult> flush() {
    return publisher.publish(items());
  }

  /** This step's items: every meter's metrics, at most {@code metricsPerItem} metrics an item. */
  List<MetricsData> items() {
    Instant now = Instant.ofEpochMilli(clock.wallTime());
    List<MetricsData> items = new ArrayList<>();
    List<Metric> chunk = new ArrayList<>();
    List<Metric> meterMetrics = new ArrayList<>();
    NamingConvention convention = config().namingConvention();
    if (convention != namedWith) {
      names.clear();
      namedWith = convention;
    }
    for (Meter meter : getMeters()) {
      meterMetrics.clear();
      Naming naming = names.computeIfAbsent(meter.getId(), id -> new Naming(getConventionName(id), tags(id)));
      mapper.map(meter, naming.name(), naming.tags(), meterMetrics);
      if (!chunk.isEmpty() && chunk.size() + meterMetrics.size() > metricsPerItem) {
        items.add(item(now, chunk));
        chunk.clear();
      }
      chunk.addAll(meterMetrics);
    }
    if (!chunk.isEmpty()) {
      items.add(item(now, chunk));
    }
    return items;
  }

  private MetricsData item(Instant now, List<Metric> metrics) {
    return new MetricsData(now, metricType, metrics, source, Map.of());
  }

  private Map<String, String> tags(Meter.Id id) {
    List<Tag> tags = getConventionTags(id);
    Map<String, String> map = new LinkedHashMap<>(tags.size() * 2);
    for (Tag t : tags) {
      map.put(t.getKey(), t.getValue());
    }
    return Map.copyOf(map);
  }

  /**
   * The registry's own figures: steps published and skipped, items accepted and refused by the
   * pipeline ({@code metrics_micrometer_*}, labelled {@code bridge="micrometer"}).
   */
  @Override
  public List<Measurement> measurements() {
    return publisher.measurements();
  }

  /** The time between two publications. */
  public Duration step() {
    return step;
  }

  @Override
  protected <T> Gauge newGauge(Meter.Id id, T obj, ToDoubleFunction<T> valueFunction) {
    return new DefaultGauge<>(id, obj, valueFunction);
  }

  @Override
  protected Counter newCounter(Meter.Id id) {
    return new CumulativeCounter(id);
  }

  @Override
  protected LongTaskTimer newLongTaskTimer(Meter.Id id, DistributionStatisticConfig config) {
    return new DefaultLongTaskTimer(id, clock, getBaseTimeUnit(), config, true);
  }

  @Override
  protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
    return new PipelineTimer(id, clock, config, pauseDetector, getBaseTimeUnit());
  }

  @Override
  protected DistributionSummary newDistributionSummary(Meter.Id id, DistributionStatisticConfig config, double scale) {
    return new PipelineDistributionSummary(id, clock, config, scale);
  }

  @Override
  protected Meter newMeter(Meter.Id id, Meter.Type type, Iterable<io.micrometer.core.instrument.Measurement> measurements) {
    return new DefaultMeter(id, type, measurements);
  }

  @Override
  protected <T> FunctionTimer newFunctionTimer(Meter.Id id, T obj, ToLongFunction<T> countFunction,
      ToDoubleFunction<T> totalTimeFunction, TimeUnit totalTimeFunctionUnit) {
    return new CumulativeFunctionTimer<>(id, obj, countFunction, totalTimeFunction, totalTimeFunctionUnit,
        getBaseTimeUnit());
  }

  @Override
  protected <T> FunctionCounter newFunctionCounter(Meter.Id id, T obj, ToDoubleFunction<T> countFunction) {
    return new CumulativeFunctionCounter<>(id, obj, countFunction);
  }

  @Override
  protected TimeUnit getBaseTimeUnit() {
    return TimeUnit.SECONDS;
  }

  @Override
  protected DistributionStatisticConfig defaultHistogramConfig() {
    return DistributionStatisticConfig.builder().expiry(step).build().merge(DistributionStatisticConfig.DEFAULT);
  }

  @Override
  protected String startMessage() {
    return "Publishing metrics for " + getClass().getSimpleName() + " every " + step + " into the pipeline";
  }

  private static ThreadFactory threadFactory() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "metrics-micrometer-publish-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "PipelineMeterRegistry{step=" + step + ", metricType=" + metricType + ", source=" + source + "}";
  }

  /** A timer whose histogram buckets are cumulative ({@link CumulativeHistogram}). */
  private static final class PipelineTimer extends CumulativeTimer {
    PipelineTimer(Meter.Id id, Clock clock, DistributionStatisticConfig config, PauseDetector pauseDetector,
        TimeUnit baseTimeUnit) {
      super(id, clock, config, pauseDetector, baseTimeUnit, CumulativeHistogram.create(clock, config));
    }
  }

  /** A distribution summary whose histogram buckets are cumulative ({@link CumulativeHistogram}). */
  private static final class PipelineDistributionSummary extends CumulativeDistributionSummary {
    PipelineDistributionSummary(Meter.Id id, Clock clock, DistributionStatisticConfig config, double scale) {
      super(id, clock, config, scale, CumulativeHistogram.create(clock, config));
    }
  }

  /** Builds a {@link PipelineMeterRegistry}; {@link #build()} validates every option. */
  public static final class Builder {
    private final Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink;
    private Duration step = DEFAULT_STEP;
    private String metricType = DEFAULT_METRIC_TYPE;
    private String source = "";
    private int metricsPerItem = DEFAULT_METRICS_PER_ITEM;
    private Clock clock = Clock.SYSTEM;
    private boolean start = true;

    private Builder(Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink) {
      this.sink = sink;
    }

    /** Time between two publications: 1 ms to 1 day [{@link PipelineMeterRegistry#DEFAULT_STEP}]. */
    public Builder step(Duration step) {
      this.step = Objects.requireNonNull(step, "step");
      return this;
    }

    /** Metric type of the items [{@value PipelineMeterRegistry#DEFAULT_METRIC_TYPE}]. */
    public Builder metricType(String metricType) {
      this.metricType = Objects.requireNonNull(metricType, "metricType");
      return this;
    }

    /** Source of the items, for example the service's name [none]. */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Most metrics in one item: 1 to {@value MetricsValidator#DEFAULT_MAX_METRICS_PER_ITEM}
     * [{@value PipelineMeterRegistry#DEFAULT_METRICS_PER_ITEM}]. A meter with more metrics (many
     * histogram buckets) still goes into one item of its own.
     */
    public Builder metricsPerItem(int metricsPerItem) {
      this.metricsPerItem = metricsPerItem;
      return this;
    }

    /** Micrometer's clock: meters' times and items' timestamps [{@link Clock#SYSTEM}]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether {@link #build()} starts publishing every step on the registry's thread [true]. A
     * registry that is not started publishes on {@link PipelineMeterRegistry#flush()} and on close.
     */
    public Builder start(boolean start) {
      this.start = start;
      return this;
    }

    /** The registry, publishing unless {@link #start(boolean) start(false)}. */
    public PipelineMeterRegistry build() {
      if (step.compareTo(Duration.ofMillis(1)) < 0 || step.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("step must be between 1 ms and 1 day, got " + step);
      }
      if (metricsPerItem < 1 || metricsPerItem > MetricsValidator.DEFAULT_MAX_METRICS_PER_ITEM) {
        throw new IllegalArgumentException("metricsPerItem must be between 1 and "
            + MetricsValidator.DEFAULT_MAX_METRICS_PER_ITEM + ", got " + metricsPerItem);
      }
      MetricsValidationResult check = MetricsValidator.defaults().validate(
          new MetricsData(Instant.EPOCH, metricType, List.of(Metric.of("probe", 0)), source, Map.of()));
      check.errors().forEach(e -> {
        String option = e.field().equals("metric_type") ? "metricType" : e.field();
        throw new IllegalArgumentException(option + ": " + e.message());
      });
      Duration configStep = step;
      return new PipelineMeterRegistry(this, new PushRegistryConfig() {
        @Override
        public String prefix() {
          return "metricspipeline";
        }

        @Override
        public String get(String key) {
          return null;
        }

        @Override
        public Duration step() {
          return configStep;
        }
      });
    }
  }
}
