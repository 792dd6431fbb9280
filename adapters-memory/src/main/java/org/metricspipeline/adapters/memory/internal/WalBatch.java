package org.metricspipeline.adapters.memory.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
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

  final Records.Out points = new Records.Out(256);
  final List<Series> series = new ArrayList<>();
  final List<byte[]> contexts = new ArrayList<>();
  private final Map<Series, Boolean> seen = new IdentityHashMap<>();
  private Series last;
  private long previousTime;
  int pointCount;

  @Override
  public void point(Series s, long time, double value) {
    if (s != last) {
      last = s;
      if (seen.put(s, Boolean.TRUE) == null) {
        series.add(s);
      }
    }
    points.writeVarLong(s.ordinal);
    points.writeVarLong(ChunkCodec.zigzag(time - previousTime));
    points.writeDouble(value);
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
  static <S> void decode(byte[] payload, Map<Long, S> known, Sink<S> sink) {
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

  private static <S> S seriesOf(Map<Long, S> known, long ordinal) {
    S s = known.get(ordinal);
    if (s == null) {
      throw new IllegalStateException("log record refers to series " + ordinal + " before defining it");
    }
    return s;
  }
}
