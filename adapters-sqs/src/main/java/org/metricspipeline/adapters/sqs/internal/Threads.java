package org.metricspipeline.adapters.sqs.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the adapter's owned threads {@code metrics-sqs-<role>-N}. */
public final class Threads {

  private Threads() {}

  /** A factory of daemon threads named {@code metrics-sqs-<role>-N}, N counting from 1. */
  public static ThreadFactory factory(String role) {
    AtomicInteger n = new AtomicInteger();
    return r -> named(role, n.incrementAndGet(), r);
  }

  /** One daemon thread named {@code metrics-sqs-<role>-<number>}, not started. */
  public static Thread named(String role, int number, Runnable task) {
    Thread t = new Thread(task, "metrics-sqs-" + role + "-" + number);
    t.setDaemon(true);
    return t;
  }
}
