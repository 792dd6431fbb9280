package org.metricspipeline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsValidatorTest {

  private static final Instant NOW = Instant.parse("2025-12-03T12:00:00Z");
  private final MetricsValidator validator =
      MetricsValidator.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  private static MetricsData with(Metric... metrics) {
    return MetricsData.of(NOW, "system", List.of(metrics));
  }

  private List<ValidationError> errors(MetricsData data) {
    return validator.validate(data).errors();
  }

  private static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  @Test
  void acceptsAWellFormedItem() {
    MetricsData data = new MetricsData(NOW, "page_view",
        List.of(new Metric("http.server.requests", 12.5, "ms", Map.of("host", "web-1", "path", "/a b"))),
        "web", Map.of("user", "u1"));

    assertThat(validator.validate(data)).isEqualTo(MetricsValidationResult.ok());
    assertThat(validator.requireValid(data)).isSameAs(data);
  }

  @Test
  void rejectsAnEmptyMetricType() {
    assertThat(errors(MetricsData.of(NOW, "", List.of(Metric.of("a", 1)))))
        .containsExactly(new ValidationError("metric_type", "must not be empty"));
  }

  @Test
  void rejectsAMetricTypeWithBadCharacters() {
    assertThat(errors(MetricsData.of(NOW, "9lives", List.of(Metric.of("a", 1)))))
        .singleElement().satisfies(e -> {
          assertThat(e.field()).isEqualTo("metric_type");
          assertThat(e.message()).contains("must start with a letter or '_'").contains("\"9lives\"");
        });
  }

  @Test
  void rejectsATooLongMetricType() {
    assertThat(errors(MetricsData.of(NOW, repeat('t', 129), List.of(Metric.of("a", 1)))))
        .containsExactly(new ValidationError("metric_type", "must be at most 128 characters, got 129"));
  }

  @Test
  void rejectsAnItemWithoutMetrics() {
    assertThat(errors(MetricsData.of(NOW, "t", List.of())))
        .containsExactly(new ValidationError("metrics", "must contain at least one metric"));
  }

  @Test
  void rejectsTooManyMetrics() {
    MetricsValidator small = MetricsValidator.builder().maxMetricsPerItem(2).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    assertThat(small.validate(with(Metric.of("a", 1), Metric.of("b", 1), Metric.of("c", 1))).errors())
        .containsExactly(new ValidationError("metrics", "must contain at most 2 metrics, got 3"));
  }

  @Test
  void rejectsABadMetricNameWithItsIndex() {
    assertThat(errors(with(Metric.of("ok", 1), Metric.of("bad name", 1))))
        .singleElement().satisfies(e -> {
          assertThat(e.field()).isEqualTo("metrics[1].name");
          assertThat(e.message()).contains("[A-Za-z0-9_.:-]");
        });
  }

  @Test
  void acceptsPrometheusMicrometerAndOpenTelemetryNames() {
    assertThat(errors(with(Metric.of(":recording:rule", 1), Metric.of("jvm.memory.used", 1),
        Metric.of("http-requests_total", 1)))).isEmpty();
  }

  @Test
  void rejectsAnEmptyMetricName() {
    assertThat(errors(with(Metric.of("", 1))))
        .containsExactly(new ValidationError("metrics[0].name", "must not be empty"));
  }

  @Test
  void rejectsATooLongMetricName() {
    assertThat(errors(with(Metric.of(repeat('n', 256), 1))))
        .containsExactly(new ValidationError("metrics[0].name", "must be at most 255 characters, got 256"));
  }

  @Test
  void rejectsNaNValuesWithTheFieldPath() {
    assertThat(errors(with(Metric.of("a", 1), Metric.of("b", Double.NaN))))
        .containsExactly(new ValidationError("metrics[1].value", "must be finite, got NaN"));
  }

  @Test
  void rejectsInfiniteValuesWithTheFieldPath() {
    assertThat(errors(with(Metric.of("a", Double.POSITIVE_INFINITY), Metric.of("b", Double.NEGATIVE_INFINITY))))
        .containsExactly(new ValidationError("metrics[0].value", "must be finite, got Infinity"),
            new ValidationError("metrics[1].value", "must be finite, got -Infinity"));
  }

  @Test
  void rejectsATooLongUnit() {
    assertThat(errors(with(new Metric("a", 1, repeat('u', 65), Map.of()))))
        .containsExactly(new ValidationError("metrics[0].unit", "must be at most 64 characters, got 65"));
  }

  @Test
  void rejectsControlCharactersInTheUnit() {
    assertThat(errors(with(new Metric("a", 1, "m\ns", Map.of()))))
        .containsExactly(new ValidationError("metrics[0].unit",
            "must not contain control characters (found one at index 1)"));
  }

  @Test
  void rejectsABadTagKeyAtTheTagPath() {
    assertThat(errors(with(Metric.of("a", 1, Map.of("host:name", "x")))))
        .singleElement().satisfies(e -> {
          assertThat(e.field()).isEqualTo("metrics[0].tags.host:name");
          assertThat(e.message()).startsWith("key must start with a letter or '_'")
              .contains("[A-Za-z0-9_.-]");
        });
  }

  @Test
  void reportsABadTagKeySharedByEveryMetricOfTheItemOnEachMetric() {
    String bad = "host:name";
    Map<String, String> tags = Map.of("env", "prod", bad, "x");

    assertThat(errors(with(Metric.of("a", 1, tags), Metric.of("b", 2, tags))))
        .extracting(ValidationError::field)
        .containsExactly("metrics[0].tags.host:name", "metrics[1].tags.host:name");
  }

  @Test
  void rejectsABadTagKeyAfterManyValidKeysInTheSameItem() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      many.put("k" + i, "v");
    }
    Map<String, String> withBad = new HashMap<>(many);
    withBad.put("9bad", "v");

    assertThat(errors(with(Metric.of("a", 1, many), Metric.of("b", 1, many), Metric.of("c", 1, withBad))))
        .singleElement().satisfies(e -> assertThat(e.field()).isEqualTo("metrics[2].tags.9bad"));
  }

  @Test
  void rejectsAnEmptyTagKey() {
    assertThat(errors(with(Metric.of("a", 1, Map.of("", "x")))))
        .containsExactly(new ValidationError("metrics[0].tags.", "key must not be empty"));
  }

  @Test
  void rejectsATooLongTagKey() {
    String key = repeat('k', 129);

    assertThat(errors(with(Metric.of("a", 1, Map.of(key, "x")))))
        .containsExactly(new ValidationError("metrics[0].tags." + key, "key must be at most 128 characters, got 129"));
  }

  @Test
  void rejectsATooLongTagValueAtTheTagPath() {
    assertThat(errors(with(Metric.of("a", 1, Map.of("host", repeat('v', 4097))))))
        .containsExactly(new ValidationError("metrics[0].tags.host",
            "value must be at most 4096 characters, got 4097"));
  }

  @Test
  void acceptsAnyCharactersInTagValues() {
    assertThat(errors(with(Metric.of("a", 1, Map.of("path", "/ä b\t\"x\""))))).isEmpty();
  }

  @Test
  void rejectsTooManyTags() {
    Map<String, String> tags = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      tags.put("k" + i, "v");
    }

    assertThat(errors(with(Metric.of("a", 1, tags))))
        .containsExactly(new ValidationError("metrics[0].tags", "must have at most 64 tags, got 65"));
  }

  @Test
  void rejectsTimestampsBeforeTheEpoch() {
    assertThat(errors(MetricsData.of(Instant.parse("1969-12-31T23:59:59Z"), "t", List.of(Metric.of("a", 1)))))
        .singleElement().satisfies(e -> assertThat(e.field()).isEqualTo("timestamp"));
  }

  @Test
  void rejectsTimestampsTooFarInTheFuture() {
    MetricsData data = MetricsData.of(NOW.plus(Duration.ofMinutes(10)).plusMillis(1), "t", List.of(Metric.of("a", 1)));

    assertThat(errors(data)).singleElement().satisfies(e -> {
      assertThat(e.field()).isEqualTo("timestamp");
      assertThat(e.message()).contains("in the future");
    });
  }

  @Test
  void acceptsTimestampsWithinTheFutureSkew() {
    assertThat(errors(MetricsData.of(NOW.plus(Duration.ofMinutes(10)), "t", List.of(Metric.of("a", 1)))))
        .isEmpty();
  }

  @Test
  void rejectsATooLongSource() {
    MetricsData data = new MetricsData(NOW, "t", List.of(Metric.of("a", 1)), repeat('s', 257), Map.of());

    assertThat(errors(data)).containsExactly(new ValidationError("source", "must be at most 256 characters, got 257"));
  }

  @Test
  void rejectsControlCharactersInTheSource() {
    MetricsData data = new MetricsData(NOW, "t", List.of(Metric.of("a", 1)), "we\u0000b", Map.of());

    assertThat(errors(data)).singleElement().satisfies(e -> assertThat(e.field()).isEqualTo("source"));
  }

  @Test
  void rejectsTooManyContextEntries() {
    Map<String, Object> context = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      context.put("k" + i, i);
    }
    MetricsData data = new MetricsData(NOW, "t", List.of(Metric.of("a", 1)), "", context);

    assertThat(errors(data)).containsExactly(new ValidationError("context", "must have at most 64 entries, got 65"));
  }

  @Test
  void reportsEveryProblemNotJustTheFirst() {
    MetricsData data = new MetricsData(NOW.plus(Duration.ofDays(1)), "",
        List.of(Metric.of("bad name", Double.NaN, Map.of("", "x"))), "", Map.of());

    assertThat(errors(data)).extracting(ValidationError::field).containsExactly(
        "metric_type", "timestamp", "metrics[0].name", "metrics[0].value", "metrics[0].tags.");
  }

  @Test
  void requireValidThrowsWithEveryError() {
    MetricsData data = with(Metric.of("a", Double.NaN));

    assertThatThrownBy(() -> validator.requireValid(data))
        .isInstanceOf(MetricsValidationException.class)
        .hasMessage("invalid metrics data: metrics[0].value: must be finite, got NaN")
        .satisfies(e -> assertThat(((MetricsValidationException) e).errors()).hasSize(1));
  }

  @Test
  void builderNamesTheOptionOfABadLimit() {
    assertThatThrownBy(() -> MetricsValidator.builder().maxTags(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxTags must be >= 1, got 0");
    assertThatThrownBy(() -> MetricsValidator.builder().maxFutureSkew(Duration.ofSeconds(-1)))
        .hasMessageContaining("maxFutureSkew must be >= 0");
  }

  @Test
  void appliesConfiguredLimits() {
    MetricsValidator strict = MetricsValidator.builder().maxNameLength(3).maxUnitLength(1)
        .maxTagKeyLength(2).maxTagValueLength(2).maxSourceLength(1).maxMetricTypeLength(2)
        .maxContextEntries(1).maxFutureSkew(Duration.ZERO).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    MetricsData data = new MetricsData(NOW.plusMillis(1), "abc",
        List.of(new Metric("abcd", 1, "ms", Map.of("abc", "xyz"))), "ab", Map.of("a", 1, "b", 2));

    assertThat(strict.validate(data).errors()).extracting(ValidationError::field).containsExactlyInAnyOrder(
        "metric_type", "timestamp", "metrics[0].name", "metrics[0].unit", "metrics[0].tags.abc",
        "metrics[0].tags.abc", "source", "context");
  }
}
