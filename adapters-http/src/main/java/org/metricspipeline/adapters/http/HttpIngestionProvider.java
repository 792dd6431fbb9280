package org.metricspipeline.adapters.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.IngestionProvider;
import org.metricspipeline.core.DiskBuffer;

/**
 * Provides {@link HttpIngestionAdapter} under the name {@code http}. A provider-built server has no
 * store, so its query endpoints answer 501; build the adapter directly with
 * {@link HttpIngestionAdapter.Builder#storage} to serve queries.
 *
 * <p>Settings (all optional): {@value #HOST}, {@value #PORT}, {@value #CAPACITY},
 * {@value #ACK_MODE} ({@code stored} or {@code accepted}), {@value #STORED_TIMEOUT},
 * {@value #RETRY_AFTER}, {@value #MAX_BODY_BYTES}, {@value #MAX_THREADS},
 * {@value #SHUTDOWN_TIMEOUT}, {@value #BEARER_TOKENS}, {@value #RATE_LIMITS}, {@value #DISK_BUFFER}
 * (a directory, or {@code none}), {@value #DISK_BUFFER_MAX_BYTES}; defaults and ranges as on the
 * builder. Unknown keys are rejected.
 *
 * <p>JWT settings ({@link JwtAuth}, on when any is set): {@value #JWT_ISSUER}, {@value #JWT_AUDIENCE},
 * {@value #JWT_HMAC_SECRET}, {@value #JWT_PUBLIC_KEY_FILE}, {@value #JWT_JWKS_FILE},
 * {@value #JWT_CLOCK_SKEW}, and the scopes per endpoint group, space-separated:
 * {@value #JWT_SCOPES_INGEST}, {@value #JWT_SCOPES_QUERY}, {@value #JWT_SCOPES_ADMIN}.
 */
public final class HttpIngestionProvider implements IngestionProvider {

  /** Setting: {@link HttpIngestionAdapter.Builder#host(String)}. */
  public static final String HOST = "host";
  /** Setting: {@link HttpIngestionAdapter.Builder#port(int)}. */
  public static final String PORT = "port";
  /** Setting: {@link HttpIngestionAdapter.Builder#capacity(int)}. */
  public static final String CAPACITY = "capacity";
  /** Setting: {@link HttpIngestionAdapter.Builder#maxBufferedPoints(long)}. */
  public static final String MAX_BUFFERED_POINTS = "max-buffered-points";
  /** Setting: {@link HttpIngestionAdapter.Builder#fullBufferWait(Duration)}. */
  public static final String FULL_BUFFER_WAIT = "full-buffer-wait";
  /** Setting: {@link HttpIngestionAdapter.Builder#ackMode(AckMode)}. */
  public static final String ACK_MODE = "ack-mode";
  /** Setting: {@link HttpIngestionAdapter.Builder#storedTimeout(Duration)}. */
  public static final String STORED_TIMEOUT = "stored-timeout";
  /** Setting: {@link HttpIngestionAdapter.Builder#retryAfter(Duration)}. */
  public static final String RETRY_AFTER = "retry-after";
  /** Setting: {@link HttpIngestionAdapter.Builder#maxBodyBytes(int)}. */
  public static final String MAX_BODY_BYTES = "max-body-bytes";
  /** Setting: {@link HttpIngestionAdapter.Builder#maxThreads(int)}. */
  public static final String MAX_THREADS = "max-threads";
  /** Setting: {@link HttpIngestionAdapter.Builder#shutdownTimeout(Duration)}. */
  public static final String SHUTDOWN_TIMEOUT = "shutdown-timeout";

  /** Setting: {@link HttpIngestionAdapter.Builder#bearerTokens}, comma-separated. */
  public static final String BEARER_TOKENS = "bearer-tokens";
  /**
   * Setting: {@code default} (or {@code on}) for {@link HttpIngestionAdapter.Builder#defaultRateLimits()},
   * {@code off} for {@link HttpIngestionAdapter.Builder#noRateLimits()} [default].
   */
  public static final String RATE_LIMITS = "rate-limits";
  /**
   * Setting: {@link HttpIngestionAdapter.Builder#diskBuffer(Path)}, the disk buffer's directory;
   * {@code none} or absent: no disk buffer.
   */
  public static final String DISK_BUFFER = "disk-buffer";
  /** Setting: {@link HttpIngestionAdapter.Builder#diskBufferMaxBytes(long)}. */
  public static final String DISK_BUFFER_MAX_BYTES = "disk-buffer-max-bytes";

  /** Setting: {@link JwtAuth.Builder#issuer}. */
  public static final String JWT_ISSUER = "jwt-issuer";
  /** Setting: {@link JwtAuth.Builder#audience}. */
  public static final String JWT_AUDIENCE = "jwt-audience";
  /** Setting: {@link JwtAuth.Builder#hmacSecret}. */
  public static final String JWT_HMAC_SECRET = "jwt-hmac-secret";
  /** Setting: {@link JwtAuth.Builder#publicKeyFile}. */
  public static final String JWT_PUBLIC_KEY_FILE = "jwt-public-key-file";
  /** Setting: {@link JwtAuth.Builder#jwksFile}. */
  public static final String JWT_JWKS_FILE = "jwt-jwks-file";
  /** Setting: {@link JwtAuth.Builder#clockSkew}. */
  public static final String JWT_CLOCK_SKEW = "jwt-clock-skew";
  /** Setting: {@link JwtAuth.Builder#requiredScopes} for ingestion endpoints, space-separated. */
  public static final String JWT_SCOPES_INGEST = "jwt-scopes-ingest";
  /** Setting: {@link JwtAuth.Builder#requiredScopes} for query endpoints, space-separated. */
  public static final String JWT_SCOPES_QUERY = "jwt-scopes-query";
  /** Setting: {@link JwtAuth.Builder#requiredScopes} for admin endpoints, space-separated. */
  public static final String JWT_SCOPES_ADMIN = "jwt-scopes-admin";

  /** The JWT settings by {@link JwtAuth#fromMap} key (scopes as {@code scopes.<group>}). */
  private static final Map<String, String> JWT_KEYS = Map.of(
      JwtAuth.ISSUER, JWT_ISSUER, JwtAuth.AUDIENCE, JWT_AUDIENCE, JwtAuth.HMAC_SECRET, JWT_HMAC_SECRET,
      JwtAuth.PUBLIC_KEY_FILE, JWT_PUBLIC_KEY_FILE, JwtAuth.JWKS_FILE, JWT_JWKS_FILE, JwtAuth.CLOCK_SKEW,
      JWT_CLOCK_SKEW, JwtAuth.SCOPES + "." + JwtAuth.GROUP_INGEST, JWT_SCOPES_INGEST,
      JwtAuth.SCOPES + "." + JwtAuth.GROUP_QUERY, JWT_SCOPES_QUERY,
      JwtAuth.SCOPES + "." + JwtAuth.GROUP_ADMIN, JWT_SCOPES_ADMIN);

  /** Used by {@link java.util.ServiceLoader}. */
  public HttpIngestionProvider() {}

  @Override
  public String name() {
    return HttpIngestionAdapter.NAME;
  }

  @Override
  public IngestionAdapter create(AdapterConfig config) {
    Set<String> known = new java.util.HashSet<>(Set.of(HOST, PORT, CAPACITY, MAX_BUFFERED_POINTS, FULL_BUFFER_WAIT, ACK_MODE,
        STORED_TIMEOUT, RETRY_AFTER, MAX_BODY_BYTES, MAX_THREADS, SHUTDOWN_TIMEOUT, BEARER_TOKENS, RATE_LIMITS,
        DISK_BUFFER, DISK_BUFFER_MAX_BYTES));
    known.addAll(JWT_KEYS.values());
    config.requireOnlyKnownKeys("http ingestion provider", known);
    HttpIngestionAdapter.Builder b = HttpIngestionAdapter.builder();
    String host = config.getString(HOST, HttpIngestionAdapter.DEFAULT_HOST);
    AdapterConfig.apply(HOST, () -> b.host(host));
    int port = config.getInt(PORT, HttpIngestionAdapter.DEFAULT_PORT);
    AdapterConfig.apply(PORT, () -> b.port(port));
    int capacity = config.getInt(CAPACITY, HttpIngestionAdapter.DEFAULT_CAPACITY);
    AdapterConfig.apply(CAPACITY, () -> b.capacity(capacity));
    long points = config.getLong(MAX_BUFFERED_POINTS, HttpIngestionAdapter.DEFAULT_MAX_BUFFERED_POINTS);
    AdapterConfig.apply(MAX_BUFFERED_POINTS, () -> b.maxBufferedPoints(points));
    Duration wait = config.getDuration(FULL_BUFFER_WAIT, HttpIngestionAdapter.DEFAULT_FULL_BUFFER_WAIT);
    AdapterConfig.apply(FULL_BUFFER_WAIT, () -> b.fullBufferWait(wait));
    String mode = config.getString(ACK_MODE, HttpIngestionAdapter.DEFAULT_ACK_MODE.wireName());
    try {
      b.ackMode(AckMode.parse(mode));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(ACK_MODE + " must be stored or accepted, got '" + mode + "'");
    }
    Duration stored = config.getDuration(STORED_TIMEOUT, HttpIngestionAdapter.DEFAULT_STORED_TIMEOUT);
    AdapterConfig.apply(STORED_TIMEOUT, () -> b.storedTimeout(stored));
    Duration retry = config.getDuration(RETRY_AFTER, HttpIngestionAdapter.DEFAULT_RETRY_AFTER);
    AdapterConfig.apply(RETRY_AFTER, () -> b.retryAfter(retry));
    int body = config.getInt(MAX_BODY_BYTES, HttpIngestionAdapter.DEFAULT_MAX_BODY_BYTES);
    AdapterConfig.apply(MAX_BODY_BYTES, () -> b.maxBodyBytes(body));
    int threads = config.getInt(MAX_THREADS, HttpIngestionAdapter.DEFAULT_MAX_THREADS);
    AdapterConfig.apply(MAX_THREADS, () -> b.maxThreads(threads));
    Duration shutdown = config.getDuration(SHUTDOWN_TIMEOUT, HttpIngestionAdapter.DEFAULT_SHUTDOWN_TIMEOUT);
    AdapterConfig.apply(SHUTDOWN_TIMEOUT, () -> b.shutdownTimeout(shutdown));
    config.getString(BEARER_TOKENS).ifPresent(tokens -> AdapterConfig.apply(BEARER_TOKENS,
        () -> b.bearerTokens(java.util.Arrays.stream(tokens.split(",")).map(String::trim)
            .filter(t -> !t.isEmpty()).toList())));
    String limits = config.getString(RATE_LIMITS, "default").toLowerCase(Locale.ROOT);
    switch (limits) {
      case "default", "on" -> b.defaultRateLimits();
      case "off" -> b.noRateLimits();
      default -> throw new ConfigurationException(RATE_LIMITS + " must be default (on) or off, got '" + limits + "'");
    }
    jwt(config).ifPresent(b::jwt);
    config.getString(DISK_BUFFER).filter(d -> !d.equals("none"))
        .ifPresent(d -> AdapterConfig.apply(DISK_BUFFER, () -> b.diskBuffer(Path.of(d))));
    long diskBufferBytes = config.getLong(DISK_BUFFER_MAX_BYTES, DiskBuffer.DEFAULT_MAX_BYTES);
    AdapterConfig.apply(DISK_BUFFER_MAX_BYTES, () -> b.diskBufferMaxBytes(diskBufferBytes));
    return b.build();
  }

  private static java.util.Optional<JwtAuth> jwt(AdapterConfig config) {
    Map<String, Object> settings = new java.util.LinkedHashMap<>();
    Map<String, Object> scopes = new java.util.LinkedHashMap<>();
    JWT_KEYS.forEach((key, setting) -> config.getString(setting).ifPresent(v -> {
      if (key.startsWith(JwtAuth.SCOPES + ".")) {
        scopes.put(key.substring(JwtAuth.SCOPES.length() + 1), v);
      } else {
        settings.put(key, v);
      }
    }));
    if (!scopes.isEmpty()) {
      settings.put(JwtAuth.SCOPES, scopes);
    }
    if (settings.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(JwtAuth.fromMap(settings,
        key -> JWT_KEYS.getOrDefault(key, key.equals(JwtAuth.SCOPES) ? "jwt-scopes" : key), java.time.Clock.systemUTC()));
  }
}
