package org.metricspipeline.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Requests to a server over real HTTP with the JDK's client, for the ITs. */
final class TestHttp {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final URI base;

  TestHttp(URI base) {
    this.base = base;
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return CLIENT.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    return postAsync(path, HttpRequest.BodyPublishers.ofString(body), "application/json", headers).get();
  }

  HttpResponse<String> post(String path, byte[] body, String contentType, String... headers) throws Exception {
    return postAsync(path, HttpRequest.BodyPublishers.ofByteArray(body), contentType, headers).get();
  }

  CompletableFuture<HttpResponse<String>> postAsync(String path, String body, String... headers) {
    return postAsync(path, HttpRequest.BodyPublishers.ofString(body), "application/json", headers);
  }

  private CompletableFuture<HttpResponse<String>> postAsync(String path, HttpRequest.BodyPublisher body,
      String contentType, String... headers) {
    HttpRequest.Builder b = request(path).header("Content-Type", contentType).POST(body);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(60));
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }
}
