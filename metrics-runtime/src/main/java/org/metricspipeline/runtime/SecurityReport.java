package org.metricspipeline.runtime;

import java.util.List;

/**
 * What a {@link SecurityScanner} found, most severe first.
 *
 * @param findings every finding, sorted by severity (HIGH first), then path
 */
public record SecurityReport(List<SecurityFinding> findings) {

  /** Copies. */
  public SecurityReport {
    findings = List.copyOf(findings);
  }

  /** Whether any finding is {@link Severity#HIGH}: a deploy should stop. */
  public boolean hasHigh() {
    return findings.stream().anyMatch(f -> f.severity() == Severity.HIGH);
  }

  /** The findings of one severity. */
  public List<SecurityFinding> findings(Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).toList();
  }

}
