package org.metricspipeline.runtime;

import java.util.Locale;

/**
 * What an orchestrated {@link Part} is, in the order the {@link Orchestrator} starts parts whose
 * dependencies are met: storage first, then pipelines, channels, visualization, the HTTP server, the
 * guard, its collector, and jobs last (and stops them the other way round).
 */
public enum PartKind {
  /** A store: everything else writes to or reads from it. */
  STORAGE,
  /** A pipeline: validates, batches and stores. */
  PIPELINE,
  /** An ingestion channel feeding a pipeline (SQS, Kafka, in-process). */
  CHANNEL,
  /** A visualization adapter (its dashboards are mounted on the HTTP server). */
  VISUALIZATION,
  /** The HTTP server: ingestion endpoints, the query API, status endpoints. */
  HTTP_SERVER,
  /** The self-healing guard. */
  GUARD,
  /** The guard's metrics collector. */
  COLLECTOR,
  /** A background job (streaming aggregation, rollups, retention). */
  JOB;

  /** The lower-case name used in status JSON, for example {@code http_server}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
