package org.metricspipeline.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.metricspipeline.core.http.EndpointKind;

/**
 * The HTTP server ({@code http}): where it listens, who may call it and how often.
 *
 * @param enabled whether the server runs [enabled, true]
 * @param bindAddress the address to listen on [bind_address, 127.0.0.1]
 * @param port the port, 0 for any free one [port, 8080]
 * @param bearerTokens static tokens accepted in {@code Authorization: Bearer}, at least 16 characters
 *     each [bearer_tokens, none]
 * @param authenticateHealth whether health endpoints need a token too [authenticate_health, false]
 * @param rateLimits requests per minute per client IP by endpoint kind; empty when rate limits are
 *     off [rate_limits: enabled true, health 300, ingestion 1000, general 100]
 * @param jwt the {@code auth.jwt} settings, validated, keys as written, as the HTTP adapter's
 *     {@code JwtAuth.fromMap} takes them: {@code issuer}, {@code audience}, {@code hmac_secret} (strings),
 *     {@code jwks_file}, {@code public_key_file} (absolute paths), {@code clock_skew} (always, such as
 *     {@code 60s}), {@code scopes} (a map of {@code ingest}/{@code query}/{@code admin} to lists of
 *     strings); empty when JWTs are off
 */
public record HttpConfig(boolean enabled, String bindAddress, int port, List<String> bearerTokens,
    boolean authenticateHealth, Map<EndpointKind, Integer> rateLimits, Map<String, Object> jwt) {

  /** Validates and copies. */
  public HttpConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    bearerTokens = List.copyOf(bearerTokens);
    rateLimits = Map.copyOf(rateLimits);
    jwt = Map.copyOf(jwt);
  }

  /** Whether the server accepts bearer tokens or JWTs (otherwise every caller is let in). */
  public boolean authenticationEnabled() {
    return !bearerTokens.isEmpty() || !jwt.isEmpty();
  }

  /** Every setting; tokens and JWT secrets are counted, never shown. */
  @Override
  public String toString() {
    return "HttpConfig{enabled=" + enabled + ", bind_address=" + bindAddress + ", port=" + port + ", bearer_tokens="
        + bearerTokens.size() + " token(s), authenticate_health=" + authenticateHealth + ", rate_limits=" + rateLimits
        + ", auth.jwt=" + (jwt.isEmpty() ? "off" : "keys " + new java.util.TreeSet<>(jwt.keySet())) + "}";
  }
}
