package org.metricspipeline.adapters.http.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.metricspipeline.adapters.http.EndpointStats;

/** Request counts and latency per endpoint pattern and status; lock-free on the request path. */
public final class RequestStats {

  /** The pattern recorded for requests no endpoint matched. */
  public static final String UNMATCHED = "(unmatched)";

  private final ConcurrentHashMap<Key, Cell> cells = new ConcurrentHashMap<>();

  /** Records one answered request. */
  public void record(String method, String pattern, int status, long nanos) {
    Cell c = cells.computeIfAbsent(new Key(method, pattern, status), k -> new Cell());
    c.count.increment();
    c.totalNanos.add(nanos);
    c.maxNanos.accumulate(nanos);
  }

  /** A snapshot, ordered by pattern, method and status. */
  public List<EndpointStats> snapshot() {
    List<EndpointStats> out = new ArrayList<>();
    cells.forEach((k, c) -> out.add(new EndpointStats(k.method, k.pattern, k.status, c.count.sum(),
        java.time.Duration.ofNanos(c.totalNanos.sum()), java.time.Duration.ofNanos(c.maxNanos.get()))));
    out.sort(java.util.Comparator.comparing(EndpointStats::pathPattern).thenComparing(EndpointStats::method)
        .thenComparingInt(EndpointStats::status));
    return out;
  }

  private record Key(String method, String pattern, int status) {}

  private static final class Cell {
    final LongAdder count = new LongAdder();
    final LongAdder totalNanos = new LongAdder();
    final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);
  }
}
