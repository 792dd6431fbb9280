package org.metricspipeline.adapters.http.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.metricspipeline.adapters.http.EndpointStats;
import org.metricspipeline.api.telemetry.Measurement;

/**
 * Request counts and latency per endpoint pattern and status, and requests refused before they
 * reached their endpoint, by reason; lock-free on the request path.
 */
public final class RequestStats {

  /** The pattern recorded for requests no endpoint matched. */
  public static final String UNMATCHED = "(unmatched)";

  /** Why a request was refused; the label value is the lower-case name. */
  public enum Rejection {
    /** 429: over the client's rate limit. */
    RATE_LIMITED,
    /** 401: missing or wrong bearer token. */
    UNAUTHORIZED,
    /** 403: a valid token without the scope the endpoint needs. */
    FORBIDDEN,
    /** 413: body over maxBodyBytes (also after gzip). */
    BODY_TOO_LARGE,
    /** 503: the channel's buffer had no room for the request's items. */
    BUFFER_FULL
  }

  private static final double NANOS_PER_SECOND = 1e9;
  /** Methods counted under their own name; any other token a client sends counts as {@link #OTHER_METHOD}. */
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");
  /** The method label of requests with a method outside {@link #KNOWN_METHODS}. */
  static final String OTHER_METHOD = "OTHER";

  private final ConcurrentHashMap<Key, Cell> cells = new ConcurrentHashMap<>();
  private final EnumMap<Rejection, LongAdder> rejections = new EnumMap<>(Rejection.class);

  /** Counters starting at zero. */
  public RequestStats() {
    for (Rejection r : Rejection.values()) {
      rejections.put(r, new LongAdder());
    }
  }

  /**
   * Records one answered request. Made-up methods are counted together, so clients cannot grow the
   * counters without bound (path patterns and statuses are bounded already).
   */
  public void record(String method, String pattern, int status, long nanos) {
    String label = KNOWN_METHODS.contains(method) ? method : OTHER_METHOD;
    Cell c = cells.computeIfAbsent(new Key(label, pattern, status), k -> new Cell());
    c.count.increment();
    c.totalNanos.add(nanos);
    c.maxNanos.accumulate(nanos);
  }

  /** Records one refused request. */
  public void rejected(Rejection reason) {
    rejections.get(reason).increment();
  }

  /** Requests refused for {@code reason} so far. */
  public long rejections(Rejection reason) {
    return rejections.get(reason).sum();
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

  /**
   * {@code metrics_http_requests_total} and {@code metrics_http_request_duration_seconds_sum} /
   * {@code _count} per method, path pattern and status, then
   * {@code metrics_http_rejected_requests_total} per reason.
   */
  public List<Measurement> measurements() {
    List<Measurement> out = new ArrayList<>();
    for (EndpointStats s : snapshot()) {
      Map<String, String> labels = Map.of("method", s.method(), "path", s.pathPattern(),
          "status", Integer.toString(s.status()));
      out.add(new Measurement("metrics_http_requests_total", Measurement.Kind.COUNTER,
          "HTTP requests answered, by method, endpoint path pattern and status", labels, s.count()));
      out.add(new Measurement("metrics_http_request_duration_seconds_sum", Measurement.Kind.COUNTER,
          "Total seconds from a request's arrival to its response", labels,
          s.totalLatency().toNanos() / NANOS_PER_SECOND));
      out.add(new Measurement("metrics_http_request_duration_seconds_count", Measurement.Kind.COUNTER,
          "Requests timed in metrics_http_request_duration_seconds_sum", labels, s.count()));
    }
    for (Rejection r : Rejection.values()) {
      out.add(new Measurement("metrics_http_rejected_requests_total", Measurement.Kind.COUNTER,
          "Requests refused before or instead of reaching their endpoint: rate_limited (429), "
              + "unauthorized (401), body_too_large (413), buffer_full (503)",
          Map.of("reason", r.name().toLowerCase(Locale.ROOT)), rejections.get(r).sum()));
    }
    return out;
  }

  private record Key(String method, String pattern, int status) {}

  private static final class Cell {
    final LongAdder count = new LongAdder();
    final LongAdder totalNanos = new LongAdder();
    final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);
  }
}
