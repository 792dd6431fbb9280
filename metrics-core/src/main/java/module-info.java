/** The Metrics Pipeline core: the pipeline, the JSON codec, and the semantics every store shares. */
module org.metricspipeline.core {
  requires transitive org.metricspipeline.api;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  // YAML secrets files only; optional (a properties file needs nothing)
  requires static com.fasterxml.jackson.dataformat.yaml;

  exports org.metricspipeline.core;
  exports org.metricspipeline.core.http;
  exports org.metricspipeline.core.config;
  // the long-poll queue and settle-once deliveries every channel shares; not an API
  exports org.metricspipeline.core.internal.channel to
      org.metricspipeline.adapters.memory,
      org.metricspipeline.adapters.http,
      org.metricspipeline.adapters.sqs;
  exports org.metricspipeline.core.otlp;
  // Helpers the adapters share (the rate-limited failure log, the framing of local logs); not part of the public API.
  exports org.metricspipeline.core.internal to
      org.metricspipeline.adapters.clickhouse,
      org.metricspipeline.adapters.http,
      org.metricspipeline.adapters.memory,
      org.metricspipeline.adapters.sqs;
}
