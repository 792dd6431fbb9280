package org.metricspipeline.adapters.kafka.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Generates schemas from {@link EventType}s (seed 002's {@code SchemaGenerator}): an Avro record
 * per event type, and a JSON Schema per event type for validating JSON events.
 *
 * <p>The Avro record is named after the event type, in the generator's namespace (default
 * {@value #DEFAULT_NAMESPACE}), with the fields {@code event_id} (string), {@code timestamp}
 * ({@code long} with logical type {@code timestamp-millis}), the primary key (a required string),
 * then the declared fields in order: required ones with their type, optional attributes as
 * {@code ["null", type]} with default {@code null}. For seed 002's example:
 *
 * <pre>{@code
 * {"type": "record", "name": "page_view", "namespace": "com.streaming.events", "fields": [
 *   {"name": "event_id", "type": "string"},
 *   {"name": "timestamp", "type": {"type": "long", "logicalType": "timestamp-millis"}},
 *   {"name": "user_id", "type": "string"},
 *   {"name": "page_url", "type": ["null", "string"], "default": null},
 *   {"name": "page_title", "type": ["null", "string"], "default": null},
 *   {"name": "device_type", "type": "string"}]}
 * }</pre>
 *
 * <p>The JSON Schema (draft 2020-12) requires the same fields, with {@code timestamp} an integer
 * of at least 0 and optional attributes allowing {@code null}; other members are allowed, so newer
 * producers can add fields.
 */
public final class SchemaGenerator {

  /** Seed 002's namespace. */
  public static final String DEFAULT_NAMESPACE = "com.streaming.events";
  /** The JSON Schema dialect of {@link #jsonSchema(EventType)}. */
  public static final String JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String namespace;

  /** A generator for the namespace {@value #DEFAULT_NAMESPACE}. */
  public SchemaGenerator() {
    this(DEFAULT_NAMESPACE);
  }

  /** A generator for an Avro namespace (dot-separated names, for example {@code com.example.events}). */
  public SchemaGenerator(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    for (String part : namespace.split("\\.", -1)) {
      EventType.checkName("namespace part", part);
    }
    this.namespace = namespace;
  }

  /** The Avro namespace of generated records. */
  public String namespace() {
    return namespace;
  }

  /** The Avro schema of one event type. */
  public Schema avroSchema(EventType type) {
    Objects.requireNonNull(type, "type");
    List<Schema.Field> fields = new ArrayList<>();
    fields.add(new Schema.Field(EventType.EVENT_ID, Schema.create(Schema.Type.STRING)));
    fields.add(new Schema.Field(EventType.TIMESTAMP,
        LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))));
    fields.add(new Schema.Field(type.primaryKey(), Schema.create(Schema.Type.STRING)));
    for (EventField f : type.fields()) {
      Schema value = Schema.create(avroType(f.type()));
      if (f.optional()) {
        fields.add(new Schema.Field(f.name(), Schema.createUnion(Schema.create(Schema.Type.NULL), value), null,
            Schema.Field.NULL_DEFAULT_VALUE));
      } else {
        fields.add(new Schema.Field(f.name(), value));
      }
    }
    return Schema.createRecord(type.name(), null, namespace, false, fields);
  }

  /** The Avro schemas of every event type, by event type name, in declaration order. */
  public Map<String, Schema> avroSchemas(EventTypes types) {
    Objects.requireNonNull(types, "types");
    Map<String, Schema> out = new LinkedHashMap<>();
    for (EventType t : types.all()) {
      out.put(t.name(), avroSchema(t));
    }
    return out;
  }

  /** A schema as JSON text, what a schema registry takes (pretty-printed). */
  public static String toJson(Schema schema) {
    Objects.requireNonNull(schema, "schema");
    return schema.toString(true);
  }

  /** The JSON Schema (draft 2020-12) of one event type, as JSON text. */
  public String jsonSchema(EventType type) {
    Objects.requireNonNull(type, "type");
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", JSON_SCHEMA_DIALECT);
    root.put("$id", "urn:" + namespace + ":" + type.name());
    root.put("title", type.name());
    root.put("type", "object");
    ObjectNode props = root.putObject("properties");
    ArrayNode required = root.putArray("required");
    props.putObject(EventType.EVENT_ID).put("type", "string").put("minLength", 1);
    props.putObject(EventType.TIMESTAMP).put("type", "integer").put("minimum", 0);
    props.putObject(type.primaryKey()).put("type", "string");
    required.add(EventType.EVENT_ID).add(EventType.TIMESTAMP).add(type.primaryKey());
    for (EventField f : type.fields()) {
      ObjectNode p = props.putObject(f.name());
      if (f.optional()) {
        p.putArray("type").add(f.type().jsonSchemaType()).add("null");
      } else {
        p.put("type", f.type().jsonSchemaType());
        required.add(f.name());
      }
      if (f.type() == FieldType.INT) {
        p.put("minimum", Integer.MIN_VALUE).put("maximum", Integer.MAX_VALUE);
      }
    }
    return root.toPrettyString();
  }

  private static Schema.Type avroType(FieldType type) {
    return switch (type) {
      case STRING -> Schema.Type.STRING;
      case INT -> Schema.Type.INT;
      case LONG -> Schema.Type.LONG;
      case FLOAT -> Schema.Type.FLOAT;
      case DOUBLE -> Schema.Type.DOUBLE;
      case BOOLEAN -> Schema.Type.BOOLEAN;
    };
  }
}
