package org.metricspipeline.guard.internal;

import java.time.Clock;

/**
 * A notifier whose retries wait on the guard's clock instead of sleeping: the guard hands it its
 * clock when built and, on every tick (and {@code runDueChecks()}), runs the due retries on its
 * notifier thread. Tests move the clock and call {@code runDueChecks()}.
 */
public interface ScheduledRetries {

  /** Measure backoffs on {@code clock} (the guard's). */
  void useClock(Clock clock);

  /** Whether a retry's time has come on the clock. */
  boolean retryDue();

  /** Sends every retry whose time has come; later ones stay scheduled. */
  void runDueRetries();

  /** Deliveries waiting for a retry. */
  int pendingRetries();
}
