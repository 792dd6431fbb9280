package org.metricspipeline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Waiting for an adapter's futures in the kits: a failed or late future fails the test, saying so. */
final class Futures {

  private Futures() {}

  /** The value of {@code future} within {@code timeout}. */
  static <T> T await(CompletableFuture<T> future, Duration timeout) {
    assertThat(future).as("a returned future").isNotNull();
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the call failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * What the call's future failed with (unwrapped) within {@code timeout}; fails when the call
   * throws instead of returning a failed future, or when the future completes normally.
   */
  static Throwable failureOf(Supplier<? extends CompletableFuture<?>> call, Duration timeout) {
    CompletableFuture<?> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      throw new AssertionError("the call must return a failed future, not throw: " + e, e);
    }
    try {
      Object value = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("the call was expected to fail, but completed with " + value);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
