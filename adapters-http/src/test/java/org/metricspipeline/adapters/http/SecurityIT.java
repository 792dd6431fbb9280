package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.testkit.MutableClock;

/** Bearer tokens, per-IP rate limits (time moved by a test clock) and request counters over HTTP. */
class SecurityIT {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String TOKEN_A = "token-aaaaaaaaaaaaaaaa";
  private static final String TOKEN_B = "token-bbbbbbbbbbbbbbbb";

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
  private final MutableClock clock = MutableClock.at("2025-12-03T12:00:00Z");
  private HttpIngestionAdapter http;

  @AfterEach
  void close() {
    if (http != null) {
      http.close();
    }
    storage.close();
  }

  private void server(Consumer<HttpIngestionAdapter.Builder> options) {
    HttpIngestionAdapter.Builder b = HttpIngestionAdapter.builder().port(0).storage(storage).clock(clock);
    options.accept(b);
    http = b.build();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(http.uri() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void missingTokenIs401WithABearerChallenge() throws Exception {
    server(b -> b.bearerTokens(List.of(TOKEN_A, TOKEN_B)));
    HttpResponse<String> r = get("/rollups", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(r.body()).contains("\"Unauthorized\"");
  }

  @Test
  void wrongTokenIs401NamingTheInvalidToken() throws Exception {
    server(b -> b.bearerTokens(List.of(TOKEN_A)));
    HttpResponse<String> r = get("/rollups", "token-cccccccccccccccc");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
  }

  @Test
  void anyOfSeveralTokensIsAccepted() throws Exception {
    server(b -> b.bearerTokens(List.of(TOKEN_A, TOKEN_B)));
    assertThat(get("/rollups", TOKEN_A).statusCode()).isEqualTo(200);
    assertThat(get("/rollups", TOKEN_B).statusCode()).isEqualTo(200);
  }

  @Test
  void healthStaysOpenUnlessConfigured() throws Exception {
    server(b -> b.bearerTokens(List.of(TOKEN_A)));
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
    http.close();
    server(b -> b.bearerTokens(List.of(TOKEN_A)).authenticateHealth(true));
    assertThat(get("/health", null).statusCode()).isEqualTo(401);
  }

  @Test
  void overTheLimitIs429WithRetryAfterUntilTheClockMoves() throws Exception {
    server(b -> b.rateLimit(EndpointKind.GENERAL, 2));
    assertThat(get("/rollups", null).statusCode()).isEqualTo(200);
    assertThat(get("/rollups", null).statusCode()).isEqualTo(200);
    HttpResponse<String> limited = get("/rollups", null);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).contains("30");
    assertThat(limited.body()).contains("\"RateLimited\"");
    assertThat(get("/health", null).statusCode()).as("health has its own limit").isEqualTo(200);
    clock.advance(Duration.ofSeconds(30));
    assertThat(get("/rollups", null).statusCode()).isEqualTo(200);
  }

  @Test
  void defaultLimitsFollowSeed001() throws Exception {
    server(HttpIngestionAdapter.Builder::defaultRateLimits);
    for (int i = 0; i < HttpIngestionAdapter.DEFAULT_GENERAL_REQUESTS_PER_MINUTE; i++) {
      assertThat(get("/rollups", null).statusCode()).isEqualTo(200);
    }
    assertThat(get("/rollups", null).statusCode()).isEqualTo(429);
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void requestStatsCountEachEndpointAndStatus() throws Exception {
    server(b -> { });
    get("/rollups", null);
    get("/rollups", null);
    get("/nowhere", null);
    assertThat(http.requestStats()).anySatisfy(s -> {
      assertThat(s.pathPattern()).isEqualTo("/rollups");
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.count()).isEqualTo(2);
    });
    assertThat(http.requestStats()).anySatisfy(s -> {
      assertThat(s.pathPattern()).isEqualTo("(unmatched)");
      assertThat(s.status()).isEqualTo(404);
    });
  }
}
