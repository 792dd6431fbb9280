package org.metricspipeline.adapters.metabase.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the adapter's owned threads {@code metrics-metabase-<role>-N}. */
public final class Threads {

  private Threads() {}

  /** A factory of daemon threads named {@code metrics-metabase-<role>-N}, N counting from 1. */
  public static ThreadFactory factory(String role) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "metrics-metabase-" + role + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
