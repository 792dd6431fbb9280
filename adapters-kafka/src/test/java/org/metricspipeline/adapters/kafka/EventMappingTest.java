package org.metricspipeline.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.kafka.events.EventMapping;
import org.metricspipeline.adapters.kafka.events.EventType;
import org.metricspipeline.adapters.kafka.events.EventTypes;
import org.metricspipeline.adapters.kafka.events.EventValidator;
import org.metricspipeline.adapters.kafka.events.SyntheticDataGenerator;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.MetricsValidator;

class EventMappingTest {

  private final EventTypes types = TestEvents.types();
  private final Clock clock = Clock.fixed(Instant.parse("2025-12-14T13:45:30Z"), ZoneOffset.UTC);

  @Test
  void anEventBecomesAnItemAndBackWithTheSameFields() {
    EventType purchase = types.get("purchase");
    Map<String, Object> event = Map.of("event_id", "e-1", "timestamp", 1702567890123L, "user_id", "user_42",
        "order_id", "order_7", "device_type", "mobile", "amount", 19.99, "quantity", 2);
    MetricsData item = EventMapping.toMetricsData(purchase, event);
    assertThat(item.metricType()).isEqualTo("purchase");
    assertThat(item.source()).isEqualTo("user_42");
    assertThat(item.timestamp()).isEqualTo(Instant.ofEpochMilli(1702567890123L));
    assertThat(item.metrics()).containsExactly(
        new Metric("amount", 19.99, "", Map.of("device_type", "mobile")),
        new Metric("quantity", 2, "", Map.of("device_type", "mobile")));
    assertThat(item.context()).isEqualTo(Map.of("event_id", "e-1", "order_id", "order_7"));
    assertThat(MetricsValidator.defaults().validate(item).valid()).isTrue();
    Map<String, Object> back = new java.util.HashMap<>(event);
    back.put("discount", null);
    assertThat(EventMapping.toEvent(purchase, item)).isEqualTo(back);
  }

  @Test
  void anEventWithoutNumbersCountsAsOneEvent() {
    MetricsData item = EventMapping.toMetricsData(types.get("page_view"), Map.of("event_id", "e", "timestamp", 5L,
        "user_id", "u", "device_type", "tablet", "page_url", "https://example.com/"));
    assertThat(item.metrics()).containsExactly(new Metric(EventMapping.EVENTS_METRIC, 1, "", Map.of("device_type", "tablet")));
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    assertThatThrownBy(() -> EventMapping.toMetricsData(types.get("purchase"), Map.of("timestamp", 5L)))
        .isInstanceOf(MetricsValidationException.class)
        .satisfies(e -> assertThat(((MetricsValidationException) e).errors())
            .extracting(x -> x.field()).contains("user_id", "device_type", "amount", "quantity"));
    MetricsData notAPurchase = MetricsData.builder().timestamp(Instant.EPOCH).metricType("purchase").metric("cpu", 1).build();
    assertThatThrownBy(() -> EventMapping.toEvent(types.get("purchase"), notAPurchase))
        .hasMessageContaining("metrics.amount").hasMessageContaining("context.device_type");
  }

  @Test
  void generatedEventsFitTheirSchemaAndCarrySeedFields() {
    SyntheticDataGenerator generator = new SyntheticDataGenerator(types, 100, 42L, clock);
    EventValidator validator = new EventValidator(types);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Set<Object> users = new HashSet<>();
    for (String type : types.names()) {
      for (Map<String, Object> e : generator.generateEvents(type, 200)) {
        assertThat(validator.validate(type, json.valueToTree(e)).errors()).isEmpty();
        assertThat(e.get("event_id")).asString().hasSize(36);
        assertThat(e.get("timestamp")).isEqualTo(clock.millis());
        users.add(e.get("user_id"));
        EventMapping.toMetricsData(types.get(type), e);
      }
    }
    assertThat(users).hasSizeBetween(90, 100);
    Map<String, Object> purchase = generator.generateEvent("purchase", "user_1", 7L);
    assertThat(purchase).containsEntry("user_id", "user_1").containsEntry("timestamp", 7L).containsKey("order_id");
    assertThat(generator.generateEvent("page_view")).containsKeys("page_url", "page_title");
  }

  @Test
  void aSessionStartsWithPageViewsAndMayEndInAPurchase() {
    SyntheticDataGenerator generator = new SyntheticDataGenerator(types, 10, 7L, clock);
    boolean sawPurchase = false;
    for (int i = 0; i < 50; i++) {
      List<Map<String, Object>> session = generator.generateUserSession("user_3", 6);
      assertThat(session).hasSize(6);
      assertThat(session.get(0)).containsEntry("event_type", "page_view");
      assertThat(session).allSatisfy(e -> assertThat(e).containsEntry("user_id", "user_3"));
      long last = -1;
      for (Map<String, Object> e : session) {
        assertThat((Long) e.get("timestamp")).isGreaterThan(last);
        last = (Long) e.get("timestamp");
      }
      sawPurchase |= session.get(5).get("event_type").equals("purchase");
    }
    assertThat(sawPurchase).isTrue();
    assertThat(new SyntheticDataGenerator(types, 10, 7L, clock).generateUserSession("u", 4))
        .isEqualTo(new SyntheticDataGenerator(types, 10, 7L, clock).generateUserSession("u", 4));
  }
}
