package org.metricspipeline.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.metricspipeline.api.telemetry.Measurement;
import org.metricspipeline.api.telemetry.SelfMeasuring;

/**
 * Producer and sink figures (seed 002's {@code Metrics}): events produced per event type (successes,
 * errors, latency) and sink writes per sink and table (successes, errors, rows, latency), exported
 * as {@link Measurement}s, so a pipeline, a guard or a {@code /metrics} endpoint serves them as
 * Prometheus text. Plus a try-with-resources {@link Timer} for user code (seed 002's
 * {@code track_time}):
 *
 * <pre>{@code
 * SinkMetrics metrics = new SinkMetrics();
 * try (SinkMetrics.Timer t = SinkMetrics.timer()) {
 *   producer.send("page_view", event);
 *   metrics.produceSuccess("page_view", t.elapsed());
 * }
 * }</pre>
 *
 * <p>Names: {@code metrics_producer_events_total{event_type,outcome}},
 * {@code metrics_producer_duration_seconds_sum/_count{event_type}},
 * {@code metrics_sink_writes_total{sink,table,outcome}}, {@code metrics_sink_rows_total{sink,table}},
 * {@code metrics_sink_write_duration_seconds_sum/_count{sink,table}}. Label values are the caller's
 * (bounded sets such as event types and table names; never per-request values). Thread-safe.
 */
public final class SinkMetrics implements SelfMeasuring {

  private record Key(String a, String b, boolean success) {}

  private static final class Figures {
    final LongAdder count = new LongAdder();
    final LongAdder rows = new LongAdder();
    final LongAdder nanos = new LongAdder();
    final LongAdder timed = new LongAdder();
  }

  private final Map<Key, Figures> produced = new ConcurrentHashMap<>();
  private final Map<Key, Figures> written = new ConcurrentHashMap<>();

  /** Empty figures. */
  public SinkMetrics() {}

  /** A started timer; {@link Timer#elapsed()} reads it, {@code close()} stops it. */
  public static Timer timer() {
    return new Timer(System.nanoTime());
  }

  /** One event of {@code eventType} produced, taking {@code latency}. */
  public void produceSuccess(String eventType, Duration latency) {
    record(produced, new Key(eventType, "", true), 0, latency);
  }

  /** One event of {@code eventType} produced without latency. */
  public void produceSuccess(String eventType) {
    record(produced, new Key(eventType, "", true), 0, null);
  }

  /** One event of {@code eventType} failed to be produced, after {@code latency}. */
  public void produceError(String eventType, Duration latency) {
    record(produced, new Key(eventType, "", false), 0, latency);
  }

  /** One event of {@code eventType} failed to be produced. */
  public void produceError(String eventType) {
    record(produced, new Key(eventType, "", false), 0, null);
  }

  /** A write of {@code rows} rows to {@code table} of {@code sink}, successful or not, taking {@code latency}. */
  public void sinkWrite(String sink, String table, long rows, Duration latency, boolean success) {
    record(written, new Key(sink, table, success), success ? rows : 0, latency);
  }

  private static void record(Map<Key, Figures> map, Key key, long rows, Duration latency) {
    Objects.requireNonNull(key.a(), "name");
    Objects.requireNonNull(key.b(), "table");
    Figures f = map.computeIfAbsent(key, k -> new Figures());
    f.count.increment();
    f.rows.add(rows);
    if (latency != null) {
      f.nanos.add(latency.toNanos());
      f.timed.increment();
    }
  }

  /** Successful sink writes to {@code table} of {@code sink} so far. */
  public long sinkWrites(String sink, String table, boolean success) {
    Figures f = written.get(new Key(sink, table, success));
    return f == null ? 0 : f.count.sum();
  }

  /** Rows written to {@code table} of {@code sink} so far. */
  public long sinkRows(String sink, String table) {
    Figures f = written.get(new Key(sink, table, true));
    return f == null ? 0 : f.rows.sum();
  }

  @Override
  public List<Measurement> measurements() {
    List<Measurement> out = new ArrayList<>();
    Map<Key, double[]> producerTime = new java.util.TreeMap<>(java.util.Comparator.comparing(Key::a));
    produced.forEach((k, f) -> {
      out.add(new Measurement("metrics_producer_events_total", Measurement.Kind.COUNTER,
          "Events produced, by event type and outcome", Map.of("event_type", k.a(), "outcome", outcome(k)),
          f.count.sum()));
      double[] t = producerTime.computeIfAbsent(new Key(k.a(), "", true), x -> new double[2]);
      t[0] += f.nanos.sum() / 1e9;
      t[1] += f.timed.sum();
    });
    producerTime.forEach((k, t) -> {
      out.add(new Measurement("metrics_producer_duration_seconds_sum", Measurement.Kind.COUNTER,
          "Seconds spent producing events, by event type", Map.of("event_type", k.a()), t[0]));
      out.add(new Measurement("metrics_producer_duration_seconds_count", Measurement.Kind.COUNTER,
          "Timed event productions, by event type", Map.of("event_type", k.a()), t[1]));
    });
    Map<List<String>, double[]> sinkTotals = new java.util.HashMap<>();
    written.forEach((k, f) -> {
      out.add(new Measurement("metrics_sink_writes_total", Measurement.Kind.COUNTER,
          "Sink writes, by sink, table and outcome", Map.of("sink", k.a(), "table", k.b(), "outcome", outcome(k)),
          f.count.sum()));
      double[] t = sinkTotals.computeIfAbsent(List.of(k.a(), k.b()), x -> new double[3]);
      t[0] += f.rows.sum();
      t[1] += f.nanos.sum() / 1e9;
      t[2] += f.timed.sum();
    });
    sinkTotals.forEach((k, t) -> {
      Map<String, String> labels = Map.of("sink", k.get(0), "table", k.get(1));
      out.add(new Measurement("metrics_sink_rows_total", Measurement.Kind.COUNTER, "Rows written, by sink and table",
          labels, t[0]));
      out.add(new Measurement("metrics_sink_write_duration_seconds_sum", Measurement.Kind.COUNTER,
          "Seconds spent writing, by sink and table", labels, t[1]));
      out.add(new Measurement("metrics_sink_write_duration_seconds_count", Measurement.Kind.COUNTER,
          "Timed writes, by sink and table", labels, t[2]));
    });
    return out;
  }

  private static String outcome(Key k) {
    return k.success() ? "success" : "error";
  }

  /** A started stopwatch (seed 002's {@code track_time}); closing it freezes {@link #elapsed()}. */
  public static final class Timer implements AutoCloseable {
    private final long start;
    private long stop = -1;

    private Timer(long start) {
      this.start = start;
    }

    /** The time since the start, or from the start to {@link #close()} once closed. */
    public Duration elapsed() {
      return Duration.ofNanos((stop < 0 ? System.nanoTime() : stop) - start);
    }

    /** Freezes the elapsed time. */
    @Override
    public void close() {
      if (stop < 0) {
        stop = System.nanoTime();
      }
    }
  }
}
