package org.metricspipeline.adapters.http;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.metricspipeline.adapters.http.internal.JwtKeys;
import org.metricspipeline.adapters.http.internal.JwtVerifier;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.core.http.EndpointKind;

/**
 * Accepts JSON Web Tokens as bearer tokens (seed 001's {@code Authorization: Bearer <jwt>}),
 * checked with Nimbus JOSE+JWT: the signature (HS256/384/512 with a shared secret, RS256/384/512
 * or PS256/384/512 with an RSA key, ES256/384/512 with an EC key, from a PEM file or a JWKS file
 * whose {@code kid} picks the key), {@code exp} (required) and {@code nbf} with a clock skew, the
 * issuer and audience when configured, and the scopes each endpoint group needs.
 *
 * <pre>{@code
 * JwtAuth jwt = JwtAuth.builder()
 *     .jwksFile(Path.of("/etc/metrics/jwks.json"))
 *     .issuer("https://auth.example.com/").audience("metrics-pipeline")
 *     .requiredScopes(EndpointKind.INGESTION, "metrics:write")
 *     .requiredScopes(EndpointKind.GENERAL, "metrics:read")
 *     .requiredScopes(EndpointKind.ADMIN, "metrics:admin")
 *     .build();
 * HttpIngestionAdapter http = HttpIngestionAdapter.builder().jwt(jwt).build();
 * }</pre>
 *
 * <p>Scopes come from the {@code scope} claim (space-separated) and the {@code scp} claim (a list
 * or a space-separated string); a token needs every scope listed for the group of the endpoint it
 * calls: {@link EndpointKind#INGESTION} (ingest), {@link EndpointKind#GENERAL} (query),
 * {@link EndpointKind#ADMIN} (the guard's and orchestrator's endpoints); health endpoints, when
 * authenticated at all, need a valid token only. A token whose signature, expiry, issuer or
 * audience fails is rejected with 401 {@code error="invalid_token"}; a valid one without a needed
 * scope with 403 {@code error="insufficient_scope"}. Tokens are never logged. Instances are
 * immutable and thread-safe.
 */
public final class JwtAuth {

  /** Default tolerance for {@code exp} and {@code nbf}: clocks of issuer and server may differ. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  /** The shortest HMAC secret accepted, in bytes (RFC 7518: at least the hash size of HS256). */
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  /** {@link #fromMap} key: the expected {@code iss}. */
  public static final String ISSUER = "issuer";
  /** {@link #fromMap} key: the expected {@code aud}. */
  public static final String AUDIENCE = "audience";
  /** {@link #fromMap} key: a JWKS file. */
  public static final String JWKS_FILE = "jwks_file";
  /** {@link #fromMap} key: the HMAC secret. */
  public static final String HMAC_SECRET = "hmac_secret";
  /** {@link #fromMap} key: a PEM file with an RSA or EC public key (or certificate). */
  public static final String PUBLIC_KEY_FILE = "public_key_file";
  /** {@link #fromMap} key: the clock skew, such as {@code 60s}. */
  public static final String CLOCK_SKEW = "clock_skew";
  /** {@link #fromMap} key: a map {@code {ingest, query, admin}} of scopes. */
  public static final String SCOPES = "scopes";
  /** Scope group of {@link EndpointKind#INGESTION} endpoints, in {@link #SCOPES}. */
  public static final String GROUP_INGEST = "ingest";
  /** Scope group of {@link EndpointKind#GENERAL} endpoints, in {@link #SCOPES}. */
  public static final String GROUP_QUERY = "query";
  /** Scope group of {@link EndpointKind#ADMIN} endpoints, in {@link #SCOPES}. */
  public static final String GROUP_ADMIN = "admin";

  private static final Map<String, EndpointKind> GROUPS = Map.of(
      GROUP_INGEST, EndpointKind.INGESTION, GROUP_QUERY, EndpointKind.GENERAL, GROUP_ADMIN, EndpointKind.ADMIN);

  private final JwtVerifier verifier;
  private final String description;

  private JwtAuth(Builder b) {
    this.verifier = new JwtVerifier(b.keys, b.issuer, b.audience, b.clockSkew, b.scopes, b.clock);
    this.description = "JwtAuth{keys=" + b.keys.describe() + (b.issuer == null ? "" : ", issuer=" + b.issuer)
        + (b.audience == null ? "" : ", audience=" + b.audience) + ", clockSkew=" + b.clockSkew
        + ", scopes=" + b.scopes + "}";
  }

  /** A builder; at least one key source is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A {@code JwtAuth} from a configuration map, such as the runtime config's {@code http.auth.jwt}:
   * keys {@value #ISSUER}, {@value #AUDIENCE}, {@value #JWKS_FILE}, {@value #HMAC_SECRET},
   * {@value #PUBLIC_KEY_FILE}, {@value #CLOCK_SKEW} (a duration such as {@code 60s} or a number of
   * seconds) and {@value #SCOPES} (a map with {@value #GROUP_INGEST}, {@value #GROUP_QUERY},
   * {@value #GROUP_ADMIN}, each a space-separated string or a list). Values are strings, numbers
   * or lists as YAML gives them.
   *
   * @throws ConfigurationException naming the key, for an unknown key or a bad value
   */
  public static JwtAuth fromMap(Map<String, ?> settings) {
    return fromMap(settings, key -> key, Clock.systemUTC());
  }

  /**
   * As {@link #fromMap(Map)}, naming keys in errors through {@code keyName} (for example the
   * provider's {@code jwt-issuer}, or a path such as {@code http.auth.jwt.issuer}), with the clock
   * tokens are checked on.
   */
  public static JwtAuth fromMap(Map<String, ?> settings, java.util.function.UnaryOperator<String> keyName,
      Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(keyName, "keyName");
    Set<String> known = Set.of(ISSUER, AUDIENCE, JWKS_FILE, HMAC_SECRET, PUBLIC_KEY_FILE, CLOCK_SKEW, SCOPES);
    for (String key : settings.keySet()) {
      if (!known.contains(key)) {
        throw new ConfigurationException("unknown setting '" + keyName.apply(key) + "'; known: "
            + known.stream().sorted().map(keyName).toList());
      }
    }
    Builder b = builder().clock(clock);
    string(settings, ISSUER, keyName).ifPresent(v -> apply(keyName.apply(ISSUER), "issuer", () -> b.issuer(v)));
    string(settings, AUDIENCE, keyName).ifPresent(
        v -> apply(keyName.apply(AUDIENCE), "audience", () -> b.audience(v)));
    string(settings, HMAC_SECRET, keyName).ifPresent(
        v -> apply(keyName.apply(HMAC_SECRET), "hmacSecret", () -> b.hmacSecret(v)));
    string(settings, PUBLIC_KEY_FILE, keyName).ifPresent(
        v -> apply(keyName.apply(PUBLIC_KEY_FILE), "publicKeyFile", () -> b.publicKeyFile(Path.of(v))));
    string(settings, JWKS_FILE, keyName).ifPresent(
        v -> apply(keyName.apply(JWKS_FILE), "jwksFile", () -> b.jwksFile(Path.of(v))));
    string(settings, CLOCK_SKEW, keyName).ifPresent(v -> {
      String name = keyName.apply(CLOCK_SKEW);
      Duration skew = v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : AdapterConfig.parseDuration(name, v);
      apply(name, "clockSkew", () -> b.clockSkew(skew));
    });
    Object scopes = settings.get(SCOPES);
    if (scopes != null) {
      String name = keyName.apply(SCOPES);
      if (!(scopes instanceof Map<?, ?> groups)) {
        throw new ConfigurationException(name + " must be a map with ingest, query and admin, got '" + scopes + "'");
      }
      for (Map.Entry<?, ?> e : groups.entrySet()) {
        String group = String.valueOf(e.getKey());
        EndpointKind kind = GROUPS.get(group);
        if (kind == null) {
          throw new ConfigurationException("unknown setting '" + name + "." + group
              + "'; known: [" + GROUP_ADMIN + ", " + GROUP_INGEST + ", " + GROUP_QUERY + "]");
        }
        List<String> list = scopeList(e.getValue(), name + "." + group);
        apply(name + "." + group, "requiredScopes", () -> b.requiredScopes(kind, list));
      }
    }
    if (b.keys.isEmpty()) {
      throw new ConfigurationException("a JWT key is required: set " + keyName.apply(HMAC_SECRET) + ", "
          + keyName.apply(PUBLIC_KEY_FILE) + " or " + keyName.apply(JWKS_FILE));
    }
    return b.build();
  }

  /**
   * Checks a bearer token (without the {@code Bearer } prefix) for an endpoint of {@code kind}:
   * empty when it is accepted, else why not (never echoing the token). A service mounting the
   * endpoints in its own web stack can call this itself.
   */
  public Optional<Rejection> check(String token, EndpointKind kind) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(kind, "kind");
    return verifier.check(token, kind);
  }

  @Override
  public String toString() {
    return description; // never a secret
  }

  /**
   * Why a token was refused.
   *
   * @param status 401 (no valid token) or 403 (valid, but without a needed scope)
   * @param error the RFC 6750 error code: {@code invalid_token} or {@code insufficient_scope}
   * @param message what was wrong, for people (for example {@code the token expired at ...})
   * @param requiredScopes the scopes the endpoint needs (for 403), else empty
   */
  public record Rejection(int status, String error, String message, List<String> requiredScopes) {
    /** Validates and copies. */
    public Rejection {
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(message, "message");
      requiredScopes = List.copyOf(requiredScopes);
    }
  }

  private static void apply(String key, String option, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      throw new ConfigurationException(message.startsWith(option) ? key + message.substring(option.length())
          : key + ": " + message, e);
    }
  }

  private static Optional<String> string(Map<String, ?> settings, String key,
      java.util.function.UnaryOperator<String> keyName) {
    Object v = settings.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof String || v instanceof Number) {
      return Optional.of(v.toString().trim());
    }
    throw new ConfigurationException(keyName.apply(key) + " must be a string, got a "
        + v.getClass().getSimpleName());
  }

  private static List<String> scopeList(Object value, String key) {
    List<String> out = new ArrayList<>();
    if (value instanceof String s) {
      for (String part : s.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          out.add(part);
        }
      }
    } else if (value instanceof Collection<?> c) {
      for (Object o : c) {
        if (!(o instanceof String s) || s.isBlank()) {
          throw new ConfigurationException(key + " must list non-blank scope names, got '" + o + "'");
        }
        out.add(s.trim());
      }
    } else if (value != null) {
      throw new ConfigurationException(key + " must be a space-separated string or a list of scopes");
    }
    return out;
  }

  /** Builds a {@link JwtAuth}; setters validate and name the option. */
  public static final class Builder {
    private final JwtKeys keys = new JwtKeys();
    private String issuer;
    private String audience;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private final Map<EndpointKind, List<String>> scopes = new EnumMap<>(EndpointKind.class);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Accepts tokens signed with this shared secret (HS256, HS384, HS512), at least
     * {@value #MIN_HMAC_SECRET_BYTES} bytes in UTF-8.
     */
    public Builder hmacSecret(String secret) {
      Objects.requireNonNull(secret, "hmacSecret");
      keys.addHmacSecret(secret);
      return this;
    }

    /**
     * Accepts tokens signed with the key of this PEM text: an RSA or EC public key
     * ({@code -----BEGIN PUBLIC KEY-----}) or an X.509 certificate. RSA keys verify RS256/384/512 and
     * PS256/384/512, EC keys ES256 (P-256), ES384 (P-384) or ES512 (P-521).
     */
    public Builder publicKeyPem(String pem) {
      Objects.requireNonNull(pem, "publicKeyPem");
      keys.addPem("publicKeyPem", pem);
      return this;
    }

    /** As {@link #publicKeyPem}, read from a file now. */
    public Builder publicKeyFile(Path file) {
      Objects.requireNonNull(file, "publicKeyFile");
      keys.addPem("publicKeyFile", JwtKeys.read("publicKeyFile", file));
      return this;
    }

    /**
     * Accepts tokens signed with any signing key of this JWKS file (RFC 7517 {@code {"keys": [...]}},
     * read now): a token's {@code kid} picks the key; a token without one is tried on each key of
     * its algorithm's type.
     */
    public Builder jwksFile(Path file) {
      Objects.requireNonNull(file, "jwksFile");
      keys.addJwks("jwksFile", JwtKeys.read("jwksFile", file));
      return this;
    }

    /** The {@code iss} every token must carry exactly [any issuer]. */
    public Builder issuer(String issuer) {
      this.issuer = nonBlank("issuer", issuer);
      return this;
    }

    /** The audience every token's {@code aud} must include [any audience]. */
    public Builder audience(String audience) {
      this.audience = nonBlank("audience", audience);
      return this;
    }

    /** Tolerance for {@code exp} and {@code nbf}, 0 to 10 minutes [60 s]. */
    public Builder clockSkew(Duration skew) {
      Objects.requireNonNull(skew, "clockSkew");
      if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("clockSkew must be between 0 and 10 minutes, got " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * The scopes a token needs, all of them, for endpoints of {@code kind} (replacing earlier ones)
     * [none: any valid token]. {@link EndpointKind#HEALTH} takes none.
     */
    public Builder requiredScopes(EndpointKind kind, Collection<String> required) {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(required, "requiredScopes");
      if (kind == EndpointKind.HEALTH && !required.isEmpty()) {
        throw new IllegalArgumentException("requiredScopes: health endpoints need a valid token only, not scopes");
      }
      Set<String> set = new LinkedHashSet<>();
      for (String s : required) {
        Objects.requireNonNull(s, "scope");
        if (s.isBlank() || s.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\' || c > '~')) {
          throw new IllegalArgumentException("requiredScopes for " + kind
              + " must be printable ASCII without spaces, quotes or backslashes, got '" + s + "'");
        }
        set.add(s);
      }
      scopes.put(kind, List.copyOf(set));
      return this;
    }

    /** As {@link #requiredScopes(EndpointKind, Collection)}. */
    public Builder requiredScopes(EndpointKind kind, String... required) {
      return requiredScopes(kind, List.of(required));
    }

    /** The clock {@code exp} and {@code nbf} are checked on [system UTC]. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The {@link JwtAuth}; fails when no key source was given. */
    public JwtAuth build() {
      if (keys.isEmpty()) {
        throw new IllegalArgumentException(
            "JwtAuth needs a key: hmacSecret, publicKeyFile (or publicKeyPem) or jwksFile");
      }
      return new JwtAuth(this);
    }

    private static String nonBlank(String option, String value) {
      Objects.requireNonNull(value, option);
      if (value.isBlank()) {
        throw new IllegalArgumentException(option + " must not be blank");
      }
      return value;
    }
  }
}
