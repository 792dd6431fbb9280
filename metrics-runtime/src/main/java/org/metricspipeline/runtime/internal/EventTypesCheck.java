package org.metricspipeline.runtime.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;

/**
 * Checks {@code event_types} with the Kafka adapter's own parser when that adapter is on the class
 * path (the runtime does not depend on it); otherwise the shape alone is checked here and the
 * rest when the Kafka channel starts.
 */
final class EventTypesCheck {

  private static final String EVENT_TYPES = "org.metricspipeline.adapters.kafka.events.EventTypes";

  private EventTypesCheck() {}

  /** The parser's message when it rejects {@code config}; empty when it accepts it or is absent. */
  static Optional<String> check(Map<String, Object> config) {
    Method fromConfig;
    try {
      fromConfig = Class.forName(EVENT_TYPES, true, EventTypesCheck.class.getClassLoader())
          .getMethod("fromConfig", Map.class);
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
    try {
      fromConfig.invoke(null, config);
      return Optional.empty();
    } catch (InvocationTargetException e) {
      return Optional.of(String.valueOf(e.getCause().getMessage()));
    } catch (IllegalAccessException e) {
      return Optional.empty();
    }
  }
}
