package org.metricspipeline.core.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP response produced by an {@link HttpEndpoint}, independent of any web framework.
 *
 * @param status the status code, 100 to 599
 * @param headers response headers (for example {@code Content-Type}, {@code Retry-After})
 * @param body the body bytes; empty for none
 */
public record EndpointResponse(int status, Map<String, String> headers, byte[] body) {

  /** The content type of JSON bodies. */
  public static final String JSON = "application/json";

  /** Validates and copies. */
  public EndpointResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be between 100 and 599, got " + status);
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body = Objects.requireNonNull(body, "body").clone();
  }

  /** A JSON response. */
  public static EndpointResponse json(int status, byte[] body) {
    return new EndpointResponse(status, Map.of("Content-Type", JSON), body);
  }

  /** The same response with one more header. */
  public EndpointResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new EndpointResponse(status, h, body);
  }

  /** A header's value (name case-insensitive), when present. */
  public Optional<String> header(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /** The body; a copy, so the response stays immutable. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EndpointResponse r && status == r.status && headers.equals(r.headers)
        && Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, headers, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "EndpointResponse{" + status + ", headers=" + headers + ", body=" + body.length + " bytes}";
  }
}
