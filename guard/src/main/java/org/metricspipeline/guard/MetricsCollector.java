package org.metricspipeline.guard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.query.MetricsQuery;
import org.metricspipeline.api.query.TimeRange;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.guard.internal.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the guard's and the pipeline's own figures as metrics through the pipeline into its
 * storage, so they can be queried and charted like any other metric (seed 001's
 * {@code MetricsCollector}).
 *
 * <p>Each value is stored as an item of type {@value #METRIC_TYPE} and source = the component, one
 * metric whose tags are the labels plus {@code component}. {@link #collect()} records one item per
 * component (pipeline, storage, ingestion, guard, jvm) with every figure the component reports;
 * {@link #startCollection()} does so every {@code interval} on {@code metrics-guard-collector-1}.
 *
 * <pre>{@code
 * MetricsCollector collector = MetricsCollector.builder(pipeline).guard(guard).build();
 * collector.record("training", "accuracy", 0.95, Map.of("model", "v2.1"));
 * List<MetricPoint> points = collector.getMetrics(MetricsCollector.Filter.component("training")).join();
 * }</pre>
 */
public final class MetricsCollector implements AutoCloseable {

  /** The metric type of every recorded item. */
  public static final String METRIC_TYPE = "guard";
  /** The tag holding the component. */
  public static final String COMPONENT_TAG = "component";
  /**
   * The tag a figure's own {@code component} label is stored under (the guard reports figures per
   * watched component: {@code metrics_guard_component_state{component="storage"}} is recorded for
   * component {@code guard} with {@code target=storage}).
   */
  public static final String TARGET_TAG = "target";
  /** Default time between two collections. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
  /** Default (seed 001) and largest number of points {@link #getMetrics} returns. */
  public static final int DEFAULT_LIMIT = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(MetricsCollector.class);

  private final MetricsPipeline pipeline;
  private final SelfHealingPipelineGuard guard;
  private final Clock clock;
  private final Duration interval;
  private final boolean jvm;
  private final Baselines baselines; // may be null
  private final Map<String, SelfMeasuring> components;
  private final Map<String, Double> lastCounters = new java.util.concurrent.ConcurrentHashMap<>();
  private final Object lock = new Object();
  private ScheduledExecutorService scheduler;

  private MetricsCollector(Builder b) {
    this.pipeline = b.pipeline;
    this.guard = b.guard;
    this.clock = b.clock;
    this.interval = b.interval;
    this.jvm = b.jvm;
    this.baselines = b.baselines;
    this.components = Map.copyOf(b.components);
  }

  /** A builder recording through {@code pipeline}. */
  public static Builder builder(MetricsPipeline pipeline) {
    return new Builder(Objects.requireNonNull(pipeline, "pipeline"));
  }

  /** Starts collecting every interval, the first time one interval from now; calling it again does nothing. */
  public void startCollection() {
    synchronized (lock) {
      if (scheduler != null) {
        return;
      }
      scheduler = new ScheduledThreadPoolExecutor(1,
          r -> SelfHealingPipelineGuard.daemon(r, "metrics-guard-collector-1"));
      scheduler.scheduleWithFixedDelay(() -> {
        try {
          collect();
        } catch (RuntimeException e) {
          LOG.warn("collecting guard metrics failed", e);
        }
      }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The components recorded beside the pipeline's ({@link Builder#component}), for the Prometheus endpoint. */
  Map<String, SelfMeasuring> components() {
    return components;
  }

  /** Stops collecting. */
  public void stopCollection() {
    ScheduledExecutorService s;
    synchronized (lock) {
      s = scheduler;
      scheduler = null;
    }
    if (s != null) {
      s.shutdown();
      try {
        s.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stopCollection();
  }

  /**
   * Records one value now. Completes once it is stored; exceptionally as the pipeline's
   * {@code processMetrics} does (invalid name or labels, overload, storage down).
   */
  public CompletableFuture<Void> record(String component, String metricName, double value, Map<String, String> labels) {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(metricName, "metricName");
    Objects.requireNonNull(labels, "labels");
    return pipeline.processMetrics(item(component, List.of(metric(component, metricName, value, labels))));
  }

  /** Records one value without labels. */
  public CompletableFuture<Void> record(String component, String metricName, double value) {
    return record(component, metricName, value, Map.of());
  }

  /** Records every current figure of the pipeline, its adapters, the guard and the JVM, one item per component. */
  public CompletableFuture<MetricsBatchResult> collect() {
    List<MetricsData> items = new ArrayList<>();
    for (Map.Entry<String, List<Measurement>> e : Telemetry.gather(pipeline, guard, jvm, components).entrySet()) {
      List<Metric> metrics = new ArrayList<>();
      for (Measurement m : e.getValue()) {
        metrics.add(metric(e.getKey(), m.name(), m.value(), m.labels()));
        observe(e.getKey(), m);
      }
      items.add(item(e.getKey(), metrics));
    }
    return pipeline.processBatch(items);
  }

  /** Reads recorded points back, oldest first, at most {@code filter.limit()}. */
  public CompletableFuture<List<MetricPoint>> getMetrics(Filter filter) {
    Objects.requireNonNull(filter, "filter");
    MetricsQuery.Builder q = MetricsQuery.builder().metricType(METRIC_TYPE).limit(filter.limit());
    filter.component().ifPresent(c -> q.tag(COMPONENT_TAG, c));
    filter.metricName().ifPresent(q::metricNames);
    if (filter.start().isPresent() || filter.end().isPresent()) {
      q.range(TimeRange.between(filter.start().orElse(Instant.EPOCH),
          filter.end().orElse(Instant.parse("9999-12-31T23:59:59Z"))));
    }
    return pipeline.storage().query(q.build()).thenApply(items -> {
      List<MetricPoint> points = new ArrayList<>();
      for (MetricsData d : items) {
        for (Metric m : d.metrics()) {
          if (filter.metricName().isPresent() && !filter.metricName().get().equals(m.name())) {
            continue;
          }
          Map<String, String> labels = new LinkedHashMap<>(m.tags());
          String component = labels.remove(COMPONENT_TAG);
          if (component == null || filter.component().isPresent() && !filter.component().get().equals(component)) {
            continue;
          }
          if (points.size() < filter.limit()) {
            points.add(new MetricPoint(d.timestamp(), component, m.name(), m.value(), labels));
          }
        }
      }
      return List.copyOf(points);
    });
  }

  /** Feeds the baselines: a gauge's value, a counter's increase since the last collection. */
  private void observe(String component, Measurement m) {
    if (baselines == null) {
      return;
    }
    String key = baselineKey(component, m);
    if (m.kind() == Measurement.Kind.GAUGE) {
      baselines.observe(key, m.value());
      return;
    }
    Double before = lastCounters.put(key, m.value());
    if (before != null && m.value() >= before) {
      baselines.observe(key, m.value() - before);
    }
  }

  /**
   * The baseline key of a figure: {@code component/name}, plus its labels in braces, for example
   * {@code pipeline/metrics_pipeline_queue_items} or {@code guard/metrics_guard_checks_total{component=storage}}.
   */
  public static String baselineKey(String component, Measurement m) {
    StringBuilder b = new StringBuilder(component).append('/').append(m.name());
    if (!m.labels().isEmpty()) {
      b.append('{');
      new java.util.TreeMap<>(m.labels()).forEach((k, v) -> b.append(k).append('=').append(v).append(','));
      b.setCharAt(b.length() - 1, '}');
    }
    return b.toString();
  }

  private MetricsData item(String component, List<Metric> metrics) {
    return MetricsData.builder().timestamp(clock.instant()).metricType(METRIC_TYPE).source(component)
        .metrics(metrics).build();
  }

  private static Metric metric(String component, String name, double value, Map<String, String> labels) {
    Map<String, String> tags = new LinkedHashMap<>(labels);
    String about = tags.remove(COMPONENT_TAG);
    if (about != null) {
      tags.put(TARGET_TAG, about); // a figure about another component, for example a guard check
    }
    tags.put(COMPONENT_TAG, component);
    return Metric.of(name, value, tags);
  }

  /**
   * Which points {@link #getMetrics} returns (seed 001's filters).
   *
   * @param component only this component's points
   * @param metricName only this metric
   * @param start only points at or after this time
   * @param end only points before this time
   * @param limit at most this many points, 1 to {@value MetricsCollector#DEFAULT_LIMIT}
   */
  public record Filter(Optional<String> component, Optional<String> metricName, Optional<Instant> start,
      Optional<Instant> end, int limit) {

    /** Validates. */
    public Filter {
      Objects.requireNonNull(component, "component");
      Objects.requireNonNull(metricName, "metricName");
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (limit < 1 || limit > DEFAULT_LIMIT) {
        throw new IllegalArgumentException("limit must be between 1 and " + DEFAULT_LIMIT + ", got " + limit);
      }
      if (start.isPresent() && end.isPresent() && !start.get().isBefore(end.get())) {
        throw new IllegalArgumentException("start must be before end, got " + start.get() + " and " + end.get());
      }
    }

    /** Every point, up to the default limit. */
    public static Filter all() {
      return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_LIMIT);
    }

    /** One component's points. */
    public static Filter component(String component) {
      return all().withComponent(component);
    }

    /** The same filter for one component. */
    public Filter withComponent(String c) {
      return new Filter(Optional.of(c), metricName, start, end, limit);
    }

    /** The same filter for one metric. */
    public Filter withMetricName(String name) {
      return new Filter(component, Optional.of(name), start, end, limit);
    }

    /** The same filter for {@code [from, to)}. */
    public Filter between(Instant from, Instant to) {
      return new Filter(component, metricName, Optional.of(from), Optional.of(to), limit);
    }

    /** The same filter with another limit. */
    public Filter withLimit(int newLimit) {
      return new Filter(component, metricName, start, end, newLimit);
    }
  }

  /** Builds a {@link MetricsCollector}. */
  public static final class Builder {
    private final MetricsPipeline pipeline;
    private SelfHealingPipelineGuard guard;
    private Clock clock = Clock.systemUTC();
    private Duration interval = DEFAULT_INTERVAL;
    private boolean jvm = true;
    private Baselines baselines;
    private final Map<String, SelfMeasuring> components = new LinkedHashMap<>();

    private Builder(MetricsPipeline pipeline) {
      this.pipeline = pipeline;
    }

    /** Also records the guard's figures (component states, checks, recoveries, alerts). */
    public Builder guard(SelfHealingPipelineGuard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** The clock of the recorded timestamps [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Time between two collections: 100 ms to 1 day [15 s]. */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.toMillis() < 100 || interval.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("interval must be between 100ms and 1d, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /**
     * Feeds every collected figure to these baselines: a gauge's value, a counter's increase since
     * the previous collection, keyed by {@link MetricsCollector#baselineKey}.
     */
    public Builder baselines(Baselines baselines) {
      this.baselines = Objects.requireNonNull(baselines, "baselines");
      return this;
    }

    /**
     * Also records the figures of this component under its name: a channel polled by another
     * pipeline than the collector's (as a runtime's HTTP server is), or any part that measures itself.
     */
    public Builder component(String name, SelfMeasuring source) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(source, "source");
      if (name.isBlank()) {
        throw new IllegalArgumentException("component name must not be blank");
      }
      components.put(name, source);
      return this;
    }

    /** Whether {@link MetricsCollector#collect()} includes JVM figures [true]. */
    public Builder jvm(boolean include) {
      this.jvm = include;
      return this;
    }

    /** The collector, not yet collecting. */
    public MetricsCollector build() {
      return new MetricsCollector(this);
    }
  }
}
