package org.metricspipeline.core.http;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the endpoint for a method and path and calls it: the piece a service with its own web stack
 * needs to mount the library's endpoints.
 *
 * <pre>{@code
 * EndpointRouter router = EndpointRouter.of(MetricsEndpoints.builder(storage).build().endpoints());
 * // in your framework's handler:
 * EndpointResponse r = router.dispatch(new EndpointRequest(method, path, Map.of(), query, headers, body, ip)).join();
 * }</pre>
 *
 * <p>An unknown path answers 404 and a known path with another method 405 (with {@code Allow}),
 * both in the {@link ErrorBody} format. A handler that throws or fails unexpectedly answers a generic
 * 500 without a stack trace. Literal segments win over {@code {param}} segments.
 */
public final class EndpointRouter {

  private final List<Route> routes;
  private final Clock clock;

  private EndpointRouter(List<HttpEndpoint> endpoints, Clock clock) {
    List<Route> list = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (HttpEndpoint e : endpoints) {
      Route r = new Route(e, e.pathPattern().split("/", -1));
      if (!seen.add(e.method() + " " + r.shape())) {
        throw new IllegalArgumentException("two endpoints for " + e.method() + " " + e.pathPattern());
      }
      list.add(r);
    }
    // literal routes before parameterised ones, so /metrics/list beats /metrics/{name}
    list.sort((a, b) -> Integer.compare(a.paramCount(), b.paramCount()));
    this.routes = List.copyOf(list);
    this.clock = clock;
  }

  /** A router over these endpoints, stamping errors with the system clock. */
  public static EndpointRouter of(List<HttpEndpoint> endpoints) {
    return of(endpoints, Clock.systemUTC());
  }

  /** A router over these endpoints; fails when two share a method and path pattern. */
  public static EndpointRouter of(List<HttpEndpoint> endpoints, Clock clock) {
    return new EndpointRouter(List.copyOf(endpoints), Objects.requireNonNull(clock, "clock"));
  }

  /** The endpoints, literal patterns first. */
  public List<HttpEndpoint> endpoints() {
    return routes.stream().map(Route::endpoint).toList();
  }

  /** The endpoint a request goes to, with its path parameters; empty when none matches. */
  public Optional<Match> match(String method, String path) {
    String[] segments = path.split("/", -1);
    for (Route r : routes) {
      if (r.endpoint().method().equalsIgnoreCase(method)) {
        Map<String, String> params = r.match(segments);
        if (params != null) {
          return Optional.of(new Match(r.endpoint(), params));
        }
      }
    }
    return Optional.empty();
  }

  /** Answers a request: the matching endpoint's response, or a 404/405/500 error response. */
  public CompletableFuture<EndpointResponse> dispatch(EndpointRequest request) {
    Optional<Match> m = match(request.method(), request.path());
    if (m.isEmpty()) {
      return CompletableFuture.completedFuture(notMatched(request));
    }
    return dispatch(m.get(), request);
  }

  /**
   * Answers a request already {@link #match matched} (so its path is not matched again): the
   * endpoint's response, or a 500 error response when it throws or fails unexpectedly.
   */
  public CompletableFuture<EndpointResponse> dispatch(Match match, EndpointRequest request) {
    try {
      return match.endpoint().handle(request.withPathParams(match.pathParams()))
          .exceptionally(t -> ErrorBody.fromThrowable(t, clock));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ErrorBody.fromThrowable(e, clock));
    }
  }

  /** The 404 or 405 response for a request no endpoint matches. */
  public EndpointResponse notMatched(EndpointRequest request) {
    String[] segments = request.path().split("/", -1);
    Set<String> allowed = new LinkedHashSet<>();
    for (Route r : routes) {
      if (r.match(segments) != null) {
        allowed.add(r.endpoint().method());
      }
    }
    if (allowed.isEmpty()) {
      return ErrorBody.response(404, ErrorBody.NOT_FOUND, "no endpoint at " + request.path(),
          Map.of("path", request.path()), clock);
    }
    return ErrorBody.response(405, ErrorBody.METHOD_NOT_ALLOWED,
        request.method() + " is not allowed on " + request.path(),
        Map.of("allowed", List.copyOf(allowed)), clock).withHeader("Allow", String.join(", ", allowed));
  }

  /**
   * A matched endpoint.
   *
   * @param endpoint the endpoint
   * @param pathParams the values of its {@code {param}} segments
   */
  public record Match(HttpEndpoint endpoint, Map<String, String> pathParams) {

    /** Validates and copies. */
    public Match {
      Objects.requireNonNull(endpoint, "endpoint");
      pathParams = Map.copyOf(pathParams);
    }
  }

  private record Route(HttpEndpoint endpoint, String[] pattern) {

    int paramCount() {
      int n = 0;
      for (String s : pattern) {
        if (isParam(s)) {
          n++;
        }
      }
      return n;
    }

    String shape() {
      StringBuilder b = new StringBuilder();
      for (String s : pattern) {
        b.append(isParam(s) ? "{}" : s).append('/');
      }
      return b.toString();
    }

    Map<String, String> match(String[] segments) {
      if (segments.length != pattern.length) {
        return null;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < pattern.length; i++) {
        String p = pattern[i];
        if (isParam(p)) {
          if (segments[i].isEmpty()) {
            return null;
          }
          params.put(p.substring(1, p.length() - 1), segments[i]);
        } else if (!p.equals(segments[i])) {
          return null;
        }
      }
      return params;
    }

    private static boolean isParam(String s) {
      return s.length() > 2 && s.startsWith("{") && s.endsWith("}");
    }
  }
}
