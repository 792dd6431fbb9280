package org.metricspipeline.adapters.http.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;

/**
 * Remembers ingestion requests by their {@code Idempotency-Key} header for a window, so a retried
 * request is answered from the first attempt instead of being buffered (and stored) again.
 *
 * <p>An entry holds the SHA-256 of the request (method, path, content type and body) and the first
 * attempt's answer, also while it is still pending: a retry of a request that timed out (504) waits
 * for the same items again instead of sending copies. A first attempt answered 5xx (buffer full,
 * shutting down) is forgotten, since nothing of it was taken; a retry then goes through. The same key
 * with another request answers 422. Keys live {@code window} after their first use, at most
 * {@code maxKeys} at once (least recently used forgotten first): about 0.5 KB each.
 */
public final class IdempotencyKeys {

  /** The request header. */
  public static final String HEADER = "Idempotency-Key";
  /** The response header set on an answer replayed from an earlier attempt. */
  public static final String REPLAYED = "Idempotent-Replayed";
  /** The longest key accepted. */
  public static final int MAX_KEY_LENGTH = 255;

  private final Cache<String, Attempt> attempts;

  private record Attempt(byte[] fingerprint, CompletableFuture<EndpointResponse> answer) {}

  /** Keys kept {@code window} after first use, at most {@code maxKeys}, timed by {@code clock}. */
  public IdempotencyKeys(Duration window, long maxKeys, Clock clock) {
    this.attempts = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterWrite(window)
        .ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run).build();
  }

  /** Why a key is unusable, or {@code null} when it is fine. */
  public static String invalidKey(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return "must have 1 to " + MAX_KEY_LENGTH + " characters, got " + key.length();
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return "must be printable ASCII without spaces";
      }
    }
    return null;
  }

  /**
   * The answer for {@code request} under {@code key}: the first attempt's (marked replayed) when the
   * key was seen with the same request, a 422 when seen with another, else {@code dispatch}'s.
   */
  public CompletableFuture<EndpointResponse> answer(String key, EndpointRequest request,
      Supplier<CompletableFuture<EndpointResponse>> dispatch, Supplier<EndpointResponse> conflict) {
    byte[] fingerprint = fingerprint(request);
    String scoped = request.path() + " " + key;
    CompletableFuture<EndpointResponse> mine = new CompletableFuture<>();
    Attempt fresh = new Attempt(fingerprint, mine);
    Attempt existing = attempts.asMap().compute(scoped, (k, old) -> old == null || failed(old) ? fresh : old);
    if (existing != fresh) {
      if (!Arrays.equals(existing.fingerprint, fingerprint)) {
        return CompletableFuture.completedFuture(conflict.get());
      }
      return existing.answer.thenApply(r -> r.withHeader(REPLAYED, "true"));
    }
    CompletableFuture<EndpointResponse> dispatched;
    try {
      dispatched = dispatch.get();
    } catch (RuntimeException e) {
      dispatched = CompletableFuture.failedFuture(e);
    }
    dispatched.whenComplete((r, t) -> {
      if (t != null) {
        mine.completeExceptionally(t);
      } else {
        mine.complete(r);
      }
      if (t != null || r.status() >= 500) {
        attempts.asMap().remove(scoped, fresh);
      }
    });
    return mine;
  }

  /** Keys remembered now. */
  public long size() {
    attempts.cleanUp();
    return attempts.estimatedSize();
  }

  private static boolean failed(Attempt a) {
    CompletableFuture<EndpointResponse> f = a.answer;
    return f.isCompletedExceptionally() || (f.isDone() && f.join().status() >= 500);
  }

  private static byte[] fingerprint(EndpointRequest r) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((r.method() + " " + r.path() + " " + r.header("Content-Type").orElse("") + "\n")
          .getBytes(StandardCharsets.UTF_8));
      sha.update(r.body());
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
