package org.metricspipeline.runtime;

/** How serious a {@link SecurityFinding} is; a scan with a {@link #HIGH} finding fails the deploy. */
public enum Severity {
  /** Worth knowing; not a weakness by itself. */
  LOW,
  /** A weakness to fix before production. */
  MEDIUM,
  /** Open to attack or leaking a secret: blocks a deploy. */
  HIGH
}
