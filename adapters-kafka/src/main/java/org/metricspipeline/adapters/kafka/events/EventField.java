package org.metricspipeline.adapters.kafka.events;

import java.util.Objects;

/**
 * One field of an {@link EventType}.
 *
 * @param name the field name (an Avro name: a letter or {@code _}, then letters, digits, {@code _})
 * @param type the value type
 * @param optional whether the field may be absent: an optional attribute, nullable with default
 *     {@code null} in the Avro schema; a required field otherwise
 */
public record EventField(String name, FieldType type, boolean optional) {

  /** Validates the name. */
  public EventField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    EventType.checkName("field name", name);
  }

  /** A required field. */
  public static EventField required(String name, FieldType type) {
    return new EventField(name, type, false);
  }

  /** An optional attribute. */
  public static EventField optional(String name, FieldType type) {
    return new EventField(name, type, true);
  }
}
