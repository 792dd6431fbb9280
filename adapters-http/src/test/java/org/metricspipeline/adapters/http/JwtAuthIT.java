package org.metricspipeline.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.HttpEndpoint;
import org.metricspipeline.testkit.MutableClock;

/**
 * JWT bearer tokens over real HTTP: each rejection class, each algorithm (keys generated here),
 * JWKS key selection by {@code kid}, clock-skew boundaries on a fixed clock, scopes per endpoint
 * group, and static tokens beside JWTs.
 */
class JwtAuthIT {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";
  private static final String STATIC_TOKEN = "static-token-aaaaaaaaaaaa";
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final String ITEM = "{\"timestamp\":\"2026-01-01T12:00:00Z\",\"metric_type\":\"system\","
      + "\"metrics\":[{\"name\":\"cpu\",\"value\":1.5}]}";

  private final InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
  private final MutableClock clock = new MutableClock(NOW);
  private HttpIngestionAdapter http;

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    if (http != null) {
      http.close();
    }
    storage.close();
  }

  private void server(JwtAuth jwt, Consumer<HttpIngestionAdapter.Builder> more) {
    HttpIngestionAdapter.Builder b = HttpIngestionAdapter.builder().port(0).storage(storage).clock(clock)
        .noRateLimits().ackMode(AckMode.ACCEPTED).jwt(jwt)
        .endpoints(List.of(HttpEndpoint.of("GET", "/admin/ping", EndpointKind.ADMIN,
            r -> CompletableFuture.completedFuture(EndpointResponse.json(200, "{\"pong\":true}".getBytes())))));
    more.accept(b);
    http = b.build();
  }

  private JwtAuth.Builder hmac() {
    return JwtAuth.builder().hmacSecret(SECRET).clock(clock);
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().subject("svc").issuer("https://issuer.example")
        .audience("metrics").expirationTime(Date.from(NOW.plusSeconds(300)));
  }

  private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static String hs256(JWTClaimsSet claims) throws Exception {
    return sign(new MACSigner(SECRET), new JWSHeader(JWSAlgorithm.HS256), claims);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(http.uri() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> ingest(String token) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(http.uri() + "/api/v1/ingest")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(ITEM)).build();
    return CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private static void assertInvalidToken(HttpResponse<String> r, String messagePart) throws Exception {
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        v -> assertThat(v).startsWith("Bearer realm=").contains("error=\"invalid_token\""));
    JsonNode error = TestHttp.json(r).get("error");
    assertThat(error.get("type").asText()).isEqualTo("Unauthorized");
    assertThat(error.get("message").asText()).contains(messagePart);
    assertThat(error.has("timestamp")).isTrue();
  }

  private static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  @Test
  void validHs256TokenIsAccepted() throws Exception {
    server(hmac().build(), b -> { });
    assertThat(get("/rollups", hs256(claims().build())).statusCode()).isEqualTo(200);
  }

  @Test
  void missingTokenIs401WithAChallengeAndNoErrorCode() throws Exception {
    server(hmac().build(), b -> { });
    HttpResponse<String> r = get("/rollups", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"metrics-pipeline\"");
    assertThat(TestHttp.json(r).get("error").get("type").asText()).isEqualTo("Unauthorized");
  }

  @Test
  void malformedTokenIs401InvalidToken() throws Exception {
    server(hmac().build(), b -> { });
    assertInvalidToken(get("/rollups", "not.a.jwt"), "not a valid signed JWT");
  }

  @Test
  void tokenSignedWithAnotherSecretIs401BadSignature() throws Exception {
    server(hmac().build(), b -> { });
    String forged = sign(new MACSigner("another-secret-another-secret-another-secret"),
        new JWSHeader(JWSAlgorithm.HS256), claims().build());
    HttpResponse<String> r = get("/rollups", forged);
    assertInvalidToken(r, "signature does not verify");
    assertThat(r.body()).doesNotContain(forged).doesNotContain(forged.split("\\.")[2]);
  }

  @Test
  void unsignedTokenIsRejected() throws Exception {
    server(hmac().build(), b -> { });
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(claims().build().toString().getBytes());
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
        + "." + payload + ".";
    assertThat(get("/rollups", none).statusCode()).isEqualTo(401);
  }

  @Test
  void expiredTokenIs401AndTheSkewBoundaryIsExact() throws Exception {
    server(hmac().clockSkew(Duration.ofSeconds(60)).build(), b -> { });
    String token = hs256(claims().expirationTime(Date.from(NOW)).build());
    clock.set(NOW.plusSeconds(59));
    assertThat(get("/rollups", token).statusCode()).as("within the skew").isEqualTo(200);
    clock.set(NOW.plusSeconds(60));
    assertInvalidToken(get("/rollups", token), "expired at 2026-01-01T12:00:00Z");
  }

  @Test
  void tokenWithoutExpiryIsRejected() throws Exception {
    server(hmac().build(), b -> { });
    assertInvalidToken(get("/rollups", hs256(claims().expirationTime(null).build())), "no expiry");
  }

  @Test
  void notYetValidTokenIs401AndTheSkewBoundaryIsExact() throws Exception {
    server(hmac().clockSkew(Duration.ofSeconds(30)).build(), b -> { });
    String token = hs256(claims().notBeforeTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(600)))
        .build());
    clock.set(NOW.minusSeconds(30));
    assertThat(get("/rollups", token).statusCode()).isEqualTo(200);
    clock.set(NOW.minusSeconds(31));
    assertInvalidToken(get("/rollups", token), "not valid before");
  }

  @Test
  void wrongIssuerIs401() throws Exception {
    server(hmac().issuer("https://issuer.example").build(), b -> { });
    assertThat(get("/rollups", hs256(claims().build())).statusCode()).isEqualTo(200);
    assertInvalidToken(get("/rollups", hs256(claims().issuer("https://evil.example").build())), "issuer");
  }

  @Test
  void wrongAudienceIs401() throws Exception {
    server(hmac().audience("metrics").build(), b -> { });
    assertThat(get("/rollups", hs256(claims().audience(List.of("other", "metrics")).build())).statusCode())
        .isEqualTo(200);
    assertInvalidToken(get("/rollups", hs256(claims().audience("billing").build())), "audience");
  }

  @Test
  void rs256WithAPemPublicKeyFile() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    Path file = Files.writeString(dir.resolve("rsa.pem"), pem(rsa.toRSAPublicKey()));
    server(JwtAuth.builder().publicKeyFile(file).clock(clock).build(), b -> { });
    String token = sign(new RSASSASigner(rsa), new JWSHeader(JWSAlgorithm.RS256), claims().build());
    assertThat(get("/rollups", token).statusCode()).isEqualTo(200);
    RSAKey other = new RSAKeyGenerator(2048).generate();
    assertInvalidToken(get("/rollups", sign(new RSASSASigner(other), new JWSHeader(JWSAlgorithm.RS256),
        claims().build())), "signature");
  }

  @Test
  void es256WithAPemPublicKey() throws Exception {
    ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
    server(JwtAuth.builder().publicKeyPem(pem(ec.toECPublicKey())).clock(clock).build(), b -> { });
    String token = sign(new ECDSASigner(ec), new JWSHeader(JWSAlgorithm.ES256), claims().build());
    assertThat(get("/rollups", token).statusCode()).isEqualTo(200);
  }

  @Test
  void anHmacTokenIsNotAcceptedByAnRsaKey() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    server(JwtAuth.builder().publicKeyPem(pem(rsa.toRSAPublicKey())).clock(clock).build(), b -> { });
    // the algorithm-confusion attack: HS256 keyed with the public key's bytes
    String confused = sign(new MACSigner(rsa.toRSAPublicKey().getEncoded()), new JWSHeader(JWSAlgorithm.HS256),
        claims().build());
    assertInvalidToken(get("/rollups", confused), "matches no configured key");
  }

  @Test
  void jwksFileSelectsTheKeyByKid() throws Exception {
    RSAKey first = new RSAKeyGenerator(2048).keyID("k1").generate();
    ECKey second = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
    Path jwks = Files.writeString(dir.resolve("jwks.json"),
        new JWKSet(List.of(first.toPublicJWK(), second.toPublicJWK())).toString());
    server(JwtAuth.builder().jwksFile(jwks).clock(clock).build(), b -> { });
    String byFirst = sign(new RSASSASigner(first),
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims().build());
    String bySecond = sign(new ECDSASigner(second),
        new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k2").build(), claims().build());
    assertThat(get("/rollups", byFirst).statusCode()).isEqualTo(200);
    assertThat(get("/rollups", bySecond).statusCode()).isEqualTo(200);
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
    assertInvalidToken(get("/rollups", sign(new RSASSASigner(stranger),
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims().build())), "signature");
    assertInvalidToken(get("/rollups", sign(new RSASSASigner(first),
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k9").build(), claims().build())), "key id");
  }

  @Test
  void scopesAreRequiredPerEndpointGroup() throws Exception {
    server(hmac().requiredScopes(EndpointKind.INGESTION, "metrics:write")
        .requiredScopes(EndpointKind.GENERAL, "metrics:read")
        .requiredScopes(EndpointKind.ADMIN, "metrics:admin").build(), b -> { });
    String writer = hs256(claims().claim("scope", "openid metrics:write").build());
    String reader = hs256(claims().claim("scp", List.of("metrics:read")).build());
    String admin = hs256(claims().claim("scope", "metrics:admin metrics:read").build());

    assertThat(ingest(writer).statusCode()).isEqualTo(202);
    assertThat(get("/rollups", reader).statusCode()).isEqualTo(200);
    assertThat(get("/admin/ping", admin).statusCode()).isEqualTo(200);

    HttpResponse<String> denied = get("/rollups", writer);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.headers().firstValue("WWW-Authenticate")).contains(
        "Bearer realm=\"metrics-pipeline\", error=\"insufficient_scope\", scope=\"metrics:read\"");
    JsonNode error = TestHttp.json(denied).get("error");
    assertThat(error.get("type").asText()).isEqualTo("Forbidden");
    assertThat(error.get("details").get("required_scopes").get(0).asText()).isEqualTo("metrics:read");
    assertThat(ingest(reader).statusCode()).isEqualTo(403);
    assertThat(get("/admin/ping", reader).statusCode()).isEqualTo(403);
    assertThat(get("/health", null).statusCode()).as("health stays open").isEqualTo(200);
    assertThat(http.measurements()).anySatisfy(m -> {
      assertThat(m.name()).isEqualTo("metrics_http_rejected_requests_total");
      assertThat(m.labels()).containsEntry("reason", "forbidden");
      assertThat(m.value()).isEqualTo(3.0);
    });
  }

  @Test
  void staticTokensStillWorkBesideJwts() throws Exception {
    server(hmac().requiredScopes(EndpointKind.GENERAL, "metrics:read").build(),
        b -> b.bearerTokens(List.of(STATIC_TOKEN)));
    assertThat(get("/rollups", STATIC_TOKEN).statusCode()).isEqualTo(200);
    assertThat(get("/rollups", hs256(claims().claim("scope", "metrics:read").build())).statusCode()).isEqualTo(200);
    assertInvalidToken(get("/rollups", "static-token-bbbbbbbbbbbb"), "not a valid signed JWT");
  }

  @Test
  void builderAndMapNameTheOptionAtFault() {
    assertThatThrownBy(() -> JwtAuth.builder().build()).hasMessageContaining("hmacSecret")
        .hasMessageContaining("jwksFile");
    assertThatThrownBy(() -> JwtAuth.builder().hmacSecret("short")).hasMessageContaining("hmacSecret")
        .hasMessageContaining("32");
    assertThatThrownBy(() -> JwtAuth.builder().clockSkew(Duration.ofHours(1))).hasMessageContaining("clockSkew");
    assertThatThrownBy(() -> JwtAuth.fromMap(Map.of("hmac_secret", "short")))
        .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("hmac_secret must have at least 32 bytes")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> JwtAuth.fromMap(Map.of("hmac_secret", SECRET, "isuser", "x")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'isuser'");
    assertThatThrownBy(() -> JwtAuth.fromMap(Map.of("hmac_secret", SECRET, "scopes", Map.of("write", "a"))))
        .hasMessageContaining("scopes.write");
    assertThatThrownBy(() -> JwtAuth.fromMap(Map.of("jwks_file", dir.resolve("missing.json").toString())))
        .hasMessageStartingWith("jwks_file");
    assertThatThrownBy(() -> JwtAuth.fromMap(Map.of("issuer", "x"), k -> "http.auth.jwt." + k, clock))
        .hasMessageContaining("http.auth.jwt.hmac_secret");
    assertThat(JwtAuth.fromMap(Map.of("hmac_secret", SECRET)).toString()).doesNotContain(SECRET);
  }

  @Test
  void fromMapTakesTheRuntimeConfigShape() throws Exception {
    JwtAuth jwt = JwtAuth.fromMap(Map.of("hmac_secret", SECRET, "issuer", "https://issuer.example",
        "audience", "metrics", "clock_skew", 0, "scopes", Map.of("query", List.of("metrics:read"),
            "ingest", "metrics:write")), k -> k, clock);
    server(jwt, b -> { });
    assertThat(get("/rollups", hs256(claims().claim("scope", "metrics:read").build())).statusCode()).isEqualTo(200);
    assertThat(get("/rollups", hs256(claims().build())).statusCode()).isEqualTo(403);
    clock.set(NOW.plusSeconds(300));
    assertThat(get("/rollups", hs256(claims().claim("scope", "metrics:read").build())).statusCode())
        .as("clock_skew 0: expired at exp").isEqualTo(401);
  }

  @Test
  void providerKeysConfigureJwt() throws Exception {
    Path jwks = Files.writeString(dir.resolve("jwks.json"),
        new JWKSet(new RSAKeyGenerator(2048).keyID("a").generate().toPublicJWK()).toString());
    AdapterConfig config = AdapterConfig.of(Map.of("port", "0", "jwt-jwks-file", jwks.toString(),
        "jwt-issuer", "https://issuer.example", "jwt-scopes-query", "metrics:read", "rate-limits", "off"));
    http = (HttpIngestionAdapter) new HttpIngestionProvider().create(config);
    assertThat(get("/rollups", null).statusCode()).isEqualTo(401);
    assertThatThrownBy(() -> new HttpIngestionProvider().create(AdapterConfig.of(Map.of("port", "0",
        "jwt-hmac-secret", "too-short")))).isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("jwt-hmac-secret");
    assertThatThrownBy(() -> new HttpIngestionProvider().create(AdapterConfig.of(Map.of("port", "0",
        "jwt-issuer", "x")))).hasMessageContaining("jwt-jwks-file");
  }
}
