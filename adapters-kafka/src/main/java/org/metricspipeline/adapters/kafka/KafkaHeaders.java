package org.metricspipeline.adapters.kafka;

/**
 * The record headers this module writes and reads. A record without {@value #ENCODING} is read as
 * the library's JSON wire form, so any producer that writes that JSON needs no headers.
 */
public final class KafkaHeaders {

  /** How the value is encoded: {@value #JSON}, {@value #AVRO} or {@value #EVENT_JSON}. */
  public static final String ENCODING = "metrics-encoding";
  /** {@link #ENCODING}: the library's JSON wire form ({@link org.metricspipeline.core.MetricsJson}). */
  public static final String JSON = "json";
  /** {@link #ENCODING}: Avro binary with the event type's generated schema (see {@link #AVRO_FINGERPRINT}). */
  public static final String AVRO = "avro";
  /** {@link #ENCODING}: a JSON event of an event type (seed 002's shape), checked against its JSON Schema. */
  public static final String EVENT_JSON = "event-json";
  /** The event type of an {@value #AVRO} or {@value #EVENT_JSON} value. */
  public static final String EVENT_TYPE = "metrics-event-type";
  /**
   * The writer schema of an {@value #AVRO} value: its 64-bit CRC-64-AVRO parsing fingerprint
   * ({@code SchemaNormalization.parsingFingerprint64}), 8 bytes big-endian, so a consumer that
   * knows the event types decodes without a schema registry.
   */
  public static final String AVRO_FINGERPRINT = "metrics-avro-fingerprint";

  /** Dead-letter record: why it was rejected (at most 1,024 characters). */
  public static final String DLQ_REASON = "metrics-dlq-reason";
  /** Dead-letter record: the topic it was read from. */
  public static final String DLQ_TOPIC = "metrics-dlq-topic";
  /** Dead-letter record: the partition it was read from (decimal). */
  public static final String DLQ_PARTITION = "metrics-dlq-partition";
  /** Dead-letter record: its offset in that partition (decimal). */
  public static final String DLQ_OFFSET = "metrics-dlq-offset";
  /** Dead-letter record: the consumer group that rejected it. */
  public static final String DLQ_GROUP = "metrics-dlq-group";

  private KafkaHeaders() {}
}
