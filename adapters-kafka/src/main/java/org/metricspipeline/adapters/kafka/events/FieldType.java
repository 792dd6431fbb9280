package org.metricspipeline.adapters.kafka.events;

import java.util.Locale;

/** The type of an event field, named as in seed 002's configuration and in Avro. */
public enum FieldType {
  /** A UTF-8 string. */
  STRING("string", "string"),
  /** A 32-bit integer. */
  INT("int", "integer"),
  /** A 64-bit integer. */
  LONG("long", "integer"),
  /** A 32-bit floating-point number. */
  FLOAT("float", "number"),
  /** A 64-bit floating-point number. */
  DOUBLE("double", "number"),
  /** {@code true} or {@code false}. */
  BOOLEAN("boolean", "boolean");

  private final String avroName;
  private final String jsonSchemaType;

  FieldType(String avroName, String jsonSchemaType) {
    this.avroName = avroName;
    this.jsonSchemaType = jsonSchemaType;
  }

  /** The configuration and Avro name, for example {@code double}. */
  public String wireName() {
    return avroName;
  }

  /** The JSON Schema {@code type} of values of this type. */
  public String jsonSchemaType() {
    return jsonSchemaType;
  }

  /** Whether values are numbers (they become metrics, see {@link EventMapping}). */
  public boolean isNumeric() {
    return this == INT || this == LONG || this == FLOAT || this == DOUBLE;
  }

  /**
   * The type for a configuration name (case-insensitive; {@code integer} for {@code long} and
   * {@code number} for {@code double} too); fails listing the known names.
   */
  public static FieldType fromWireName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (FieldType t : values()) {
      if (t.avroName.equals(n)) {
        return t;
      }
    }
    return switch (n) {
      case "integer" -> LONG;
      case "number" -> DOUBLE;
      case "bool" -> BOOLEAN;
      default -> throw new IllegalArgumentException("unknown field type '" + name
          + "'; known: string, int, long, float, double, boolean");
    };
  }
}
