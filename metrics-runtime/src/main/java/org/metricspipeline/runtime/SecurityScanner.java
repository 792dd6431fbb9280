package org.metricspipeline.runtime;

/**
 * Checks a merged config and the files it names before deploy (seed 001's {@code SecurityScanner}):
 * authentication while bound beyond loopback, rate limits, secrets written in plain text instead of
 * references, secrets files readable by others, plain {@code http://} URLs to other hosts, default
 * or short tokens, TLS off for remote SQS, Kafka and ClickHouse endpoints.
 *
 * <pre>{@code
 * SecurityReport report = SecurityScanner.create().scan(loader.merge());
 * System.exit(report.exitCode());
 * }</pre>
 */
public final class SecurityScanner {

  private SecurityScanner() {}

  /** A scanner with every check. */
  public static SecurityScanner create() {
    return new SecurityScanner();
  }

  /** Every finding of {@code config}. */
  public SecurityReport scan(MergedConfig config) {
    throw new UnsupportedOperationException("not yet");
  }
}
