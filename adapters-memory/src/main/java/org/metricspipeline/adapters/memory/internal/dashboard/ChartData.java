package org.metricspipeline.adapters.memory.internal.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.api.Visualization;
import org.metricspipeline.api.VisualizationType;
import org.metricspipeline.api.query.AggregationQuery;
import org.metricspipeline.api.query.AggregationResult;
import org.metricspipeline.api.query.Bucket;
import org.metricspipeline.api.query.GroupResult;
import org.metricspipeline.api.query.TimeRange;

/**
 * What one chart draws, with its axes already computed: the geometry both renderers share. The live
 * page's script receives it as JSON ({@link #writeJson}) and only maps values to pixels; the export
 * renderer ({@link SvgCharts}) draws the same thing in Java.
 *
 * @param visualization the chart
 * @param query the query that was run ({@link ChartQuery#resolve})
 * @param series the groups drawn, at most {@link #MAX_SERIES}
 * @param groupsTotal how many groups the query answered (more than drawn when truncated)
 * @param sources which data answered
 * @param timeAxis whether x is time (line, area, bar with a step)
 * @param x the x axis in epoch milliseconds (time charts), else unused
 * @param y the value axis (line, area, bar), else unused
 */
public record ChartData(Visualization visualization, AggregationQuery query, List<Series> series,
    int groupsTotal, List<String> sources, boolean timeAxis, Axis x, Axis y) {

  /** At most this many groups are drawn per chart; the rest are counted in {@link #groupsTotal}. */
  public static final int MAX_SERIES = 20;

  /** Validates and copies. */
  public ChartData {
    Objects.requireNonNull(visualization, "visualization");
    Objects.requireNonNull(query, "query");
    series = List.copyOf(series);
    sources = List.copyOf(sources);
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
  }

  /**
   * One aggregated value.
   *
   * @param time the bucket start, epoch milliseconds
   * @param value the value (may be NaN: not drawn)
   * @param count the points behind it
   */
  public record Point(long time, double value, long count) {}

  /**
   * One group's values.
   *
   * @param label the group's tag values joined by {@code ", "}, or the metric for one group
   * @param points its buckets in time order
   */
  public record Series(String label, List<Point> points) {

    /** Copies. */
    public Series {
      Objects.requireNonNull(label, "label");
      points = List.copyOf(points);
    }
  }

  /**
   * An axis: its domain and tick values.
   *
   * @param min lower end of the domain
   * @param max upper end, above {@code min}
   * @param ticks tick values inside the domain
   */
  public record Axis(double min, double max, List<Double> ticks) {

    /** Copies. */
    public Axis {
      ticks = List.copyOf(ticks);
    }

    /** Maps a value in the domain to {@code [from, to]}. */
    public double scale(double value, double from, double to) {
      return from + (value - min) / (max - min) * (to - from);
    }
  }

  /** The chart's type. */
  public VisualizationType type() {
    return visualization.spec().type();
  }

  /** The step of a time chart. */
  public Optional<Duration> step() {
    return query.step();
  }

  /** Whether some groups were left out of {@link #series}. */
  public boolean truncated() {
    return groupsTotal > series.size();
  }

  /**
   * How many marks the chart draws: finite values on a line, area or bar chart (one bar, or one
   * point of a line, each), slices with a positive value on a pie, rows of a table, and 1 for a
   * scalar with a value. The page's script counts the same marks into {@code data-points}.
   */
  public int points() {
    int n = 0;
    for (Series s : series) {
      for (Point p : s.points()) {
        boolean drawn = switch (type()) {
          case TABLE -> true;
          case PIE -> Double.isFinite(p.value()) && p.value() > 0;
          default -> Double.isFinite(p.value());
        };
        n += drawn ? 1 : 0;
      }
    }
    return n;
  }

  /** The chart data of a query's answer; the query's range (when bounded) is the time axis. */
  public static ChartData of(Visualization visualization, AggregationResult result) {
    AggregationQuery q = result.query();
    List<Series> series = new ArrayList<>();
    for (GroupResult g : result.groups()) {
      if (series.size() == MAX_SERIES) {
        break;
      }
      List<Point> points = new ArrayList<>(g.buckets().size());
      for (Bucket b : g.buckets()) {
        points.add(new Point(b.start().toEpochMilli(), b.value(), b.count()));
      }
      series.add(new Series(label(q, g), points));
    }
    VisualizationType type = visualization.spec().type();
    boolean timeAxis = q.step().isPresent()
        && (type == VisualizationType.LINE || type == VisualizationType.AREA || type == VisualizationType.BAR);
    Axis x = timeAxis ? timeAxis(q.range(), series, q.step().get()) : new Axis(0, 1, List.of());
    Axis y = valueAxis(series);
    return new ChartData(visualization, q, series, result.groups().size(), result.sources(), timeAxis, x, y);
  }

  private static String label(AggregationQuery q, GroupResult g) {
    if (q.groupBy().isEmpty()) {
      return q.function().wireName() + "(" + q.metricName() + ")";
    }
    List<String> values = new ArrayList<>();
    for (String key : q.groupBy()) {
      String v = g.key().getOrDefault(key, "");
      values.add(v.isEmpty() ? "(no " + key + ")" : v);
    }
    return String.join(", ", values);
  }

  private static Axis timeAxis(TimeRange range, List<Series> series, Duration step) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (Series s : series) {
      for (Point p : s.points()) {
        min = Math.min(min, p.time());
        max = Math.max(max, p.time() + step.toMillis());
      }
    }
    long lo = range.start().map(i -> i.toEpochMilli()).orElse(min == Long.MAX_VALUE ? 0 : min);
    long hi = range.end().map(i -> i.toEpochMilli()).orElse(max == Long.MIN_VALUE ? lo + step.toMillis() : max);
    // a bucket may start before the window (buckets are epoch-aligned): keep it on the plot
    lo = Math.min(lo, min);
    hi = Math.max(hi, lo + 1);
    long interval = ChartQuery.NICE_STEPS.get(ChartQuery.NICE_STEPS.size() - 1).toMillis();
    for (Duration d : ChartQuery.NICE_STEPS) {
      if ((hi - lo) / d.toMillis() <= 6) {
        interval = d.toMillis();
        break;
      }
    }
    List<Double> ticks = new ArrayList<>();
    for (long t = -Math.floorDiv(-lo, interval) * interval; t <= hi && ticks.size() < 20; t += interval) {
      ticks.add((double) t);
    }
    return new Axis(lo, hi, ticks);
  }

  /** A value axis from 0 (or below, for negative values) to a nice number, with about 5 ticks. */
  static Axis valueAxis(List<Series> series) {
    double lo = 0;
    double hi = 0;
    for (Series s : series) {
      for (Point p : s.points()) {
        if (Double.isFinite(p.value())) {
          lo = Math.min(lo, p.value());
          hi = Math.max(hi, p.value());
        }
      }
    }
    if (hi - lo <= 0) {
      hi = lo + 1;
    }
    double tick = nice((hi - lo) / 4);
    double first = Math.floor(lo / tick) * tick;
    double last = Math.ceil(hi / tick) * tick;
    List<Double> ticks = new ArrayList<>();
    for (int i = 0; first + i * tick <= last + tick / 2; i++) {
      ticks.add(round(first + i * tick, tick));
    }
    return new Axis(first, last, ticks);
  }

  private static double nice(double raw) {
    double exponent = Math.floor(Math.log10(raw));
    double base = Math.pow(10, exponent);
    double f = raw / base;
    double nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nf * base;
  }

  private static double round(double value, double tick) {
    // strip floating-point noise such as 0.30000000000000004 at the tick's precision
    double scale = Math.pow(10, Math.max(0, 2 - Math.floor(Math.log10(tick))));
    return Math.round(value * scale) / scale;
  }

  /**
   * Writes the chart as the page's script reads it: {@code {"id", "name", "type", "description",
   * "metric", "function", "group_by", "step_millis"?, "sources", "points", "groups_total", "truncated",
   * "time_axis", "x": {"min", "max", "ticks"}, "y": {...}, "series": [{"label", "points": [[t, v,
   * count], ...]}]}}; a non-finite value is {@code null}.
   */
  public void writeJson(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", visualization.id());
    g.writeStringField("name", visualization.spec().name());
    g.writeStringField("type", type().wireName());
    g.writeStringField("description", visualization.spec().description());
    g.writeStringField("metric", query.metricName());
    g.writeStringField("function", query.function().wireName());
    g.writeStringField("group_by", String.join(", ", query.groupBy()));
    if (query.step().isPresent()) {
      g.writeNumberField("step_millis", query.step().get().toMillis());
    }
    g.writeArrayFieldStart("sources");
    for (String s : sources) {
      g.writeString(s);
    }
    g.writeEndArray();
    g.writeNumberField("points", points());
    g.writeNumberField("groups_total", groupsTotal);
    g.writeBooleanField("truncated", truncated());
    g.writeBooleanField("time_axis", timeAxis);
    writeAxis(g, "x", x);
    writeAxis(g, "y", y);
    g.writeArrayFieldStart("series");
    for (Series s : series) {
      g.writeStartObject();
      g.writeStringField("label", s.label());
      g.writeArrayFieldStart("points");
      for (Point p : s.points()) {
        g.writeStartArray();
        g.writeNumber(p.time());
        if (Double.isFinite(p.value())) {
          g.writeNumber(p.value());
        } else {
          g.writeNull();
        }
        g.writeNumber(p.count());
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeAxis(JsonGenerator g, String name, Axis axis) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeNumberField("min", axis.min());
    g.writeNumberField("max", axis.max());
    g.writeArrayFieldStart("ticks");
    for (double t : axis.ticks()) {
      g.writeNumber(t);
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
