package org.metricspipeline.adapters.kafka.events;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A kind of event (seed 002's {@code event_types} entry): a name, the primary key of the entity it
 * is about (a required string, for example {@code user_id}), and typed fields, required or optional.
 * Every event also carries {@value #EVENT_ID} and {@value #TIMESTAMP} (epoch milliseconds).
 *
 * <pre>{@code
 * EventType pageView = EventType.builder("page_view")
 *     .primaryKey("user_id")
 *     .attribute("page_url")                    // optional string
 *     .attribute("page_title")
 *     .field("device_type", FieldType.STRING)   // required: a dimension
 *     .field("duration_ms", FieldType.DOUBLE)   // required: a measure
 *     .build();
 * }</pre>
 *
 * <p>{@link org.metricspipeline.api.MetricsData} items map to an event type through their
 * {@code metric_type}; {@link EventMapping} says how fields and metrics correspond.
 *
 * @param name the event type name, also the Avro record name and the topic suffix
 * @param primaryKey the name of the required string field identifying the entity
 * @param fields the other fields in declaration order; an immutable copy
 */
public record EventType(String name, String primaryKey, List<EventField> fields) {

  /** The field every event carries with its unique id (a string, a UUID when generated). */
  public static final String EVENT_ID = "event_id";
  /** The field every event carries with its time in epoch milliseconds. */
  public static final String TIMESTAMP = "timestamp";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Validates names (Avro names, no duplicates, no reserved names) and copies. */
  public EventType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(primaryKey, "primaryKey");
    Objects.requireNonNull(fields, "fields");
    checkName("event type name", name);
    checkName("primaryKey", primaryKey);
    fields = List.copyOf(fields);
    Set<String> seen = new HashSet<>(List.of(EVENT_ID, TIMESTAMP));
    if (!seen.add(primaryKey)) {
      throw new IllegalArgumentException("primaryKey of event type " + name + " must not be " + primaryKey
          + " (every event has it already)");
    }
    for (EventField f : fields) {
      if (!seen.add(f.name())) {
        throw new IllegalArgumentException("event type " + name + " declares field " + f.name()
            + " twice (or a reserved name: event_id, timestamp, the primary key)");
      }
    }
  }

  /** A builder for the event type {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The field called {@code name}, if declared (not {@code event_id}, {@code timestamp} or the key). */
  public Optional<EventField> field(String name) {
    for (EventField f : fields) {
      if (f.name().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  static void checkName(String what, String value) {
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must start with a letter or _ and hold only letters, digits"
          + " and _, got '" + value + "'");
    }
  }

  /** Builds an {@link EventType}; {@link #build()} fails naming a bad or duplicate field. */
  public static final class Builder {
    private final String name;
    private String primaryKey;
    private final List<EventField> fields = new ArrayList<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** The name of the entity's key field, a required string (required). */
    public Builder primaryKey(String primaryKey) {
      this.primaryKey = Objects.requireNonNull(primaryKey, "primaryKey");
      return this;
    }

    /** A required field. */
    public Builder field(String fieldName, FieldType type) {
      fields.add(EventField.required(fieldName, type));
      return this;
    }

    /** An optional string attribute (nullable, default {@code null}). */
    public Builder attribute(String fieldName) {
      return attribute(fieldName, FieldType.STRING);
    }

    /** An optional attribute of a type (nullable, default {@code null}). */
    public Builder attribute(String fieldName, FieldType type) {
      fields.add(EventField.optional(fieldName, type));
      return this;
    }

    /** The event type; fails when the primary key is missing or a name is bad or repeated. */
    public EventType build() {
      if (primaryKey == null) {
        throw new IllegalStateException("primaryKey is required for event type " + name);
      }
      return new EventType(name, primaryKey, fields);
    }
  }
}
