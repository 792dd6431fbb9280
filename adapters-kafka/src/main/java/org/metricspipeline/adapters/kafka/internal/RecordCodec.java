package org.metricspipeline.adapters.kafka.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.metricspipeline.adapters.kafka.KafkaHeaders;
import org.metricspipeline.adapters.kafka.events.EventMapping;
import org.metricspipeline.adapters.kafka.events.EventType;
import org.metricspipeline.adapters.kafka.events.EventTypes;
import org.metricspipeline.adapters.kafka.events.EventValidator;
import org.metricspipeline.adapters.kafka.events.SchemaGenerator;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.ValidationError;
import org.metricspipeline.core.MetricsJson;

/** Encodes and decodes record values: the library's JSON, Avro events, JSON events. Thread-safe. */
public final class RecordCodec {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private final EventTypes types;
  private final Map<String, Schema> schemas;
  private final Map<String, byte[]> fingerprints = new HashMap<>();
  private final Map<Long, EventType> byFingerprint = new HashMap<>();
  private final Map<String, GenericDatumWriter<GenericRecord>> writers = new HashMap<>();
  private final Map<Long, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
  private final EventValidator validator;

  /** A codec for these event types (may be empty: then only the library's JSON is understood). */
  public RecordCodec(EventTypes types, SchemaGenerator generator) {
    this.types = types;
    this.schemas = generator.avroSchemas(types);
    for (Map.Entry<String, Schema> e : schemas.entrySet()) {
      long fp = SchemaNormalization.parsingFingerprint64(e.getValue());
      fingerprints.put(e.getKey(), ByteBuffer.allocate(8).putLong(fp).array());
      byFingerprint.put(fp, types.get(e.getKey()));
      writers.put(e.getKey(), new GenericDatumWriter<>(e.getValue()));
      readers.put(fp, new GenericDatumReader<>(e.getValue()));
    }
    this.validator = new EventValidator(types, generator);
  }

  /** The event types. */
  public EventTypes types() {
    return types;
  }

  /** The fingerprint header value of an event type's schema. */
  public byte[] fingerprint(String eventType) {
    byte[] fp = fingerprints.get(types.get(eventType).name());
    return fp.clone();
  }

  /** An event as Avro binary with its type's schema; fails naming a field of the wrong type. */
  public byte[] encodeAvro(EventType type, Map<String, ?> event) {
    Schema schema = schemas.get(type.name());
    GenericData.Record record = new GenericData.Record(schema);
    List<ValidationError> errors = new java.util.ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      Object v = event.get(f.name());
      try {
        record.put(f.pos(), toAvro(f.schema(), v));
      } catch (IllegalArgumentException e) {
        errors.add(new ValidationError(f.name(), e.getMessage()));
      }
    }
    if (!errors.isEmpty()) {
      throw new MetricsValidationException(errors);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      writers.get(type.name()).write(record, encoder);
      encoder.flush();
    } catch (IOException | AvroRuntimeException e) {
      throw new MetricsValidationException(List.of(new ValidationError("", "not encodable as Avro: " + e.getMessage())));
    }
    return out.toByteArray();
  }

  private static Object toAvro(Schema schema, Object v) {
    if (schema.getType() == Schema.Type.UNION) {
      if (v == null) {
        return null;
      }
      return toAvro(schema.getTypes().get(1), v);
    }
    if (v == null) {
      throw new IllegalArgumentException("is required");
    }
    return switch (schema.getType()) {
      case STRING -> {
        if (!(v instanceof CharSequence)) {
          throw new IllegalArgumentException("must be a string");
        }
        yield v.toString();
      }
      case LONG -> number(v).longValue();
      case INT -> number(v).intValue();
      case DOUBLE -> number(v).doubleValue();
      case FLOAT -> number(v).floatValue();
      case BOOLEAN -> {
        if (!(v instanceof Boolean)) {
          throw new IllegalArgumentException("must be true or false");
        }
        yield v;
      }
      default -> throw new IllegalArgumentException("unsupported Avro type " + schema.getType());
    };
  }

  private static Number number(Object v) {
    if (v instanceof Number n) {
      return n;
    }
    if (v instanceof java.time.Instant i) {
      return i.toEpochMilli();
    }
    throw new IllegalArgumentException("must be a number");
  }

  /**
   * The item of a record value, by its headers.
   *
   * @throws MetricsValidationException when the value cannot be decoded, naming why
   */
  public MetricsData decode(Headers headers, byte[] value) {
    if (value == null) {
      throw invalid("", "the record has no value (a tombstone)");
    }
    String encoding = text(headers, KafkaHeaders.ENCODING);
    if (encoding == null || encoding.equals(KafkaHeaders.JSON)) {
      return MetricsJson.decode(value);
    }
    if (encoding.equals(KafkaHeaders.AVRO)) {
      Header fp = headers.lastHeader(KafkaHeaders.AVRO_FINGERPRINT);
      if (fp == null || fp.value() == null || fp.value().length != 8) {
        throw invalid("headers." + KafkaHeaders.AVRO_FINGERPRINT, "an Avro record needs its 8-byte schema fingerprint");
      }
      long fingerprint = ByteBuffer.wrap(fp.value()).getLong();
      EventType type = byFingerprint.get(fingerprint);
      if (type == null) {
        throw invalid("headers." + KafkaHeaders.AVRO_FINGERPRINT, "no known event type has the schema with fingerprint "
            + Long.toHexString(fingerprint) + "; known: " + types.names());
      }
      GenericRecord record;
      try {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, null);
        record = readers.get(fingerprint).read(null, decoder);
      } catch (IOException | RuntimeException e) {
        throw invalid("", "not Avro of event type " + type.name() + ": " + e);
      }
      Map<String, Object> event = new LinkedHashMap<>();
      for (Schema.Field f : record.getSchema().getFields()) {
        Object v = record.get(f.pos());
        event.put(f.name(), v instanceof CharSequence cs ? cs.toString() : v);
      }
      return EventMapping.toMetricsData(type, event);
    }
    if (encoding.equals(KafkaHeaders.EVENT_JSON)) {
      String typeName = text(headers, KafkaHeaders.EVENT_TYPE);
      EventType type = typeName == null ? null : types.find(typeName).orElse(null);
      if (type == null) {
        throw invalid("headers." + KafkaHeaders.EVENT_TYPE, "a JSON event needs a known event type; known: " + types.names());
      }
      JsonNode node;
      try {
        node = JSON.readTree(value);
      } catch (IOException e) {
        throw invalid("", "not JSON: " + e.getMessage());
      }
      MetricsValidationResult result = validator.validate(type.name(), node);
      if (!result.valid()) {
        throw new MetricsValidationException(result);
      }
      return EventMapping.toMetricsData(type, JSON.convertValue(node, MAP));
    }
    throw invalid("headers." + KafkaHeaders.ENCODING, "unknown encoding '" + encoding + "'; known: json, avro, event-json");
  }

  private static MetricsValidationException invalid(String field, String message) {
    return new MetricsValidationException(List.of(new ValidationError(field, message)));
  }

  /** A header's value as UTF-8 text, or null. */
  public static String text(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
