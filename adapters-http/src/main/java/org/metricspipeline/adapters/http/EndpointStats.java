package org.metricspipeline.adapters.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Requests answered by one endpoint with one status since the server started, for the server's
 * own observability (see {@link HttpIngestionAdapter#requestStats()}).
 *
 * @param method the HTTP method
 * @param pathPattern the endpoint's path pattern, or {@code (unmatched)} for requests no endpoint
 *     matched (404, 405)
 * @param status the status answered
 * @param count requests answered
 * @param totalLatency the sum of their latencies (from the request's arrival to the response)
 * @param maxLatency the largest latency
 */
public record EndpointStats(
    String method, String pathPattern, int status, long count, Duration totalLatency, Duration maxLatency) {

  /** Validates. */
  public EndpointStats {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pathPattern, "pathPattern");
    Objects.requireNonNull(totalLatency, "totalLatency");
    Objects.requireNonNull(maxLatency, "maxLatency");
  }

  /** The mean latency; zero when nothing was counted. */
  public Duration meanLatency() {
    return count == 0 ? Duration.ZERO : totalLatency.dividedBy(count);
  }
}
