package org.metricspipeline.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;

/**
 * Exposes the library's own figures ({@link SelfMeasuring}: the pipeline, its adapters, the guard,
 * these bridges) as Micrometer meters, for services that export their metrics to another backend
 * (Prometheus, Datadog, ...). Counters become {@link FunctionCounter}s, gauges {@link Gauge}s; a
 * measurement {@code metrics_pipeline_items_stored_total} becomes the meter
 * {@code metrics.pipeline.items.stored}, which a Prometheus registry names back
 * {@code metrics_pipeline_items_stored_total}. Labels become tags.
 *
 * <p>Meters are registered for the measurements reported when {@link #bindTo} runs; call
 * {@link #bindTo} again to pick up series that appeared since (registering is idempotent). Values
 * are read from the sources when the registry reads the meters, one call per source per read. Like
 * every Micrometer function meter, a meter holds its source weakly: it reads NaN once the source
 * (a closed pipeline, say) is garbage collected.
 *
 * <pre>{@code
 * new SelfMeasuringBinder(pipeline, guard).bindTo(prometheusRegistry);
 * }</pre>
 */
public final class SelfMeasuringBinder implements MeterBinder {

  private final List<SelfMeasuring> sources;

  /** A binder for {@code sources}. */
  public SelfMeasuringBinder(SelfMeasuring... sources) {
    this(List.of(sources));
  }

  /** A binder for {@code sources}. */
  public SelfMeasuringBinder(List<? extends SelfMeasuring> sources) {
    this.sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (SelfMeasuring source : sources) {
      Reader reader = new Reader(source);
      for (Measurement m : source.measurements()) {
        String key = Reader.key(m.name(), m.labels());
        List<Tag> tags = new ArrayList<>();
        new TreeMap<>(m.labels()).forEach((k, v) -> tags.add(Tag.of(k, v)));
        if (m.kind() == Measurement.Kind.COUNTER) {
          FunctionCounter.builder(meterName(m.name(), true), source, s -> reader.value(key))
              .description(m.help()).tags(tags).register(registry);
        } else {
          Gauge.builder(meterName(m.name(), false), source, s -> reader.value(key))
              .description(m.help()).tags(tags).register(registry);
        }
      }
    }
  }

  /** The Micrometer name of a measurement: {@code _total} dropped from counters, {@code _} to {@code .}. */
  static String meterName(String name, boolean counter) {
    String n = counter && name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
    return n.replace('_', '.');
  }

  /** Reads a source once per registry read: the first meter asks, the others reuse the answer. */
  private static final class Reader {
    private final SelfMeasuring source;
    private Map<String, Double> last = Map.of();
    private final Map<String, Boolean> readSinceRefresh = new HashMap<>();

    Reader(SelfMeasuring source) {
      this.source = source;
    }

    static String key(String name, Map<String, String> labels) {
      return name + new TreeMap<>(labels);
    }

    synchronized double value(String key) {
      if (readSinceRefresh.containsKey(key) || !last.containsKey(key)) {
        Map<String, Double> now = new HashMap<>();
        for (Measurement m : source.measurements()) {
          now.put(key(m.name(), m.labels()), m.value());
        }
        last = now;
        readSinceRefresh.clear();
      }
      readSinceRefresh.put(key, Boolean.TRUE);
      return last.getOrDefault(key, Double.NaN);
    }
  }
}
