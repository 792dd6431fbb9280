package org.metricspipeline.adapters.kafka.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.ValidationError;

/**
 * How an event of an {@link EventType} and a {@link MetricsData} item correspond. The item's
 * {@code metric_type} is the event type's name.
 *
 * <table>
 *   <caption>event field to item</caption>
 *   <tr><th>event</th><th>item</th></tr>
 *   <tr><td>{@code timestamp} (epoch ms)</td><td>{@code timestamp}</td></tr>
 *   <tr><td>the primary key ({@code user_id})</td><td>{@code source}</td></tr>
 *   <tr><td>each numeric field (int, long, float, double)</td><td>a metric of that name; without
 *       any, one metric {@value #EVENTS_METRIC} = 1 (the event counted)</td></tr>
 *   <tr><td>required string and boolean fields (dimensions, {@code device_type})</td><td>tags of
 *       every metric</td></tr>
 *   <tr><td>{@code event_id}, optional string and boolean attributes, any other member</td><td>
 *       {@code context}</td></tr>
 * </table>
 *
 * <p>Back from an item: {@code event_id} from {@code context.event_id} (a new random UUID when
 * absent), the primary key from {@code context.<key>} or else {@code source}, numeric fields from
 * the metric of that name, other fields from {@code context} or the first metric's tags. A required
 * field that cannot be found fails with its path.
 */
public final class EventMapping {

  /** The metric an event without numeric fields becomes: it counts the event. */
  public static final String EVENTS_METRIC = "events";

  private EventMapping() {}

  /**
   * The item for an event (a map as parsed from JSON or Avro: strings, numbers, booleans).
   *
   * @throws MetricsValidationException naming every missing or mistyped field
   */
  public static MetricsData toMetricsData(EventType type, Map<String, ?> event) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(event, "event");
    List<ValidationError> errors = new ArrayList<>();
    Object ts = event.get(EventType.TIMESTAMP);
    Instant timestamp = null;
    if (ts instanceof Number n) {
      timestamp = Instant.ofEpochMilli(n.longValue());
    } else if (ts instanceof Instant i) {
      timestamp = i;
    } else {
      errors.add(new ValidationError(EventType.TIMESTAMP, ts == null ? "is required" : "must be epoch milliseconds"));
    }
    Object key = event.get(type.primaryKey());
    if (!(key instanceof CharSequence)) {
      errors.add(new ValidationError(type.primaryKey(), key == null ? "is required" : "must be a string"));
    }
    Map<String, String> tags = new LinkedHashMap<>();
    Map<String, Object> context = new LinkedHashMap<>();
    List<String> numericNames = new ArrayList<>();
    List<Double> numericValues = new ArrayList<>();
    for (EventField f : type.fields()) {
      Object v = event.get(f.name());
      if (v == null) {
        if (!f.optional()) {
          errors.add(new ValidationError(f.name(), "is required"));
        }
        continue;
      }
      if (f.type().isNumeric()) {
        if (v instanceof Number n) {
          numericNames.add(f.name());
          numericValues.add(n.doubleValue());
        } else {
          errors.add(new ValidationError(f.name(), "must be a number"));
        }
      } else if (f.type() == FieldType.BOOLEAN && !(v instanceof Boolean)) {
        errors.add(new ValidationError(f.name(), "must be true or false"));
      } else if (f.type() == FieldType.STRING && !(v instanceof CharSequence)) {
        errors.add(new ValidationError(f.name(), "must be a string"));
      } else if (f.optional()) {
        context.put(f.name(), v instanceof CharSequence cs ? cs.toString() : v);
      } else {
        tags.put(f.name(), v.toString());
      }
    }
    for (Map.Entry<String, ?> e : event.entrySet()) {
      String k = e.getKey();
      if (e.getValue() != null && !k.equals(EventType.TIMESTAMP) && !k.equals(type.primaryKey())
          && type.field(k).isEmpty()) {
        Object v = e.getValue();
        context.put(k, v instanceof CharSequence cs ? cs.toString() : v);
      }
    }
    if (!errors.isEmpty()) {
      throw new MetricsValidationException(errors);
    }
    List<Metric> metrics = new ArrayList<>(Math.max(1, numericNames.size()));
    for (int i = 0; i < numericNames.size(); i++) {
      metrics.add(new Metric(numericNames.get(i), numericValues.get(i), "", tags));
    }
    if (metrics.isEmpty()) {
      metrics.add(new Metric(EVENTS_METRIC, 1, "", tags));
    }
    return new MetricsData(timestamp, type.name(), metrics, key.toString(), context);
  }

  /**
   * The event for an item: see the class description.
   *
   * @throws MetricsValidationException naming every required field that cannot be found
   */
  public static Map<String, Object> toEvent(EventType type, MetricsData data) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    List<ValidationError> errors = new ArrayList<>();
    Map<String, Object> event = new LinkedHashMap<>();
    Object id = data.context().get(EventType.EVENT_ID);
    event.put(EventType.EVENT_ID, id instanceof String s && !s.isEmpty() ? s : UUID.randomUUID().toString());
    event.put(EventType.TIMESTAMP, data.timestamp().toEpochMilli());
    Object key = data.context().get(type.primaryKey());
    event.put(type.primaryKey(), key instanceof String s ? s : data.source());
    Map<String, String> firstTags = data.metrics().isEmpty() ? Map.of() : data.metrics().get(0).tags();
    for (EventField f : type.fields()) {
      Object v;
      String path;
      if (f.type().isNumeric()) {
        v = null;
        path = "metrics." + f.name();
        for (Metric m : data.metrics()) {
          if (m.name().equals(f.name())) {
            v = numeric(f.type(), m.value());
            if (v == null) {
              errors.add(new ValidationError(path, "must be a whole number for a " + f.type().wireName()
                  + " field, got " + m.value()));
            }
            break;
          }
        }
      } else {
        path = "context." + f.name();
        Object c = data.context().get(f.name());
        if (c == null) {
          c = firstTags.get(f.name());
        }
        v = c == null ? null : f.type() == FieldType.BOOLEAN ? Boolean.valueOf(c.toString()) : c.toString();
      }
      if (v == null && !f.optional()) {
        errors.add(new ValidationError(path, "is required by event type " + type.name()));
      }
      event.put(f.name(), v);
    }
    if (!errors.isEmpty()) {
      throw new MetricsValidationException(errors);
    }
    return event;
  }

  private static Object numeric(FieldType type, double value) {
    return switch (type) {
      case DOUBLE -> value;
      case FLOAT -> (float) value;
      case LONG -> value == Math.rint(value) && Math.abs(value) <= 0x1p63 ? (Object) (long) value : null;
      case INT -> value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE ? (Object) (int) value : null;
      default -> throw new IllegalArgumentException("not numeric: " + type);
    };
  }
}
