package org.metricspipeline.adapters.http.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Checks {@code Authorization: Bearer <token>} against several accepted tokens. Each token is
 * compared in constant time (over SHA-256 digests, so neither content nor length leaks) and every
 * accepted token is compared, so the time does not tell which one nearly matched.
 */
public final class BearerAuth {

  private final List<byte[]> digests;

  /** Accepts any of these tokens. */
  public BearerAuth(List<String> tokens) {
    this.digests = tokens.stream().map(BearerAuth::digest).toList();
  }

  /** The token of an {@code Authorization: Bearer <token>} header value, when it has that form. */
  public static Optional<String> token(String authorization) {
    String value = authorization.trim();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = value.substring(7).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** Whether the {@code Authorization} header value carries an accepted bearer token. */
  public boolean accepts(Optional<String> authorization) {
    Optional<String> token = authorization.flatMap(BearerAuth::token);
    if (token.isEmpty()) {
      return false;
    }
    byte[] given = digest(token.get());
    boolean match = false;
    for (byte[] d : digests) {
      match |= MessageDigest.isEqual(d, given);
    }
    return match;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
