package org.metricspipeline.core.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as an {@link HttpEndpoint} sees it, independent of any web framework.
 *
 * @param method the upper-case method, for example {@code GET}
 * @param path the decoded request path, for example {@code /metrics/cpu_usage/info}
 * @param pathParams the values of the endpoint pattern's {@code {param}} segments
 * @param queryParams decoded query parameters, each with its values in request order
 * @param headers request headers; lookups ignore case, repeated headers are joined with {@code ", "}
 * @param body the request body, already decompressed; empty when there is none
 * @param clientAddress the client's IP address, or {@code ""} when unknown
 */
public record EndpointRequest(
    String method, String path, Map<String, String> pathParams, Map<String, List<String>> queryParams,
    Map<String, String> headers, byte[] body, String clientAddress) {

  /** A body array {@link #takingBody} hands to the constructor on this thread, not to be copied. */
  private static final ThreadLocal<byte[]> TAKEN = new ThreadLocal<>();

  /** Validates and copies; the header map of the record ignores case. */
  public EndpointRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    pathParams = Map.copyOf(pathParams);
    Map<String, List<String>> q = new LinkedHashMap<>();
    queryParams.forEach((k, v) -> q.put(k, List.copyOf(v)));
    queryParams = Collections.unmodifiableMap(q);
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    headers = Collections.unmodifiableMap(h);
    Objects.requireNonNull(body, "body");
    body = body == TAKEN.get() ? body : body.clone();
    Objects.requireNonNull(clientAddress, "clientAddress (use \"\" when unknown)");
  }

  /**
   * As the constructor, but taking {@code body} over instead of copying it: for an HTTP server
   * handing over a body array that nothing else holds or changes afterwards (a copy of a
   * 1,000-point ingestion body is about 100 KB per request).
   */
  public static EndpointRequest takingBody(String method, String path, Map<String, String> pathParams,
      Map<String, List<String>> queryParams, Map<String, String> headers, byte[] body, String clientAddress) {
    TAKEN.set(body);
    try {
      return new EndpointRequest(method, path, pathParams, queryParams, headers, body, clientAddress);
    } finally {
      TAKEN.remove();
    }
  }

  /** A request without path parameters, headers or body, for tests and simple callers. */
  public static EndpointRequest of(String method, String path) {
    return new EndpointRequest(method, path, Map.of(), Map.of(), Map.of(), new byte[0], "");
  }

  /** The same request with these path parameters (the router fills them in); this one when they are its own. */
  public EndpointRequest withPathParams(Map<String, String> params) {
    if (params.equals(pathParams)) {
      return this; // immutable: no need to copy headers and body again
    }
    return new EndpointRequest(method, path, params, queryParams, headers, body, clientAddress);
  }

  /** The same request with this body. */
  public EndpointRequest withBody(byte[] newBody) {
    return new EndpointRequest(method, path, pathParams, queryParams, headers, newBody, clientAddress);
  }

  /** The body; a copy, so the request stays immutable. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body itself, not a copy: for this package's endpoints, which only read it. */
  byte[] bodyBytes() {
    return body;
  }

  /** The first value of a query parameter, when present. */
  public Optional<String> queryParam(String name) {
    List<String> values = queryParams.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** A header's value (name case-insensitive), when present. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /** A path parameter's value, when the pattern has it. */
  public Optional<String> pathParam(String name) {
    return Optional.ofNullable(pathParams.get(name));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EndpointRequest r && method.equals(r.method) && path.equals(r.path)
        && pathParams.equals(r.pathParams) && queryParams.equals(r.queryParams)
        && headers.equals(r.headers) && java.util.Arrays.equals(body, r.body)
        && clientAddress.equals(r.clientAddress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, path, pathParams, queryParams, headers, java.util.Arrays.hashCode(body), clientAddress);
  }

  @Override
  public String toString() {
    return "EndpointRequest{" + method + " " + path + ", query=" + queryParams + ", body=" + body.length
        + " bytes, client=" + clientAddress + "}";
  }
}
