package org.metricspipeline.adapters.kafka.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.ValidationError;

/**
 * Validates JSON events against the JSON Schemas {@link SchemaGenerator#jsonSchema} generates for
 * their event types, with the networknt {@code json-schema-validator}. Each error names the field's
 * path ({@code timestamp}, {@code page_url}); a missing required field is named itself.
 *
 * <p>Schemas are compiled once when the validator is built; validating is thread-safe.
 */
public final class EventValidator {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventTypes types;
  private final Map<String, Schema> schemas = new LinkedHashMap<>();

  /** A validator for every type of {@code types}, with schemas in {@code generator}'s namespace. */
  public EventValidator(EventTypes types, SchemaGenerator generator) {
    this.types = Objects.requireNonNull(types, "types");
    Objects.requireNonNull(generator, "generator");
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    for (EventType t : types.all()) {
      schemas.put(t.name(), registry.getSchema(generator.jsonSchema(t)));
    }
  }

  /** A validator for every type of {@code types}. */
  public EventValidator(EventTypes types) {
    this(types, new SchemaGenerator());
  }

  /** The event types this validator knows. */
  public EventTypes types() {
    return types;
  }

  /**
   * Validates one JSON event of {@code eventType}: every error with its field path, or the syntax
   * error (field {@code ""}) when the text is not JSON.
   *
   * @throws IllegalArgumentException when the event type is unknown
   */
  public MetricsValidationResult validate(String eventType, String json) {
    Objects.requireNonNull(json, "json");
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return MetricsValidationResult.of(List.of(new ValidationError("",
          "not JSON: " + e.getOriginalMessage())));
    }
    return validate(eventType, node);
  }

  /** Validates a parsed JSON event; see {@link #validate(String, String)}. */
  public MetricsValidationResult validate(String eventType, JsonNode event) {
    Objects.requireNonNull(event, "event");
    Schema schema = schemas.get(types.get(eventType).name());
    List<ValidationError> out = new ArrayList<>();
    for (Error e : schema.validate(event)) {
      out.add(new ValidationError(path(e), e.getMessage()));
    }
    return MetricsValidationResult.of(out);
  }

  /** {@code /metrics/0/name} as {@code metrics[0].name}. */
  private static String fromPointer(String pointer) {
    StringBuilder out = new StringBuilder();
    for (String token : pointer.substring(1).split("/", -1)) {
      String t = token.replace("~1", "/").replace("~0", "~");
      if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
        out.append('[').append(t).append(']');
      } else {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(t);
      }
    }
    return out.toString();
  }

  /** The error's instance path in wire form, with the missing property for a {@code required} error. */
  private static String path(Error e) {
    String location = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
    String p = location.startsWith("/") ? fromPointer(location) : location.startsWith("$.") ? location.substring(2)
        : location.equals("$") ? "" : location;
    if ("required".equals(e.getKeyword()) && e.getProperty() != null) {
      p = p.isEmpty() ? e.getProperty() : p + "." + e.getProperty();
    }
    return p;
  }
}
