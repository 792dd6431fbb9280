package org.metricspipeline.runtime;

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
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.api.MetricsPipelineException;

/**
 * Calls a running server's JSON API (the orchestrator status, the guard's {@code /api/v1/*},
 * ingestion) for command-line tools: {@code metrics-pipeline status|guard|generate} and the examples'
 * guard command. Every failure is an {@link ApiException} whose message says what to do.
 *
 * <pre>{@code
 * JsonNode status = new ApiClient(URI.create("http://127.0.0.1:8080"), Optional.empty(),
 *     "metrics-pipeline run --config-dir DIR").get(Orchestrator.STATUS_PATH);
 * }</pre>
 */
public final class ApiClient {

  /** The JSON mapper the answers are read with. */
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final Optional<String> token;
  private final String startHint;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * A client of the server at {@code base}.
   *
   * @param token the bearer token sent, when the server asks for one
   * @param startHint the command that starts such a server, shown when nothing answers
   */
  public ApiClient(URI base, Optional<String> token, String startHint) {
    String s = Objects.requireNonNull(base, "base").toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.token = Objects.requireNonNull(token, "token");
    this.startHint = Objects.requireNonNull(startHint, "startHint");
  }

  /** The server's address, without a trailing slash. */
  public URI base() {
    return base;
  }

  /** GET a JSON document; 2xx only, else {@link ApiException}. */
  public JsonNode get(String path) {
    return send(request(path).GET());
  }

  /** POST a JSON body; 2xx only, else {@link ApiException}. */
  public JsonNode post(String path, byte[] body) {
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
          + startHint + ")");
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
  public static String pretty(JsonNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (IOException e) {
      return node.toString();
    }
  }

  /** A call failed: nothing answered, no JSON, or not 2xx; the message says what to do. */
  public static final class ApiException extends MetricsPipelineException {
    private static final long serialVersionUID = 1L;

    ApiException(String message) {
      super(message);
    }
  }
}
