package org.metricspipeline.adapters.kafka.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the module's daemon threads {@code metrics-kafka-<role>-N}. */
public final class Threads {

  private Threads() {}

  /** A daemon thread named {@code metrics-kafka-<role>-<number>}, not started. */
  public static Thread named(String role, int number, Runnable task) {
    Thread t = new Thread(task, "metrics-kafka-" + role + "-" + number);
    t.setDaemon(true);
    return t;
  }

  /** A factory of daemon threads named {@code metrics-kafka-<role>-N}. */
  public static ThreadFactory factory(String role) {
    AtomicInteger n = new AtomicInteger();
    return r -> named(role, n.incrementAndGet(), r);
  }
}
