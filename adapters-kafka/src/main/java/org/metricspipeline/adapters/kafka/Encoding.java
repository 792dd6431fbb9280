package org.metricspipeline.adapters.kafka;

/** How {@link KafkaMetricsPublisher} encodes record values. */
public enum Encoding {
  /** The library's JSON wire form ({@link org.metricspipeline.core.MetricsJson}); needs no event types. */
  JSON,
  /**
   * Avro binary with the event type's generated schema, its fingerprint in the
   * {@value KafkaHeaders#AVRO_FINGERPRINT} header; needs the event type of every item.
   */
  AVRO
}
