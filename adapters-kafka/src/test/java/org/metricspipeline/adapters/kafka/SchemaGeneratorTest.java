package org.metricspipeline.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.kafka.events.EventType;
import org.metricspipeline.adapters.kafka.events.EventTypes;
import org.metricspipeline.adapters.kafka.events.EventValidator;
import org.metricspipeline.adapters.kafka.events.FieldType;
import org.metricspipeline.adapters.kafka.events.SchemaGenerator;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.MetricsValidationResult;
import org.metricspipeline.api.ValidationError;

class SchemaGeneratorTest {

  private final SchemaGenerator generator = new SchemaGenerator();

  private static String golden(String name) throws IOException {
    try (InputStream in = SchemaGeneratorTest.class.getResourceAsStream("/golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void pageViewSchemaIsSeed002sExampleAsAvroParsesIt() throws IOException {
    Schema expected = new Schema.Parser().parse(golden("page_view.avsc"));
    Schema generated = generator.avroSchema(TestEvents.types().get("page_view"));
    assertThat(generated).isEqualTo(expected);
    // the JSON text round-trips through Avro's own parser to the same schema
    assertThat(new Schema.Parser().parse(SchemaGenerator.toJson(generated))).isEqualTo(expected);
    assertThat(SchemaGenerator.toJson(generated)).isEqualTo(golden("page_view.avsc").strip());
  }

  @Test
  void everySchemaAtOnceMatchesItsGoldenFile() throws IOException {
    Map<String, Schema> all = generator.avroSchemas(TestEvents.types());
    assertThat(all).containsOnlyKeys("page_view", "add_to_cart", "purchase");
    assertThat(all.get("purchase")).isEqualTo(new Schema.Parser().parse(golden("purchase.avsc")));
  }

  @Test
  void timestampIsTimestampMillisAndAttributesAreNullableWithNullDefault() {
    Schema s = generator.avroSchema(TestEvents.types().get("purchase"));
    assertThat(s.getField("timestamp").schema().getLogicalType()).isEqualTo(LogicalTypes.timestampMillis());
    assertThat(s.getField("user_id").schema().getType()).isEqualTo(Schema.Type.STRING);
    assertThat(s.getField("order_id").schema().isNullable()).isTrue();
    assertThat(s.getField("order_id").defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
    assertThat(s.getField("amount").schema().getType()).isEqualTo(Schema.Type.DOUBLE);
    assertThat(s.getField("quantity").schema().getType()).isEqualTo(Schema.Type.INT);
  }

  @Test
  void namespaceIsConfigurable() {
    Schema s = new SchemaGenerator("com.example.shop").avroSchema(TestEvents.types().get("page_view"));
    assertThat(s.getFullName()).isEqualTo("com.example.shop.page_view");
    assertThatThrownBy(() -> new SchemaGenerator("com..bad")).hasMessageContaining("namespace part");
  }

  @Test
  void builderDeclaresTheSameTypeAsConfiguration() {
    EventType built = EventType.builder("page_view").primaryKey("user_id").attribute("page_url")
        .attribute("page_title").field("device_type", FieldType.STRING).build();
    assertThat(built).isEqualTo(TestEvents.types().get("page_view"));
  }

  @Test
  void configErrorsNameThePath() {
    assertThatThrownBy(() -> EventTypes.fromConfig(Map.of("event_types", List.of(
        Map.of("name", "a", "primary_key", "user_id", "fields", Map.of("amount", "decimal"))))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("event_types[0].fields.amount");
    assertThatThrownBy(() -> EventTypes.fromConfig(Map.of("event_types", List.of(Map.of("name", "a")))))
        .hasMessageContaining("event_types[0].primary_key is required");
    assertThatThrownBy(() -> EventType.builder("a").primaryKey("user_id").field("timestamp", FieldType.LONG).build())
        .hasMessageContaining("timestamp");
  }

  @Test
  void jsonEventsAreValidatedWithFieldPaths() {
    EventValidator validator = new EventValidator(TestEvents.types());
    String good = "{\"event_id\":\"e1\",\"timestamp\":1702567890123,\"user_id\":\"user_42\","
        + "\"order_id\":null,\"device_type\":\"mobile\",\"amount\":12.5,\"quantity\":2}";
    assertThat(validator.validate("purchase", good).valid()).isTrue();
    MetricsValidationResult bad = validator.validate("purchase",
        "{\"event_id\":\"e1\",\"timestamp\":\"yesterday\",\"user_id\":\"u\",\"device_type\":\"mobile\",\"quantity\":2.5}");
    assertThat(bad.errors()).extracting(ValidationError::field)
        .containsExactlyInAnyOrder("timestamp", "amount", "quantity");
    assertThat(validator.validate("purchase", "{not json").errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).startsWith("not JSON"));
  }
}
