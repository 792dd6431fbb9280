package org.metricspipeline.core.http;

import java.util.concurrent.CompletableFuture;

/**
 * One HTTP endpoint written against no web framework, so the same endpoint can be mounted by the
 * {@code adapters-http} server or by a service's own web stack (see {@link EndpointRouter}).
 *
 * <p>A handler never throws and never completes its future exceptionally for bad input: it answers
 * a 4xx {@link EndpointResponse} with the {@link ErrorBody} format.
 */
public interface HttpEndpoint {

  /** The upper-case HTTP method, for example {@code GET}. */
  String method();

  /**
   * The path pattern: literal segments and {@code {param}} segments matching one non-empty segment,
   * for example {@code /metrics/{metric_name}/info}.
   */
  String pathPattern();

  /** What the endpoint is for; {@link EndpointKind#GENERAL} unless overridden. */
  default EndpointKind kind() {
    return EndpointKind.GENERAL;
  }

  /** Answers one request; the request's path parameters are already filled in. */
  CompletableFuture<EndpointResponse> handle(EndpointRequest request);

  /** An endpoint from its parts. */
  static HttpEndpoint of(String method, String pathPattern, EndpointKind kind,
      java.util.function.Function<EndpointRequest, CompletableFuture<EndpointResponse>> handler) {
    java.util.Objects.requireNonNull(method, "method");
    java.util.Objects.requireNonNull(pathPattern, "pathPattern");
    java.util.Objects.requireNonNull(kind, "kind");
    java.util.Objects.requireNonNull(handler, "handler");
    if (!pathPattern.startsWith("/")) {
      throw new IllegalArgumentException("pathPattern must start with '/', got '" + pathPattern + "'");
    }
    return new HttpEndpoint() {
      @Override
      public String method() {
        return method;
      }

      @Override
      public String pathPattern() {
        return pathPattern;
      }

      @Override
      public EndpointKind kind() {
        return kind;
      }

      @Override
      public CompletableFuture<EndpointResponse> handle(EndpointRequest request) {
        return handler.apply(request);
      }

      @Override
      public String toString() {
        return method + " " + pathPattern;
      }
    };
  }
}
