package org.metricspipeline.adapters.http.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.metricspipeline.adapters.http.JwtAuth;
import org.metricspipeline.core.http.EndpointKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks JWTs for {@code JwtAuth}: Nimbus parses the token and verifies its signature with a key
 * picked by algorithm and {@code kid}; the claims ({@code exp}, {@code nbf}, {@code iss},
 * {@code aud}, scopes) are checked here on the injected clock, so each rejection says what failed.
 * Thread-safe; never logs a token.
 */
public final class JwtVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);
  private static final String INVALID = "invalid_token";
  private static final String INSUFFICIENT = "insufficient_scope";

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final String issuer; // null: any
  private final String audience; // null: any
  private final Duration skew;
  private final Map<EndpointKind, List<String>> scopes;
  private final Clock clock;

  /** A verifier over these keys; {@code issuer} and {@code audience} may be null for any. */
  public JwtVerifier(JwtKeys keys, String issuer, String audience, Duration skew,
      Map<EndpointKind, List<String>> scopes, Clock clock) {
    this.issuer = issuer;
    this.audience = audience;
    this.skew = skew;
    this.scopes = scopes.isEmpty() ? Map.of() : new EnumMap<>(scopes);
    this.clock = clock;
    List<JWK> jwks = keys.keys();
    processor.setJWSKeySelector(selector(jwks));
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    processor.setJWTClaimsSetVerifier((claims, context) -> { }); // checked below, on our clock
  }

  /** Empty when {@code token} is accepted for an endpoint of {@code kind}, else why not. */
  public Optional<JwtAuth.Rejection> check(String token, EndpointKind kind) {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      return invalid("the bearer token is not a valid signed JWT");
    } catch (BadJWSException e) {
      return invalid("the token's signature does not verify");
    } catch (BadJOSEException e) {
      return invalid("the token is not accepted: its type, algorithm or key id (kid) matches no configured key");
    } catch (JOSEException | RuntimeException e) {
      return invalid("the token's signature cannot be checked");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return invalid("the token has no expiry (exp)");
    }
    if (!now.isBefore(exp.toInstant().plus(skew))) {
      return invalid("the token expired at " + exp.toInstant());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(skew))) {
      return invalid("the token is not valid before " + nbf.toInstant());
    }
    if (issuer != null && !issuer.equals(claims.getIssuer())) {
      return invalid("the token's issuer (iss) is not the expected one");
    }
    if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
      return invalid("the token's audience (aud) does not include " + audience);
    }
    List<String> required = scopes.getOrDefault(kind, List.of());
    if (!required.isEmpty()) {
      Set<String> granted = granted(claims);
      List<String> missing = required.stream().filter(s -> !granted.contains(s)).toList();
      if (!missing.isEmpty()) {
        String message = "the token lacks the scope" + (missing.size() == 1 ? " " : "s ") + String.join(" ", missing)
            + " that " + kind.name().toLowerCase(Locale.ROOT) + " endpoints need";
        LOG.debug("JWT refused: {}", message);
        return Optional.of(new JwtAuth.Rejection(403, INSUFFICIENT, message, required));
      }
    }
    return Optional.empty();
  }

  private static Optional<JwtAuth.Rejection> invalid(String message) {
    LOG.debug("JWT rejected: {}", message);
    return Optional.of(new JwtAuth.Rejection(401, INVALID, message, List.of()));
  }

  /** Scopes of the {@code scope} claim (space-separated) and the {@code scp} claim (list or string). */
  private static Set<String> granted(JWTClaimsSet claims) {
    Set<String> out = new HashSet<>();
    for (String name : List.of("scope", "scp")) {
      Object v = claims.getClaim(name);
      if (v instanceof String s) {
        out.addAll(List.of(s.trim().split("\\s+")));
      } else if (v instanceof Collection<?> c) {
        c.forEach(o -> out.add(String.valueOf(o)));
      }
    }
    return out;
  }

  /**
   * Keys of the token's algorithm family (and curve, and {@code alg} when a key names one); a key with
   * a {@code kid} is used only for tokens with the same {@code kid} or none, a key without one for
   * any token.
   */
  private static JWSKeySelector<SecurityContext> selector(List<JWK> jwks) {
    return (header, context) -> {
      JWSAlgorithm alg = header.getAlgorithm();
      if (alg == null || JWSAlgorithm.ES256K.equals(alg) || !(JWSAlgorithm.Family.HMAC_SHA.contains(alg)
          || JWSAlgorithm.Family.RSA.contains(alg) || JWSAlgorithm.Family.EC.contains(alg))) {
        return List.of();
      }
      JWKMatcher matcher = JWKMatcher.forJWSHeader(new JWSHeader.Builder(header).keyID(null).build());
      if (matcher == null) {
        return List.of();
      }
      String kid = header.getKeyID();
      List<Key> out = new ArrayList<>();
      for (JWK k : jwks) {
        if (!matcher.matches(k) || (kid != null && k.getKeyID() != null && !kid.equals(k.getKeyID()))) {
          continue;
        }
        if (k.getKeyType() == KeyType.OCT) {
          out.add(k.toOctetSequenceKey().toSecretKey());
        } else {
          out.addAll(KeyConverter.toJavaKeys(List.of(k)));
        }
      }
      return out;
    };
  }
}
