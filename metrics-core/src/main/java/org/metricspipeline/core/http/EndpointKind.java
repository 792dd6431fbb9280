package org.metricspipeline.core.http;

/**
 * What an endpoint is for, so a server can treat groups alike: rate limits (seed 001: health,
 * metrics ingestion, everything else), authentication exemptions, and gzip request bodies (accepted
 * on ingestion endpoints).
 */
public enum EndpointKind {
  /** Liveness and status probes, for example {@code GET /health}. */
  HEALTH,
  /** Endpoints that take metrics in, for example {@code POST /api/v1/ingest}. */
  INGESTION,
  /** Everything else: queries, discovery, status pages. */
  GENERAL,
  /**
   * Operator endpoints, for example the guard's {@code /api/v1/status}: rate limited like
   * {@link #GENERAL} unless given their own limit, and a group of their own for token scopes.
   */
  ADMIN
}
