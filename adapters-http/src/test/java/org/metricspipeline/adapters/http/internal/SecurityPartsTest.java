package org.metricspipeline.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.metricspipeline.core.http.EndpointKind;

class SecurityPartsTest {

  @Test
  void bearerAuthAcceptsOnlyListedTokens() {
    BearerAuth auth = new BearerAuth(List.of("first-token-0000000", "second-token-000000"));
    assertThat(auth.accepts(Optional.of("Bearer second-token-000000"))).isTrue();
    assertThat(auth.accepts(Optional.of("bearer first-token-0000000"))).isTrue();
    assertThat(auth.accepts(Optional.of("Bearer first-token-000000"))).isFalse();
    assertThat(auth.accepts(Optional.of("Basic Zm9vOmJhcg=="))).isFalse();
    assertThat(auth.accepts(Optional.empty())).isFalse();
  }

  @Test
  void rateLimiterRefillsWithTheClock() {
    Instant start = Instant.parse("2025-12-03T12:00:00Z");
    Clock[] clock = {Clock.fixed(start, ZoneOffset.UTC)};
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return clock[0].instant();
      }
    };
    RateLimiter limiter = new RateLimiter(Map.of(EndpointKind.INGESTION, 60), moving);
    for (int i = 0; i < 60; i++) {
      assertThat(limiter.acquire("10.0.0.1", EndpointKind.INGESTION)).isEmpty();
    }
    assertThat(limiter.acquire("10.0.0.1", EndpointKind.INGESTION)).contains(Duration.ofSeconds(1));
    assertThat(limiter.acquire("10.0.0.2", EndpointKind.INGESTION)).as("another client").isEmpty();
    assertThat(limiter.acquire("10.0.0.1", EndpointKind.GENERAL)).as("unlimited kind").isEmpty();
    clock[0] = Clock.fixed(start.plusSeconds(1), ZoneOffset.UTC);
    assertThat(limiter.acquire("10.0.0.1", EndpointKind.INGESTION)).isEmpty();
  }

  @Test
  void rateLimiterForgetsIdleClients() {
    Instant start = Instant.parse("2025-12-03T12:00:00Z");
    Clock[] clock = {Clock.fixed(start, ZoneOffset.UTC)};
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return clock[0].instant();
      }
    };
    RateLimiter limiter = new RateLimiter(Map.of(EndpointKind.GENERAL, 10), moving);
    limiter.acquire("10.0.0.1", EndpointKind.GENERAL);
    assertThat(limiter.trackedClients()).isEqualTo(1);
    clock[0] = Clock.fixed(start.plus(Duration.ofMinutes(3)), ZoneOffset.UTC);
    assertThat(limiter.trackedClients()).isZero();
  }
}
