package org.metricspipeline.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.metricspipeline.api.HealthCheckResult;

/**
 * Reuses a health check's answer for a while, so probes polled by load balancers and orchestrators
 * cost the source (a store whose check writes a row, for example) at most one check per
 * {@code ttl}, however many callers ask. One check runs at a time: callers arriving while it runs
 * share its answer. A failed check is not kept. Time comes from the clock.
 */
public final class HealthCache implements Supplier<CompletableFuture<HealthCheckResult>> {

  private final Supplier<CompletableFuture<HealthCheckResult>> source;
  private final long ttlMillis;
  private final Clock clock;
  private CompletableFuture<HealthCheckResult> last; // guarded by this
  private long lastStartedMillis; // guarded by this

  /** Caches {@code source} for {@code ttl} (zero: every call asks the source). */
  public HealthCache(Supplier<CompletableFuture<HealthCheckResult>> source, Duration ttl, Clock clock) {
    this.source = source;
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
  }

  @Override
  public CompletableFuture<HealthCheckResult> get() {
    if (ttlMillis <= 0) {
      return source.get();
    }
    CompletableFuture<HealthCheckResult> current;
    synchronized (this) {
      long now = clock.millis();
      boolean fresh = last != null && (!last.isDone() || now - lastStartedMillis < ttlMillis)
          && !last.isCompletedExceptionally();
      if (fresh) {
        return last.copy();
      }
      lastStartedMillis = now;
      current = new CompletableFuture<>();
      last = current;
    }
    CompletableFuture<HealthCheckResult> answer;
    try {
      answer = source.get();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((h, t) -> {
      if (t != null) {
        current.completeExceptionally(t);
      } else {
        current.complete(h);
      }
    });
    return current.copy();
  }
}
