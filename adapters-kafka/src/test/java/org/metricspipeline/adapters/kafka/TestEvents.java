package org.metricspipeline.adapters.kafka;

import java.util.List;
import java.util.Map;
import org.metricspipeline.adapters.kafka.events.EventTypes;

/** Seed 002's e-commerce event types, declared as configuration. */
final class TestEvents {

  private TestEvents() {}

  static Map<String, Object> config() {
    return Map.of(
        "entities", Map.of("user", Map.of("primary_key", "user_id")),
        "event_types", List.of(
            Map.of("name", "page_view", "entity", "user",
                "attributes", List.of("page_url", "page_title"), "dimensions", List.of("device_type")),
            Map.of("name", "add_to_cart", "entity", "user",
                "attributes", List.of("product_id"), "dimensions", List.of("device_type"),
                "fields", Map.of("price", "double")),
            Map.of("name", "purchase", "primary_key", "user_id",
                "attributes", new java.util.LinkedHashMap<>(Map.of("order_id", "string")) {{ put("discount", "double"); }},
                "dimensions", List.of("device_type"),
                "fields", new java.util.LinkedHashMap<String, Object>() {{ put("amount", "double"); put("quantity", "int"); }})));
  }

  static EventTypes types() {
    return EventTypes.fromConfig(config());
  }
}
