package org.metricspipeline.core.internal;

/** Creates the pipeline's owned threads, named {@code metrics-pipeline-<role>-N}. */
public final class NamedThreads {

  private NamedThreads() {}

  /** A daemon thread named {@code metrics-<component>-<role>-<number>}, not started. */
  public static Thread create(String component, String role, int number, Runnable task) {
    Thread t = new Thread(task, "metrics-" + component + "-" + role + "-" + number);
    t.setDaemon(true);
    return t;
  }
}
