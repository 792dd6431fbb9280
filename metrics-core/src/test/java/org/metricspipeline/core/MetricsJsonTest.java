package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.HealthCheckResult;
import org.metricspipeline.api.HealthStatus;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationException;
import org.metricspipeline.api.ValidationError;

class MetricsJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Single quotes for readability; turned into JSON's double quotes. */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static List<ValidationError> errorsOf(String singleQuoted) {
    MetricsValidationException e = catchThrowableOfType(MetricsValidationException.class,
        () -> MetricsJson.decode(json(singleQuoted)));
    assertThat(e).as("decoding should fail").isNotNull();
    return e.errors();
  }

  @Test
  void decodesTheSeedWireForm() {
    MetricsData d = MetricsJson.decode(json("{'timestamp': '2025-12-03T12:00:00Z', "
        + "'metric_type': 'page_view', 'metrics': [{'name': 'cpu', 'value': 1.5, 'unit': '%', "
        + "'tags': {'host': 'a', 'dc': 'eu'}}, {'name': 'mem', 'value': 7}], 'source': 'web', "
        + "'context': {'user': 'u1', 'n': 3, 'ok': true, 'list': [1.5, 'x'], 'nested': {'k': 'v'}}}"));

    assertThat(d.timestamp()).isEqualTo(Instant.parse("2025-12-03T12:00:00Z"));
    assertThat(d.metricType()).isEqualTo("page_view");
    assertThat(d.metrics()).containsExactly(
        new Metric("cpu", 1.5, "%", Map.of("host", "a", "dc", "eu")),
        new Metric("mem", 7.0, "", Map.of()));
    assertThat(d.source()).isEqualTo("web");
    assertThat(d.context()).isEqualTo(Map.of("user", "u1", "n", 3L, "ok", true,
        "list", List.of(1.5, "x"), "nested", Map.of("k", "v")));
  }

  @Test
  void decodesEpochMillisecondTimestamps() {
    MetricsData d = MetricsJson.decode(json(
        "{'timestamp': 1733227200123, 'metric_type': 't', 'metrics': []}"));

    assertThat(d.timestamp()).isEqualTo(Instant.ofEpochMilli(1733227200123L));
  }

  @Test
  void floorsFractionalEpochMilliseconds() {
    MetricsData d = MetricsJson.decode(json(
        "{'timestamp': 1733227200123.9, 'metric_type': 't', 'metrics': []}"));

    assertThat(d.timestamp()).isEqualTo(Instant.ofEpochMilli(1733227200123L));
  }

  @Test
  void decodesIsoTimestampsWithAnyOffsetAndFraction() {
    assertThat(MetricsJson.decode(json(
        "{'timestamp': '2025-12-03T13:00:00.25+01:00', 'metric_type': 't', 'metrics': []}"))
        .timestamp()).isEqualTo(Instant.parse("2025-12-03T12:00:00.250Z"));
    assertThat(MetricsJson.decode(json(
        "{'timestamp': '2025-12-03T12:00Z', 'metric_type': 't', 'metrics': []}"))
        .timestamp()).isEqualTo(Instant.parse("2025-12-03T12:00:00Z"));
  }

  @Test
  void rejectsATimestampWithoutOffset() {
    assertThat(errorsOf("{'timestamp': '2025-12-03T12:00:00', 'metric_type': 't', 'metrics': []}"))
        .singleElement().satisfies(e -> {
          assertThat(e.field()).isEqualTo("timestamp");
          assertThat(e.message()).startsWith("not a valid ISO-8601 timestamp or epoch milliseconds")
              .contains("2025-12-03T12:00:00");
        });
  }

  @Test
  void rejectsATimestampOfTheWrongType() {
    assertThat(errorsOf("{'timestamp': true, 'metric_type': 't', 'metrics': []}"))
        .containsExactly(new ValidationError("timestamp",
            "not a valid ISO-8601 timestamp or epoch milliseconds, got boolean"));
  }

  @Test
  void readsAbsentOrNullOptionalFieldsAsEmpty() {
    MetricsData absent = MetricsJson.decode(json(
        "{'timestamp': 0, 'metric_type': 't', 'metrics': [{'name': 'a', 'value': 1}]}"));
    MetricsData nulls = MetricsJson.decode(json("{'timestamp': 0, 'metric_type': 't', "
        + "'metrics': [{'name': 'a', 'value': 1, 'unit': null, 'tags': null}], 'source': null, "
        + "'context': null}"));

    assertThat(nulls).isEqualTo(absent);
    assertThat(absent.source()).isEmpty();
    assertThat(absent.context()).isEmpty();
    assertThat(absent.metrics().get(0).unit()).isEmpty();
    assertThat(absent.metrics().get(0).tags()).isEmpty();
  }

  @Test
  void reportsEveryFieldErrorOfAnItemWithItsWirePath() {
    List<ValidationError> errors = errorsOf("{'timestamp': 'yesterday', 'metric_type': 5, "
        + "'metrics': [{'name': 'ok', 'value': 1}, {'name': 'cpu', 'value': '1.5'}, "
        + "{'value': 2, 'tags': {'host': 7}}, 3], 'source': [], 'context': 'x'}");

    assertThat(errors).extracting(ValidationError::field).containsExactly(
        "timestamp", "metric_type", "metrics[1].value", "metrics[2].tags.host", "metrics[2].name",
        "metrics[3]", "source", "context");
    assertThat(errors).contains(
        new ValidationError("metric_type", "expected a string, got number"),
        new ValidationError("metrics[1].value", "expected a number, got string"),
        new ValidationError("metrics[2].tags.host", "expected a string, got number"),
        new ValidationError("metrics[2].name", "required"),
        new ValidationError("metrics[3]", "expected an object, got number"),
        new ValidationError("source", "expected a string, got array"),
        new ValidationError("context", "expected an object, got string"));
  }

  @Test
  void reportsMissingRequiredFields() {
    assertThat(errorsOf("{}")).containsExactly(
        new ValidationError("timestamp", "required"),
        new ValidationError("metric_type", "required"),
        new ValidationError("metrics", "required"));
  }

  @Test
  void reportsNullRequiredFields() {
    assertThat(errorsOf("{'timestamp': null, 'metric_type': null, 'metrics': null}"))
        .extracting(ValidationError::message).containsOnly("required, got null");
  }

  @Test
  void rejectsANaNLiteralAtTheFieldPath() {
    assertThat(errorsOf("{'timestamp': 0, 'metric_type': 't', "
        + "'metrics': [{'name': 'a', 'value': 1}, {'name': 'b', 'value': NaN}]}"))
        .singleElement().satisfies(e -> {
          assertThat(e.field()).isEqualTo("metrics[1].value");
          assertThat(e.message()).contains("must be a finite number, got NaN");
        });
  }

  @Test
  void rejectsInfinityLiteralsAndOverflowingNumbersAtTheFieldPath() {
    assertThat(errorsOf("{'timestamp': 0, 'metric_type': 't', "
        + "'metrics': [{'name': 'a', 'value': -Infinity}, {'name': 'b', 'value': 1e400}]}"))
        .extracting(ValidationError::field).containsExactly("metrics[0].value", "metrics[1].value");
  }

  @Test
  void rejectsNonFiniteNumbersInsideTheContext() {
    assertThat(errorsOf("{'timestamp': 0, 'metric_type': 't', 'metrics': [], "
        + "'context': {'a': {'b': [1, NaN]}}}"))
        .extracting(ValidationError::field).containsExactly("context.a.b[1]");
  }

  @Test
  void rejectsAMetricsFieldThatIsNotAnArray() {
    assertThat(errorsOf("{'timestamp': 0, 'metric_type': 't', 'metrics': {'name': 'a'}}"))
        .containsExactly(new ValidationError("metrics", "expected an array, got object"));
  }

  @Test
  void ignoresUnknownFieldsAtEveryLevel() {
    MetricsData d = MetricsJson.decode(json("{'version': 2, 'extra': {'deep': [1, {'x': null}]}, "
        + "'timestamp': 0, 'metric_type': 't', 'metrics': [{'name': 'a', 'value': 1, 'help': 'x'}]}"));

    assertThat(d.metrics()).containsExactly(Metric.of("a", 1));
  }

  @Test
  void leavesOutNullsInsideTheContext() {
    MetricsData d = MetricsJson.decode(json("{'timestamp': 0, 'metric_type': 't', 'metrics': [], "
        + "'context': {'a': null, 'b': [null, 1], 'c': 'x'}}"));

    assertThat(d.context()).isEqualTo(Map.of("b", List.of(1L), "c", "x"));
  }

  @Test
  void keepsTheLastValueOfARepeatedTag() {
    MetricsData d = MetricsJson.decode(json("{'timestamp': 0, 'metric_type': 't', "
        + "'metrics': [{'name': 'a', 'value': 1, 'tags': {'h': '1', 'h': '2', 'k': 'v', 'z': 'z'}}]}"));

    assertThat(d.metrics().get(0).tags()).isEqualTo(Map.of("h", "2", "k", "v", "z", "z"));
  }

  @Test
  void reportsMalformedJsonWithLineAndColumn() {
    MetricsValidationException e = catchThrowableOfType(MetricsValidationException.class,
        () -> MetricsJson.decode("{\"timestamp\": 0,\n  \"metric_type\": 't'}"));

    assertThat(e).isNotNull();
    assertThat(e.errors()).singleElement().satisfies(err -> {
      assertThat(err.field()).isEmpty();
      assertThat(err.message()).startsWith("malformed JSON at line 2, column");
    });
    assertThat(e).hasMessageNotContaining("com.fasterxml");
  }

  @Test
  void reportsTruncatedJson() {
    assertThatThrownBy(() -> MetricsJson.decode("{\"timestamp\": 0, \"metrics\": ["))
        .isInstanceOf(MetricsValidationException.class).hasMessageContaining("malformed JSON at line 1");
  }

  @Test
  void rejectsContentAfterTheDocument() {
    assertThatThrownBy(() -> MetricsJson.decode(json("{'timestamp': 0, 'metric_type': 't', 'metrics': []} {}")))
        .isInstanceOf(MetricsValidationException.class)
        .hasMessageContaining("after the end of the document");
  }

  @Test
  void rejectsEmptyInput() {
    assertThatThrownBy(() -> MetricsJson.decode("  "))
        .isInstanceOf(MetricsValidationException.class).hasMessageContaining("empty input");
  }

  @Test
  void rejectsATopLevelArrayWhereOneItemIsExpected() {
    assertThat(errorsOf("[]")).containsExactly(new ValidationError("", "expected an object, got array"));
  }

  @Test
  void decodesABatchWhereEachItemStandsAlone() {
    DecodedBatch batch = MetricsJson.decodeBatch(json("[{'timestamp': 0, 'metric_type': 'a', 'metrics': []}, "
        + "{'timestamp': 0, 'metric_type': 'b', 'metrics': [{'name': 'x', 'value': NaN}]}, "
        + "'oops', {'timestamp': 0, 'metric_type': 'd', 'metrics': []}]"));

    assertThat(batch.size()).isEqualTo(4);
    assertThat(batch.allDecoded()).isFalse();
    assertThat(batch.decoded()).extracting(MetricsData::metricType).containsExactly("a", "d");
    assertThat(batch.items().get(1).errors()).extracting(ValidationError::field)
        .containsExactly("metrics[0].value");
    assertThat(batch.failures()).extracting(MetricsBatchResult.Failure::index).containsExactly(1, 2);
    assertThat(batch.failures().get(1).errors())
        .containsExactly(new ValidationError("", "expected an object, got string"));
  }

  @Test
  void readsASingleObjectAsABatchOfOne() {
    DecodedBatch batch = MetricsJson.decodeBatch(json("{'timestamp': 0, 'metric_type': 'a', 'metrics': []}"));

    assertThat(batch.decoded()).extracting(MetricsData::metricType).containsExactly("a");
  }

  @Test
  void failsTheWholeBatchOnMalformedJson() {
    assertThatThrownBy(() -> MetricsJson.decodeBatch("[{\"timestamp\": 0}, {\"a\" 1}]"))
        .isInstanceOf(MetricsValidationException.class).hasMessageContaining("malformed JSON at line 1");
  }

  @Test
  void rejectsABatchThatIsNotAnArray() {
    assertThatThrownBy(() -> MetricsJson.decodeBatch("42"))
        .isInstanceOf(MetricsValidationException.class)
        .hasMessageContaining("expected an array of objects, got number");
  }

  @Test
  void combinesDecodingFailuresWithTheResultOfTheDecodedItems() {
    DecodedBatch batch = MetricsJson.decodeBatch(json("[1, {'timestamp': 0, 'metric_type': 'a', 'metrics': []}, "
        + "2, {'timestamp': 0, 'metric_type': 'b', 'metrics': []}]"));
    MetricsBatchResult ofDecoded = MetricsBatchResult.of(2, List.of(MetricsBatchResult.Failure.of(1, "full")));

    MetricsBatchResult combined = batch.combine(ofDecoded);

    assertThat(combined.successCount()).isEqualTo(1);
    assertThat(combined.failures()).extracting(MetricsBatchResult.Failure::index).containsExactly(0, 2, 3);
    assertThat(combined.failures().get(2).reason()).isEqualTo("full");
  }

  @Test
  void decodesFromAStreamWithoutClosingIt() {
    AtomicBoolean closed = new AtomicBoolean();
    InputStream in = new ByteArrayInputStream(json("{'timestamp': 0, 'metric_type': 'a', 'metrics': []}")
        .getBytes(StandardCharsets.UTF_8)) {
      @Override
      public void close() throws IOException {
        closed.set(true);
        super.close();
      }
    };

    assertThat(MetricsJson.decode(in).metricType()).isEqualTo("a");
    assertThat(closed).isFalse();
  }

  @Test
  void roundTripsAnItem() {
    MetricsData original = MetricsData.builder()
        .timestamp(Instant.parse("2025-12-03T12:00:00.123Z"))
        .metricType("page_view")
        .metric(new Metric("cpu", -1.25e-3, "%", Map.of("host", "a", "dc", "eu-1")))
        .metric(Metric.of("count", 42))
        .source("web")
        .context("user", "u1")
        .context("nested", Map.of("list", List.of(1L, "two", true), "d", 2.5))
        .build();

    MetricsData decoded = MetricsJson.decode(MetricsJson.encode(original));

    assertThat(decoded).isEqualTo(original);
  }

  @Test
  void roundTripsAListOfItems() {
    List<MetricsData> items = List.of(TestData.item("a", 3), TestData.item("b", 1));

    DecodedBatch batch = MetricsJson.decodeBatch(MetricsJson.encodeItems(items));

    assertThat(batch.decoded()).isEqualTo(items);
  }

  @Test
  void writesTimestampsAsUtcIsoWithMilliseconds() throws Exception {
    MetricsData d = MetricsData.of(Instant.parse("2025-12-03T12:00:00.123456Z"), "t",
        List.of(Metric.of("a", 2)));

    JsonNode node = MAPPER.readTree(MetricsJson.encode(d));

    assertThat(node.get("timestamp").asText()).isEqualTo("2025-12-03T12:00:00.123Z");
    assertThat(node.get("metrics").get(0).get("value").asDouble()).isEqualTo(2.0);
  }

  @Test
  void leavesOutEmptyOptionalFieldsWhenWriting() throws Exception {
    JsonNode node = MAPPER.readTree(MetricsJson.encode(
        MetricsData.of(Instant.EPOCH, "t", List.of(Metric.of("a", 1)))));

    assertThat(node.fieldNames()).toIterable().containsExactly("timestamp", "metric_type", "metrics");
    assertThat(node.get("metrics").get(0).fieldNames()).toIterable().containsExactly("name", "value");
  }

  @Test
  void refusesToWriteANaNValue() {
    MetricsData d = MetricsData.of(Instant.EPOCH, "t", List.of(Metric.of("a", 1), Metric.of("b", Double.NaN)));

    assertThatThrownBy(() -> MetricsJson.encode(d)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metrics[1].value");
  }

  @Test
  void writesABatchResultInSnakeCase() throws Exception {
    MetricsBatchResult r = MetricsBatchResult.of(3, List.of(
        new MetricsBatchResult.Failure(1, "invalid", List.of(new ValidationError("metrics[0].value", "bad")))));

    JsonNode node = MAPPER.readTree(MetricsJson.encode(r));

    assertThat(node).isEqualTo(MAPPER.readTree(json("{'success_count': 2, 'failure_count': 1, 'failures': "
        + "[{'index': 1, 'reason': 'invalid', 'errors': [{'field': 'metrics[0].value', 'message': 'bad'}]}]}")));
  }

  @Test
  void writesAHealthResultWithALowerCaseStatus() throws Exception {
    HealthCheckResult h = new HealthCheckResult(HealthStatus.DEGRADED, Map.of("queue_depth", 5,
        "storage", Map.of("status", HealthStatus.HEALTHY), "at", Instant.EPOCH));

    JsonNode node = MAPPER.readTree(MetricsJson.encode(h));

    assertThat(node.get("status").asText()).isEqualTo("degraded");
    assertThat(node.get("details").get("queue_depth").asInt()).isEqualTo(5);
    assertThat(node.get("details").get("storage").get("status").asText()).isEqualTo("healthy");
    assertThat(node.get("details").get("at").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
  }

  @Test
  void writesValidationErrorsAsFieldAndMessage() throws Exception {
    JsonNode node = MAPPER.readTree(MetricsJson.encodeErrors(List.of(new ValidationError("timestamp", "required"))));

    assertThat(node).isEqualTo(MAPPER.readTree(json("[{'field': 'timestamp', 'message': 'required'}]")));
  }

  @Test
  void streamsItemsToAnOutputStream() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<MetricsData> items = List.of(TestData.item("a", 2));

    MetricsJson.encodeItems(items, out);

    assertThat(MetricsJson.decodeBatch(out.toByteArray()).decoded()).isEqualTo(items);
  }
}
