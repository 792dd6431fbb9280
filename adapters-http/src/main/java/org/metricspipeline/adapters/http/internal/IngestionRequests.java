package org.metricspipeline.adapters.http.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.ErrorBody;

/**
 * The answers of ingestion requests in flight: each is bounded by a deadline (504 with
 * {@code Retry-After} when storage takes longer), optionally deduplicated by its
 * {@code Idempotency-Key}, and answered 503 with {@code Retry-After} when the server shuts down
 * while it still waits, instead of having its connection closed.
 */
public final class IngestionRequests {

  private final Duration timeout;
  private final Duration retryAfter;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final IdempotencyKeys keys;
  private final Set<CompletableFuture<EndpointResponse>> waiting = ConcurrentHashMap.newKeySet();
  private volatile boolean shuttingDown;

  /** Requests bounded by {@code timeout}, deduplicated through {@code keys} ({@code null}: no deduplication). */
  public IngestionRequests(Duration timeout, Duration retryAfter, ScheduledExecutorService timer, Clock clock,
      IdempotencyKeys keys) {
    this.timeout = timeout;
    this.retryAfter = retryAfter;
    this.timer = timer;
    this.clock = clock;
    this.keys = keys;
  }

  /** The answer to {@code request}, which {@code dispatch} computes unless a key replays an earlier one. */
  public CompletableFuture<EndpointResponse> answer(EndpointRequest request,
      Supplier<CompletableFuture<EndpointResponse>> dispatch) {
    if (shuttingDown) {
      return CompletableFuture.completedFuture(shutdownAnswer());
    }
    String key = request.header(IdempotencyKeys.HEADER).orElse(null);
    CompletableFuture<EndpointResponse> answer;
    if (key == null || keys == null) {
      answer = dispatch.get();
    } else {
      String invalid = IdempotencyKeys.invalidKey(key.trim());
      if (invalid != null) {
        return CompletableFuture.completedFuture(ErrorBody.invalidField(IdempotencyKeys.HEADER, invalid, clock));
      }
      answer = keys.answer(key.trim(), request, dispatch, () -> ErrorBody.response(422, ErrorBody.VALIDATION,
          "the " + IdempotencyKeys.HEADER + " '" + key.trim() + "' was used with another request; use a new key"
              + " for new data", Map.of("field", IdempotencyKeys.HEADER), clock));
    }
    if (answer.isDone()) {
      return answer;
    }
    CompletableFuture<EndpointResponse> bounded = new CompletableFuture<>();
    waiting.add(bounded);
    var deadline = timer.schedule(() -> bounded.complete(ErrorBody.retryLater(504, ErrorBody.TIMEOUT,
        "not stored within " + timeout + "; the items stay buffered and may still be stored: retry with the same "
            + IdempotencyKeys.HEADER + " to have them stored once", retryAfter, clock)),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    answer.whenComplete((r, t) -> {
      deadline.cancel(false);
      bounded.complete(t == null ? r : ErrorBody.fromThrowable(t, clock));
    });
    bounded.whenComplete((r, t) -> waiting.remove(bounded));
    return bounded;
  }

  /** Requests waiting for their answer now. */
  public int waiting() {
    return waiting.size();
  }

  /**
   * Refuses new requests (503), waits up to {@code grace} for the waiting ones to be answered, then
   * answers the rest 503 with {@code Retry-After}; returns how many were answered so.
   */
  public int shutDown(Duration grace) {
    shuttingDown = true;
    CompletableFuture<?>[] pending = waiting.toArray(CompletableFuture[]::new);
    if (pending.length > 0 && !grace.isZero()) {
      try {
        CompletableFuture.allOf(pending).get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // answered below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int refused = 0;
    for (CompletableFuture<EndpointResponse> f : waiting.toArray(CompletableFuture[]::new)) {
      if (f.complete(shutdownAnswer())) {
        refused++;
      }
    }
    return refused;
  }

  private EndpointResponse shutdownAnswer() {
    return ErrorBody.retryLater(503, ErrorBody.OVERLOADED,
        "the server is shutting down before the items were stored; retry", retryAfter, clock);
  }
}
