package org.metricspipeline.runtime;

import java.util.Objects;

/**
 * One weakness {@link SecurityScanner} found.
 *
 * @param severity how serious it is
 * @param check the stable name of the check, for example {@code plaintext-secret}
 * @param path the field path (or file) at fault
 * @param message what is wrong (never a secret value)
 * @param fix what to change
 */
public record SecurityFinding(Severity severity, String check, String path, String message, String fix) {

  /** Validates. */
  public SecurityFinding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(fix, "fix");
  }

  @Override
  public String toString() {
    return severity + " " + check + " " + path + ": " + message + " Fix: " + fix;
  }
}
