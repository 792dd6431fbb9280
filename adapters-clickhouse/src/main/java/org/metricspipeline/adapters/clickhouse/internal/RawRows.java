package org.metricspipeline.adapters.clickhouse.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;

/**
 * Turns items into raw-table rows (RowBinary, columns {@link Schema#RAW_INSERT_COLUMNS}) and rows of
 * {@link Queries#select} back into items.
 */
public final class RawRows {

  private static final long DAY_MILLIS = 86_400_000L;
  /** Context is stored as JSON; keys and values as long as the store accepts read back too. */
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNameLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE).build())
      .build());
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private RawRows() {}

  /** The {@code day} partition of a timestamp, clamped to what a ClickHouse {@code Date} holds. */
  public static int day(long epochMillis) {
    long d = Math.floorDiv(epochMillis, DAY_MILLIS);
    return (int) Math.max(0, Math.min(65_535, d));
  }

  /**
   * Appends one item's rows (one per metric) with an {@code insert_id} of 0 whose positions are
   * added to {@code idPositions}; returns the number of rows.
   *
   * @throws ArithmeticException when the timestamp does not fit epoch milliseconds
   */
  public static int append(RowBinary.Writer out, MetricsData item, IntList idPositions) {
    long time = item.timestamp().toEpochMilli();
    List<Metric> metrics = item.metrics();
    if (metrics.isEmpty()) {
      return 0;
    }
    String context = item.context().isEmpty() ? "" : json(item.context());
    int day = day(time);
    for (Metric m : metrics) {
      out.string(item.metricType());
      out.string(m.name());
      out.string(m.unit());
      out.string(item.source());
      writeTags(out, m.tags());
      out.int64(time);
      out.float64(m.value());
      out.date(day);
      out.string(context);
      idPositions.add(out.size());
      out.int64(0);
    }
    return metrics.size();
  }

  private static void writeTags(RowBinary.Writer out, Map<String, String> tags) {
    int n = tags.size();
    if (n == 0) {
      out.varint(0);
      out.varint(0);
      return;
    }
    if (n == 1) {
      Map.Entry<String, String> e = tags.entrySet().iterator().next();
      out.varint(1);
      out.string(e.getKey());
      out.varint(1);
      out.string(e.getValue());
      return;
    }
    String[] keys = tags.keySet().toArray(new String[n]);
    Arrays.sort(keys, CodePoints::compare);
    out.varint(n);
    for (String k : keys) {
      out.string(k);
    }
    out.varint(n);
    for (String k : keys) {
      out.string(tags.get(k));
    }
  }

  /** Tags from parallel arrays. */
  public static Map<String, String> tags(List<String> keys, List<String> values) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < keys.size() && i < values.size(); i++) {
      tags.put(keys.get(i), values.get(i));
    }
    return tags;
  }

  /** Reads the rows of {@link Queries#select} and groups consecutive points into items. */
  public static List<MetricsData> readItems(Connection connection, String sql) {
    List<MetricsData> items = new ArrayList<>();
    Object[] current = {null, null, null, null, null}; // time, type, source, metrics, context
    connection.query(sql, r -> {
      String type = r.string();
      String name = r.string();
      String unit = r.string();
      String source = r.string();
      Map<String, String> tags = tags(r.strings(), r.strings());
      long time = r.int64();
      double value = r.float64();
      String context = r.string();
      if (current[0] == null || (long) current[0] != time || !type.equals(current[1]) || !source.equals(current[2])) {
        flush(items, current);
        current[0] = time;
        current[1] = type;
        current[2] = source;
        current[3] = new ArrayList<Metric>();
        current[4] = context;
      }
      @SuppressWarnings("unchecked")
      List<Metric> metrics = (List<Metric>) current[3];
      metrics.add(new Metric(name, value, unit, tags));
    });
    flush(items, current);
    return items;
  }

  @SuppressWarnings("unchecked")
  private static void flush(List<MetricsData> items, Object[] c) {
    if (c[0] == null) {
      return;
    }
    String context = (String) c[4];
    items.add(new MetricsData(Instant.ofEpochMilli((long) c[0]), (String) c[1], (List<Metric>) c[3],
        (String) c[2], context.isEmpty() ? Map.of() : parse(context)));
  }

  private static String json(Map<String, Object> context) {
    try {
      return JSON.writeValueAsString(context);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("context is not JSON-like: " + e.getOriginalMessage(), e);
    }
  }

  private static Map<String, Object> parse(String json) {
    try {
      return JSON.readValue(json, MAP);
    } catch (IOException e) {
      return Map.of("_unreadable_context", json);
    }
  }

  /** A growable list of ints. */
  public static final class IntList {
    private int[] values = new int[64];
    private int size;

    /** Appends a value. */
    public void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    /** The number of values. */
    public int size() {
      return size;
    }

    /** The value at an index. */
    public int get(int i) {
      return values[i];
    }

    /** Drops values from index {@code n} on. */
    public void truncate(int n) {
      size = n;
    }
  }
}
