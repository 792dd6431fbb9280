package org.metricspipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Calls a running server's JSON API; failures become {@link ApiException}s with a message for the user. */
final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final Optional<String> token;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiClient(URI base, Optional<String> token) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.token = token;
  }

  URI base() {
    return base;
  }

  /** GET a JSON document; 2xx only. */
  JsonNode get(String path) {
    return send(request(path).GET());
  }

  /** POST a JSON body; 2xx only. */
  JsonNode post(String path, byte[] body) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new ApiException("nothing answers at " + base + " (is the server running? start it with: "
          + "metrics-pipeline run --config-dir DIR)");
    } catch (IOException e) {
      throw new ApiException("calling " + base + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException("interrupted while calling " + base);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ApiException(base + " answered " + response.statusCode() + " without JSON: "
          + new String(response.body(), StandardCharsets.UTF_8).lines().findFirst().orElse(""));
    }
    if (response.statusCode() >= 300) {
      String message = body == null ? "" : Optional.ofNullable(body.path("error").path("message").textValue())
          .orElse(body.toString());
      throw new ApiException(base + " answered " + response.statusCode() + ": " + message);
    }
    return body;
  }

  /** Pretty JSON. */
  static String pretty(JsonNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (IOException e) {
      return node.toString();
    }
  }

  /** A call failed; the message says what to do. */
  static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ApiException(String message) {
      super(message);
    }
  }
}
