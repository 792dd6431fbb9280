package org.metricspipeline.cli;

/**
 * The exit codes of every {@code metrics-pipeline} subcommand.
 *
 * <p>{@code run} stopped by SIGTERM or Ctrl-C stops gracefully and the JVM reports the signal
 * (143 or 130), as for any Java program.
 */
public final class ExitCodes {

  /** Done; for {@code status} and the guard modes: everything reported runs. */
  public static final int OK = 0;
  /**
   * A runtime failure: a part failed to start (and what was started was stopped), a job failed, the
   * server could not be reached or answered an error, {@code status} found a part not running, the
   * guard reports critical or failed.
   */
  public static final int FAILURE = 1;
  /** Bad arguments or an invalid configuration (every problem is printed with its field and file). */
  public static final int USAGE = 2;
  /** {@code scan} found at least one HIGH finding. */
  public static final int HIGH_FINDINGS = 3;

  private ExitCodes() {}
}
