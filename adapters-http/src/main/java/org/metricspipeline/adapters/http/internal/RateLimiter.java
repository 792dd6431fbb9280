package org.metricspipeline.adapters.http.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.core.http.EndpointKind;

/**
 * Per client-IP, per endpoint kind token buckets: each holds up to the per-minute limit and refills
 * at that rate, so a client may burst a minute's worth and then go on at the limit. Buckets live in
 * a bounded Caffeine cache that forgets a client idle for two minutes (a full bucket by then), so
 * memory stays bounded whatever the number of clients. Time comes from the clock (tests move it).
 */
public final class RateLimiter {

  /** Most clients remembered at once; beyond it the least recently seen are forgotten. */
  public static final long MAX_CLIENTS = 100_000;

  private final Map<EndpointKind, Integer> perMinute;
  private final Clock clock;
  private final Cache<Key, Bucket> buckets;

  /**
   * Limits per kind (absent kind: unlimited; {@link EndpointKind#ADMIN} without its own limit takes
   * {@link EndpointKind#GENERAL}'s), timed by {@code clock}.
   */
  public RateLimiter(Map<EndpointKind, Integer> perMinute, Clock clock) {
    this.perMinute = new EnumMap<>(perMinute);
    if (!this.perMinute.containsKey(EndpointKind.ADMIN) && this.perMinute.containsKey(EndpointKind.GENERAL)) {
      this.perMinute.put(EndpointKind.ADMIN, this.perMinute.get(EndpointKind.GENERAL));
    }
    this.clock = clock;
    this.buckets = Caffeine.newBuilder().maximumSize(MAX_CLIENTS)
        .expireAfterAccess(Duration.ofMinutes(2))
        .ticker(() -> clock.millis() * 1_000_000L)
        .executor(Runnable::run)
        .build();
  }

  /** Takes one request from the client's bucket; empty when allowed, else how long to wait. */
  public Optional<Duration> acquire(String client, EndpointKind kind) {
    Integer limit = perMinute.get(kind);
    if (limit == null) {
      return Optional.empty();
    }
    Bucket b = buckets.get(new Key(client, kind), k -> new Bucket(limit, clock.millis()));
    return b.take(limit, clock.millis());
  }

  /** Clients currently remembered (for tests and health). */
  public long trackedClients() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  private record Key(String client, EndpointKind kind) {}

  private static final class Bucket {
    private double tokens;
    private long lastMillis;

    Bucket(int limit, long now) {
      this.tokens = limit;
      this.lastMillis = now;
    }

    synchronized Optional<Duration> take(int limit, long now) {
      double perMilli = limit / 60_000.0;
      if (now > lastMillis) {
        tokens = Math.min(limit, tokens + (now - lastMillis) * perMilli);
        lastMillis = now;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return Optional.empty();
      }
      return Optional.of(Duration.ofMillis((long) Math.ceil((1 - tokens) / perMilli)));
    }
  }
}
