package org.metricspipeline.adapters.memory.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsJson;

/**
 * One batch's stored points and contexts, encoded for the write-ahead log as {@link SeriesStore}
 * reports them. The series are referred to by their ordinal; the log adds a definition of each
 * series the first time a segment mentions it ({@link WriteAheadLog}).
 *
 * <p>A log record's payload: {@code [defs: n, (ordinal, series)*][points: n, (ordinal, zig-zag
 * time delta, value bits)*][contexts: n, (item JSON)*]}.
 */
final class WalBatch implements SeriesStore.Journal {

  /** Bytes a point usually takes (ordinal, time delta, value): sizes the buffer up front. */
  private static final int POINT_BYTES = 14;

  final Records.Out points;
  /**
   * The series the points name, each at least once, with their ordinals: a series is listed again
   * whenever another one came between (a set per batch would cost a lookup per point), and
   * {@link WriteAheadLog#append} defines each once. Only the ordinals are read per point: the
   * series objects are dereferenced for the definitions a segment still lacks.
   */
  Series[] series;
  int[] ordinals;
  int seriesCount;
  final List<byte[]> contexts = new ArrayList<>();
  private Series last;
  private long previousTime;
  int pointCount;

  /** A batch expected to hold about {@code expectedPoints} points. */
  WalBatch(int expectedPoints) {
    points = new Records.Out(Math.max(256, Math.min(expectedPoints, 1 << 20) * POINT_BYTES));
    // a batch at high cardinality names about as many series as points
    int slots = Math.max(10, Math.min(expectedPoints, 1 << 16));
    series = new Series[slots];
    ordinals = new int[slots];
  }

  @Override
  public void point(Series s, int ordinal, long time, double value) {
    if (s != last) {
      last = s;
      if (seriesCount == series.length) {
        series = Arrays.copyOf(series, seriesCount * 2);
        ordinals = Arrays.copyOf(ordinals, seriesCount * 2);
      }
      series[seriesCount] = s;
      ordinals[seriesCount++] = ordinal;
    }
    points.writePoint(ordinal, ChunkCodec.zigzag(time - previousTime), Double.doubleToRawLongBits(value));
    previousTime = time;
    pointCount++;
  }

  @Override
  public void context(MetricsData item) {
    contexts.add(MetricsJson.encode(new MetricsData(
        item.timestamp(), item.metricType(), List.of(), item.source(), item.context())));
  }

  boolean isEmpty() {
    return pointCount == 0 && contexts.isEmpty();
  }

  /** Receives a decoded log record. */
  interface Sink<S> {
    S series(String metricType, String source, String name, String unit, Map<String, String> tags);

    void points(S series, long[] times, double[] values, int n);

    void context(MetricsData item);
  }

  /** Decodes one record's payload into {@code sink}; {@code known} maps the segment's ordinals. */
  static <S> void decode(byte[] payload, Ordinals<S> known, Sink<S> sink) {
    Records.In in = new Records.In(payload);
    int defs = in.readVarInt();
    for (int i = 0; i < defs; i++) {
      long ordinal = in.readVarLong();
      String type = in.readString();
      String source = in.readString();
      String name = in.readString();
      String unit = in.readString();
      int n = in.readVarInt();
      Map<String, String> tags = new java.util.LinkedHashMap<>();
      for (int k = 0; k < n; k++) {
        tags.put(in.readString(), in.readString());
      }
      known.put(ordinal, sink.series(type, source, name, unit, Map.copyOf(tags)));
    }
    int n = in.readVarInt();
    long[] times = new long[Math.min(n, 4096)];
    double[] values = new double[times.length];
    int run = 0;
    long runOrdinal = -1;
    long time = 0;
    for (int i = 0; i < n; i++) {
      long ordinal = in.readVarLong();
      time += ChunkCodec.unzigzag(in.readVarLong());
      double value = in.readDouble();
      if ((ordinal != runOrdinal || run == times.length) && run > 0) {
        sink.points(seriesOf(known, runOrdinal), times, values, run);
        run = 0;
      }
      runOrdinal = ordinal;
      times[run] = time;
      values[run] = value;
      run++;
    }
    if (run > 0) {
      sink.points(seriesOf(known, runOrdinal), times, values, run);
    }
    int contexts = in.readVarInt();
    for (int i = 0; i < contexts; i++) {
      sink.context(MetricsJson.decode(in.readBytes()));
    }
  }

  private static <S> S seriesOf(Ordinals<S> known, long ordinal) {
    S s = known.get(ordinal);
    if (s == null) {
      throw new IllegalStateException("log record refers to series " + ordinal + " before defining it");
    }
    return s;
  }

  /**
   * A segment's series by ordinal. Ordinals are a store's creation numbers, dense from 0: those below
   * {@value #DENSE_LIMIT} index an array directly; any other (a log written by a store with more
   * series, or a damaged one) goes to an open-addressing table of primitive keys (a segment may
   * define a million series, and boxing each ordinal on every point cost more than the decoding).
   */
  static final class Ordinals<S> {
    static final int DENSE_LIMIT = 1 << 24;

    private Object[] dense = new Object[64];
    private long[] keys = new long[64];
    private Object[] values = new Object[64];
    private int size;

    void put(long ordinal, S series) {
      if (ordinal >= 0 && ordinal < DENSE_LIMIT) {
        int i = (int) ordinal;
        if (i >= dense.length) {
          dense = Arrays.copyOf(dense, Math.min(DENSE_LIMIT, Math.max(i + 1, dense.length * 2)));
        }
        dense[i] = series;
        return;
      }
      if (2 * (size + 1) > keys.length) {
        grow();
      }
      if (insert(keys, values, ordinal, series)) {
        size++;
      }
    }

    @SuppressWarnings("unchecked")
    S get(long ordinal) {
      if (ordinal >= 0 && ordinal < DENSE_LIMIT) {
        return ordinal < dense.length ? (S) dense[(int) ordinal] : null;
      }
      int mask = keys.length - 1;
      for (int i = slot(ordinal, mask); ; i = (i + 1) & mask) {
        Object v = values[i];
        if (v == null) {
          return null;
        }
        if (keys[i] == ordinal) {
          return (S) v;
        }
      }
    }

    private void grow() {
      long[] k = new long[keys.length * 2];
      Object[] v = new Object[k.length];
      for (int i = 0; i < keys.length; i++) {
        if (values[i] != null) {
          insert(k, v, keys[i], values[i]);
        }
      }
      keys = k;
      values = v;
    }

    /** Puts the pair; whether the key was new. */
    private static boolean insert(long[] keys, Object[] values, long key, Object value) {
      int mask = keys.length - 1;
      for (int i = slot(key, mask); ; i = (i + 1) & mask) {
        if (values[i] == null) {
          keys[i] = key;
          values[i] = value;
          return true;
        }
        if (keys[i] == key) {
          values[i] = value;
          return false;
        }
      }
    }

    private static int slot(long key, int mask) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32)) & mask;
    }
  }
}
