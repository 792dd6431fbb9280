package org.metricspipeline.adapters.kafka.events;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.api.ConfigurationException;

/**
 * A set of {@link EventType}s by name, declared in code or read from a configuration map shaped
 * like seed 002's {@code event_types} (what a YAML or JSON config file parses to):
 *
 * <pre>{@code
 * entities:
 *   user: {primary_key: user_id}
 * event_types:
 *   - name: page_view
 *     entity: user                      # or primary_key: user_id
 *     attributes: [page_url, page_title]  # optional strings (or a map name -> type)
 *     dimensions: [device_type]         # required strings
 *     fields: {duration_ms: double}     # required fields of any type
 *   - name: purchase
 *     primary_key: user_id
 *     attributes: {order_id: string, discount: double}
 *     fields: {amount: double}
 * }</pre>
 *
 * {@code event_types} may also be a map from name to the rest. Fields keep this order:
 * attributes, dimensions, fields. An error names the path of the bad entry
 * ({@code event_types[1].fields.amount}).
 */
public final class EventTypes {

  private final Map<String, EventType> byName;

  private EventTypes(Map<String, EventType> byName) {
    this.byName = byName;
  }

  /** These event types; fails when two share a name. */
  public static EventTypes of(Collection<EventType> types) {
    Map<String, EventType> map = new LinkedHashMap<>();
    for (EventType t : types) {
      if (map.put(t.name(), t) != null) {
        throw new IllegalArgumentException("event type " + t.name() + " is declared twice");
      }
    }
    return new EventTypes(map);
  }

  /** These event types. */
  public static EventTypes of(EventType... types) {
    return of(List.of(types));
  }

  /**
   * The event types of a configuration map (its {@code event_types} and {@code entities} keys).
   *
   * @throws ConfigurationException naming the path of a missing or malformed entry
   */
  public static EventTypes fromConfig(Map<String, ?> config) {
    Objects.requireNonNull(config, "config");
    Object raw = config.get("event_types");
    if (raw == null) {
      throw new ConfigurationException("event_types is required");
    }
    Map<String, ?> entities = config.get("entities") instanceof Map<?, ?> m ? cast(m) : Map.of();
    List<EventType> types = new ArrayList<>();
    if (raw instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String path = "event_types[" + i + "]";
        types.add(parse(path, null, map(path, list.get(i)), entities));
      }
    } else if (raw instanceof Map<?, ?> byName) {
      for (Map.Entry<?, ?> e : byName.entrySet()) {
        String path = "event_types." + e.getKey();
        types.add(parse(path, String.valueOf(e.getKey()), map(path, e.getValue()), entities));
      }
    } else {
      throw new ConfigurationException("event_types must be a list or a map, got " + raw.getClass().getSimpleName());
    }
    try {
      return of(types);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("event_types: " + e.getMessage(), e);
    }
  }

  private static EventType parse(String path, String keyName, Map<String, ?> c, Map<String, ?> entities) {
    String name = keyName != null ? keyName : string(path + ".name", c.get("name"));
    String primaryKey;
    if (c.get("primary_key") != null) {
      primaryKey = string(path + ".primary_key", c.get("primary_key"));
    } else if (c.get("entity") != null) {
      String entity = string(path + ".entity", c.get("entity"));
      Object e = entities.get(entity);
      if (e == null) {
        throw new ConfigurationException(path + ".entity: no entity '" + entity + "' under entities");
      }
      primaryKey = string("entities." + entity + ".primary_key", map("entities." + entity, e).get("primary_key"));
    } else {
      throw new ConfigurationException(path + ".primary_key is required (or entity naming one of entities)");
    }
    EventType.Builder b = EventType.builder(name).primaryKey(primaryKey);
    try {
      typed(path + ".attributes", c.get("attributes"), b::attribute);
      typed(path + ".dimensions", c.get("dimensions"), b::field);
      typed(path + ".fields", c.get("fields"), b::field);
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigurationException(path + ": " + e.getMessage(), e);
    }
  }

  private interface FieldSink {
    void add(String name, FieldType type);
  }

  /** A list of names (strings) or a map name -> type. */
  private static void typed(String path, Object raw, FieldSink sink) {
    if (raw == null) {
      return;
    }
    if (raw instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        sink.add(string(path + "[" + i + "]", list.get(i)), FieldType.STRING);
      }
    } else if (raw instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String fieldPath = path + "." + e.getKey();
        FieldType type;
        try {
          type = FieldType.fromWireName(string(fieldPath, e.getValue()));
        } catch (IllegalArgumentException ex) {
          throw new ConfigurationException(fieldPath + ": " + ex.getMessage(), ex);
        }
        sink.add(String.valueOf(e.getKey()), type);
      }
    } else {
      throw new ConfigurationException(path + " must be a list of names or a map of name to type");
    }
  }

  private static String string(String path, Object value) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw new ConfigurationException(path + " must be a non-empty string" + (value == null ? " (missing)" : ""));
    }
    return s;
  }

  private static Map<String, ?> map(String path, Object value) {
    if (!(value instanceof Map<?, ?> m)) {
      throw new ConfigurationException(path + " must be a map");
    }
    return cast(m);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> cast(Map<?, ?> m) {
    return (Map<String, ?>) m;
  }

  /** The event type called {@code name}, if any. */
  public Optional<EventType> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The event type called {@code name}; fails listing the known names. */
  public EventType get(String name) {
    EventType t = byName.get(name);
    if (t == null) {
      throw new IllegalArgumentException("unknown event type '" + name + "'; known: " + String.join(", ", byName.keySet()));
    }
    return t;
  }

  /** Every event type, in declaration order. */
  public List<EventType> all() {
    return List.copyOf(byName.values());
  }

  /** The names, in declaration order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  @Override
  public String toString() {
    return "EventTypes" + byName.keySet();
  }
}
