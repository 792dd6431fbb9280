package org.metricspipeline.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageAdapter;

/**
 * Streaming aggregation over event-time windows (the {@code aggregations} of a streaming job):
 * tumbling or sliding windows, per group of tag values, with watermark-based lateness.
 *
 * <p>Input: {@link #accept(MetricsData)}. Each metric named {@link Builder#metricName} in an item
 * (of {@link Builder#metricType}, when set) is one event at the item's timestamp. It falls into every
 * window {@code [start, start + size)} with {@code start} a multiple of the slide (the size, for
 * tumbling windows) and {@code start <= t < start + size}. Functions: {@code count} (events),
 * {@code count_distinct} (distinct values of the tag {@link Builder#distinctTag}), {@code sum},
 * {@code avg}, {@code min}, {@code max} (of the metric's values).
 *
 * <p>The watermark is the largest event time seen minus the allowed lateness. A window is emitted,
 * once, when the watermark reaches its end (or on {@link #flush()}). An event whose windows have all
 * been emitted is dropped and counted in {@link Stats#lateDropped()}. At most
 * {@link Builder#maxOpenWindows} (window, group) cells are open; an event that would open another is
 * dropped and counted in {@link Stats#rejected()}.
 *
 * <pre>{@code
 * WindowedAggregator views = WindowedAggregator.builder(WindowFunction.COUNT, "page_view_count")
 *     .metricType("page_view").metricName("event")
 *     .sliding(Duration.ofMinutes(1), Duration.ofSeconds(30)).groupBy("device_type")
 *     .allowedLateness(Duration.ofSeconds(10)).output(result -> System.out.println(result)).build();
 * events.forEach(views::accept);
 * views.flush();
 * }</pre>
 *
 * <p>Thread-safe; outputs run on the thread that caused the emission.
 */
public final class WindowedAggregator {

  /** Default most open (window, group) cells. */
  public static final int DEFAULT_MAX_OPEN_WINDOWS = 100_000;

  /** A windowed aggregation function; wire names as in the streaming config. */
  public enum WindowFunction {
    /** The number of events. */
    COUNT,
    /** The number of distinct values of the distinct tag. */
    COUNT_DISTINCT,
    /** The sum of the values. */
    SUM,
    /** The mean of the values. */
    AVG,
    /** The smallest value. */
    MIN,
    /** The largest value. */
    MAX;

    /** The lower-case wire name, for example {@code count_distinct}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One emitted window of one group.
   *
   * @param name the aggregation's name (the derived metric's name)
   * @param start the window start (inclusive)
   * @param end the window end (exclusive)
   * @param group the group-by tag values (empty without group-by)
   * @param value the aggregated value
   * @param count the number of events in the window and group
   */
  public record WindowResult(String name, Instant start, Instant end, Map<String, String> group,
      double value, long count) {
    /** Copies. */
    public WindowResult {
      group = Map.copyOf(group);
    }
  }

  /**
   * Counters.
   *
   * @param accepted events counted into at least one window
   * @param lateDropped events dropped because all their windows were emitted
   * @param rejected events dropped because {@code maxOpenWindows} cells were open
   * @param emitted window results emitted
   * @param openCells (window, group) cells open now
   */
  public record Stats(long accepted, long lateDropped, long rejected, long emitted, long openCells) {}

  private final String name;
  private final WindowFunction function;
  private final String metricType;
  private final String metricName;
  private final String distinctTag;
  private final long size;
  private final long slide;
  private final List<String> groupBy;
  private final long lateness;
  private final int maxOpenWindows;
  private final Consumer<WindowResult> output;

  private final TreeMap<Long, Map<List<String>, Cell>> windows = new TreeMap<>();
  private long maxEventTime = Long.MIN_VALUE;
  private long emittedUntil = Long.MIN_VALUE; // windows ending at or before it were emitted
  private long openCells;
  private long accepted;
  private long lateDropped;
  private long rejected;
  private long emitted;

  private WindowedAggregator(Builder b) {
    this.name = b.name;
    this.function = b.function;
    this.metricType = b.metricType;
    this.metricName = b.metricName;
    this.distinctTag = b.distinctTag;
    this.size = b.size.toMillis();
    this.slide = b.slide.toMillis();
    this.groupBy = List.copyOf(b.groupBy);
    this.lateness = b.lateness.toMillis();
    this.maxOpenWindows = b.maxOpenWindows;
    this.output = b.output;
  }

  /** A builder for {@code function} results named {@code name}. */
  public static Builder builder(WindowFunction function, String name) {
    return new Builder(function, name);
  }

  /** Counts the item's matching metrics into their windows, then emits windows the watermark closed. */
  public void accept(MetricsData item) {
    Objects.requireNonNull(item, "item");
    List<WindowResult> ready;
    synchronized (this) {
      if (metricType != null && !metricType.equals(item.metricType())) {
        return;
      }
      long t = item.timestamp().toEpochMilli();
      for (Metric m : item.metrics()) {
        if (m.name().equals(metricName)) {
          add(t, m);
        }
      }
      if (t > maxEventTime) {
        maxEventTime = t;
      }
      ready = closeUntil(maxEventTime - lateness);
    }
    ready.forEach(output);
  }

  private void add(long t, Metric m) {
    List<String> key = new ArrayList<>(groupBy.size());
    for (String k : groupBy) {
      key.add(m.tags().getOrDefault(k, ""));
    }
    long last = Aggregations.bucketStart(t, slide);
    boolean counted = false;
    boolean late = true;
    for (long start = last; start > t - size; start -= slide) {
      if (start + size <= emittedUntil) {
        continue;
      }
      late = false;
      Map<List<String>, Cell> cells = windows.get(start);
      Cell cell = cells == null ? null : cells.get(key);
      if (cell == null) {
        if (openCells >= maxOpenWindows) {
          continue;
        }
        cell = new Cell();
        windows.computeIfAbsent(start, s -> new HashMap<>()).put(key, cell);
        openCells++;
      }
      cell.add(m, distinctTag);
      counted = true;
    }
    if (counted) {
      accepted++;
    } else if (late) {
      lateDropped++;
    } else {
      rejected++;
    }
  }

  private List<WindowResult> closeUntil(long watermark) {
    List<WindowResult> out = new ArrayList<>();
    while (!windows.isEmpty() && windows.firstKey() + size <= watermark) {
      Map.Entry<Long, Map<List<String>, Cell>> e = windows.pollFirstEntry();
      emit(e.getKey(), e.getValue(), out);
    }
    long closedEnd = Aggregations.bucketStart(watermark - size, slide) + size;
    if (watermark != Long.MIN_VALUE && closedEnd > emittedUntil) {
      emittedUntil = closedEnd;
    }
    return out;
  }

  private void emit(long start, Map<List<String>, Cell> cells, List<WindowResult> out) {
    List<Map.Entry<List<String>, Cell>> ordered = new ArrayList<>(cells.entrySet());
    ordered.sort((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
    for (Map.Entry<List<String>, Cell> e : ordered) {
      Map<String, String> group = new LinkedHashMap<>();
      for (int i = 0; i < groupBy.size(); i++) {
        group.put(groupBy.get(i), e.getKey().get(i));
      }
      Cell c = e.getValue();
      out.add(new WindowResult(name, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + size),
          group, c.value(function), c.count));
      openCells--;
      emitted++;
    }
  }

  /** Emits every open window now (for example at shutdown), in window order. */
  public void flush() {
    List<WindowResult> out = new ArrayList<>();
    synchronized (this) {
      while (!windows.isEmpty()) {
        Map.Entry<Long, Map<List<String>, Cell>> e = windows.pollFirstEntry();
        emit(e.getKey(), e.getValue(), out);
        emittedUntil = Math.max(emittedUntil, e.getKey() + size);
      }
    }
    out.forEach(output);
  }

  /** The counters now. */
  public synchronized Stats stats() {
    return new Stats(accepted, lateDropped, rejected, emitted, openCells);
  }

  /** The watermark: the largest event time seen minus the allowed lateness; empty before any event. */
  public synchronized java.util.Optional<Instant> watermark() {
    return maxEventTime == Long.MIN_VALUE ? java.util.Optional.empty()
        : java.util.Optional.of(Instant.ofEpochMilli(maxEventTime - lateness));
  }

  private static final class Cell {
    long count;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    Set<String> distinct;

    void add(Metric m, String distinctTag) {
      count++;
      double v = m.value();
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (distinctTag != null) {
        if (distinct == null) {
          distinct = new HashSet<>();
        }
        String value = m.tags().get(distinctTag);
        if (value != null) {
          distinct.add(value);
        }
      }
    }

    double value(WindowFunction f) {
      return switch (f) {
        case COUNT -> count;
        case COUNT_DISTINCT -> distinct == null ? 0 : distinct.size();
        case SUM -> sum;
        case AVG -> sum / count;
        case MIN -> min;
        case MAX -> max;
      };
    }
  }

  /** Builds a {@link WindowedAggregator}; {@link #build()} checks the combination of options. */
  public static final class Builder {
    private final WindowFunction function;
    private final String name;
    private String metricType;
    private String metricName;
    private String distinctTag;
    private Duration size;
    private Duration slide;
    private final List<String> groupBy = new ArrayList<>();
    private Duration lateness = Duration.ZERO;
    private int maxOpenWindows = DEFAULT_MAX_OPEN_WINDOWS;
    private Consumer<WindowResult> output;

    private Builder(WindowFunction function, String name) {
      this.function = Objects.requireNonNull(function, "function");
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Count only items of this metric type (for example an event type such as {@code page_view}). */
    public Builder metricType(String metricType) {
      this.metricType = Objects.requireNonNull(metricType, "metricType");
      return this;
    }

    /** The metric whose points are the events (required). */
    public Builder metricName(String metricName) {
      this.metricName = Objects.requireNonNull(metricName, "metricName");
      return this;
    }

    /** The tag whose distinct values {@code count_distinct} counts (required for it). */
    public Builder distinctTag(String tagKey) {
      this.distinctTag = Objects.requireNonNull(tagKey, "distinctTag");
      return this;
    }

    /** Tumbling windows of this size, 1 ms to 31 days. */
    public Builder tumbling(Duration size) {
      return sliding(size, size);
    }

    /** Windows of {@code size} starting every {@code slide} (1 ms to {@code size}). */
    public Builder sliding(Duration size, Duration slide) {
      Objects.requireNonNull(size, "size");
      Objects.requireNonNull(slide, "slide");
      if (size.toMillis() < 1 || size.compareTo(Duration.ofDays(31)) > 0) {
        throw new IllegalArgumentException("window size must be between 1ms and 31 days, got " + size);
      }
      if (slide.toMillis() < 1 || slide.compareTo(size) > 0) {
        throw new IllegalArgumentException("slide must be between 1ms and the window size " + size
            + ", got " + slide);
      }
      this.size = size;
      this.slide = slide;
      return this;
    }

    /** Group by these tag keys of the metric. */
    public Builder groupBy(String... keys) {
      groupBy.addAll(List.of(keys));
      return this;
    }

    /** How far behind the latest event time an event may be: 0 to 24 h [0]. */
    public Builder allowedLateness(Duration lateness) {
      Objects.requireNonNull(lateness, "allowedLateness");
      if (lateness.isNegative() || lateness.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException("allowedLateness must be between 0 and 24h, got " + lateness);
      }
      this.lateness = lateness;
      return this;
    }

    /** Most (window, group) cells open at once: 1 to 10,000,000 [{@value WindowedAggregator#DEFAULT_MAX_OPEN_WINDOWS}]. */
    public Builder maxOpenWindows(int maxOpenWindows) {
      if (maxOpenWindows < 1 || maxOpenWindows > 10_000_000) {
        throw new IllegalArgumentException("maxOpenWindows must be between 1 and 10000000, got " + maxOpenWindows);
      }
      this.maxOpenWindows = maxOpenWindows;
      return this;
    }

    /** Where emitted windows go. */
    public Builder output(Consumer<WindowResult> output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    /**
     * Writes emitted windows to {@code storage} as a derived metric: one item per window result, at
     * the window start, of {@code metricType}, with a metric named after this aggregation carrying
     * the group's tags. Failures are logged by the store's future, not retried.
     */
    public Builder outputTo(StorageAdapter storage, String metricType) {
      Objects.requireNonNull(storage, "storage");
      Objects.requireNonNull(metricType, "metricType");
      return output(r -> storage.store(MetricsData.of(r.start(), metricType,
          List.of(Metric.of(r.name(), r.value(), r.group())))));
    }

    /** The aggregator; fails naming a missing or inconsistent option. */
    public WindowedAggregator build() {
      if (metricName == null) {
        throw new IllegalStateException("metricName is required");
      }
      if (size == null) {
        throw new IllegalStateException("a window is required: call tumbling(..) or sliding(..)");
      }
      if (output == null) {
        throw new IllegalStateException("an output is required: call output(..) or outputTo(..)");
      }
      if (function == WindowFunction.COUNT_DISTINCT && distinctTag == null) {
        throw new IllegalStateException("count_distinct needs distinctTag(..)");
      }
      return new WindowedAggregator(this);
    }
  }
}
