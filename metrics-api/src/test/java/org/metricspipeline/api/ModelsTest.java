package org.metricspipeline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The invariants the value records guarantee on construction. */
class ModelsTest {

  @Test
  void metricCopiesItsTags() {
    Map<String, String> tags = new HashMap<>(Map.of("host", "a"));
    Metric m = Metric.of("cpu", 1, tags);
    tags.put("host", "b");

    assertThat(m.tags()).containsEntry("host", "a");
    assertThatThrownBy(() -> m.tags().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void metricCopiesMutableTagsIntoTheMapMapCopyOfWouldBuild() {
    for (int n = 0; n <= 12; n++) {
      Map<String, String> tags = new HashMap<>();
      for (int i = 0; i < n; i++) {
        tags.put("key" + i, "value" + i);
      }
      Map<String, String> copy = Metric.of("cpu", 1, tags).tags();
      Map<String, String> expected = Map.copyOf(tags);

      assertThat(copy).isEqualTo(expected);
      assertThat(copy.getClass()).isEqualTo(expected.getClass());
      assertThat(List.copyOf(copy.entrySet())).isEqualTo(List.copyOf(expected.entrySet()));
    }
  }

  @Test
  void metricKeepsAnImmutableTagMapAsItIs() {
    Map<String, String> tags = Map.of("host", "a", "env", "prod");

    assertThat(Metric.of("cpu", 1, tags).tags()).isSameAs(tags);
  }

  @Test
  void metricRefusesNullTagKeysAndValues() {
    Map<String, String> nullValue = new HashMap<>(Map.of("host", "a"));
    nullValue.put("env", null);
    Map<String, String> nullKey = new HashMap<>(Map.of("host", "a"));
    nullKey.put(null, "x");

    assertThatThrownBy(() -> Metric.of("cpu", 1, nullValue)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Metric.of("cpu", 1, nullKey)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void metricRefusesNullPartsNamingThem() {
    assertThatThrownBy(() -> new Metric(null, 1, "", Map.of())).hasMessage("name");
    assertThatThrownBy(() -> new Metric("a", 1, null, Map.of())).hasMessageContaining("unit");
    assertThatThrownBy(() -> new Metric("a", 1, "", null)).hasMessage("tags");
  }

  @Test
  void metricKnowsWhetherItHasAUnit() {
    assertThat(Metric.of("a", 1).hasUnit()).isFalse();
    assertThat(new Metric("a", 1, "ms", Map.of()).hasUnit()).isTrue();
  }

  @Test
  void metricsDataCopiesItsCollections() {
    List<Metric> metrics = new ArrayList<>(List.of(Metric.of("a", 1)));
    Map<String, Object> context = new HashMap<>(Map.of("k", "v"));
    MetricsData d = new MetricsData(Instant.EPOCH, "t", metrics, "", context);
    metrics.add(Metric.of("b", 2));
    context.clear();

    assertThat(d.metrics()).hasSize(1);
    assertThat(d.context()).containsEntry("k", "v");
    assertThatThrownBy(() -> d.metrics().add(Metric.of("c", 3))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void metricsDataRefusesNullPartsNamingThem() {
    assertThatThrownBy(() -> new MetricsData(null, "t", List.of(), "", Map.of())).hasMessage("timestamp");
    assertThatThrownBy(() -> new MetricsData(Instant.EPOCH, null, List.of(), "", Map.of())).hasMessage("metricType");
    assertThatThrownBy(() -> new MetricsData(Instant.EPOCH, "t", null, "", Map.of())).hasMessage("metrics");
    assertThatThrownBy(() -> new MetricsData(Instant.EPOCH, "t", List.of(), null, Map.of())).hasMessageContaining("source");
    assertThatThrownBy(() -> new MetricsData(Instant.EPOCH, "t", List.of(), "", null)).hasMessage("context");
  }

  @Test
  void metricsDataBuilderRequiresTimestampAndType() {
    assertThatThrownBy(() -> MetricsData.builder().metricType("t").build()).hasMessage("timestamp is required");
    assertThatThrownBy(() -> MetricsData.builder().timestamp(Instant.EPOCH).build())
        .hasMessage("metricType is required");
  }

  @Test
  void metricsDataBuilderBuildsEveryField() {
    MetricsData d = MetricsData.builder().timestamp(Instant.EPOCH).metricType("t")
        .metric("a", 1).metrics(List.of(Metric.of("b", 2))).source("web").context("k", 1).build();

    assertThat(d).isEqualTo(new MetricsData(Instant.EPOCH, "t", List.of(Metric.of("a", 1), Metric.of("b", 2)),
        "web", Map.of("k", 1)));
  }

  @Test
  void batchResultRefusesAFailureCountThatDoesNotMatch() {
    assertThatThrownBy(() -> new MetricsBatchResult(1, 2, List.of(MetricsBatchResult.Failure.of(0, "x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match 1 failures");
  }

  @Test
  void batchResultRefusesANegativeSuccessCount() {
    assertThatThrownBy(() -> new MetricsBatchResult(-1, 0, List.of()))
        .hasMessage("successCount must be >= 0, got -1");
  }

  @Test
  void batchResultCountsFromTheTotal() {
    MetricsBatchResult r = MetricsBatchResult.of(5, List.of(MetricsBatchResult.Failure.of(3, "x")));

    assertThat(r.successCount()).isEqualTo(4);
    assertThat(r.failureCount()).isEqualTo(1);
    assertThat(r.total()).isEqualTo(5);
    assertThat(r.allSucceeded()).isFalse();
    assertThat(MetricsBatchResult.allSucceeded(3).allSucceeded()).isTrue();
  }

  @Test
  void batchFailureRefusesANegativeIndex() {
    assertThatThrownBy(() -> MetricsBatchResult.Failure.of(-1, "x")).hasMessage("index must be >= 0, got -1");
  }

  @Test
  void batchFailureFromValidationCarriesTheErrors() {
    MetricsValidationResult invalid = MetricsValidationResult.of(List.of(new ValidationError("timestamp", "required")));

    MetricsBatchResult.Failure f = MetricsBatchResult.Failure.invalid(2, invalid);

    assertThat(f.reason()).isEqualTo("invalid: timestamp: required");
    assertThat(f.errors()).isEqualTo(invalid.errors());
  }

  @Test
  void validationResultIsValidExactlyWithoutErrors() {
    assertThatThrownBy(() -> new MetricsValidationResult(true, List.of(new ValidationError("a", "b"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MetricsValidationResult(false, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(MetricsValidationResult.of(List.of())).isSameAs(MetricsValidationResult.ok());
  }

  @Test
  void validationResultDescribesEveryError() {
    MetricsValidationResult r = MetricsValidationResult.of(List.of(
        new ValidationError("metrics[0].value", "must be finite, got NaN"), new ValidationError("", "whole item")));

    assertThat(r.describe()).isEqualTo("metrics[0].value: must be finite, got NaN; whole item");
  }

  @Test
  void validationExceptionCopiesItsErrors() {
    List<ValidationError> errors = new ArrayList<>(List.of(new ValidationError("a", "b")));
    MetricsValidationException e = new MetricsValidationException(errors);
    errors.clear();

    assertThat(e.errors()).hasSize(1);
    assertThat(e).isInstanceOf(MetricsPipelineException.class).hasMessage("invalid metrics data: a: b");
  }

  @Test
  void healthResultCopiesDetailsAndRefusesNulls() {
    Map<String, Object> details = new HashMap<>(Map.of("depth", 3));
    HealthCheckResult h = HealthCheckResult.healthy(details);
    details.clear();

    assertThat(h.details()).containsEntry("depth", 3);
    assertThat(h.isHealthy()).isTrue();
    assertThatThrownBy(() -> new HealthCheckResult(null, Map.of())).hasMessage("status");
  }

  @Test
  void unhealthyResultKeepsItsReason() {
    HealthCheckResult h = HealthCheckResult.unhealthy("disk full");

    assertThat(h.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(h.details()).isEqualTo(Map.of("reason", "disk full"));
  }

  @Test
  void healthStatusWorstPicksTheWorse() {
    assertThat(HealthStatus.HEALTHY.worst(HealthStatus.DEGRADED)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(HealthStatus.UNHEALTHY.worst(HealthStatus.HEALTHY)).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(HealthStatus.DEGRADED.wireName()).isEqualTo("degraded");
  }

  @Test
  void validationErrorPrintsFieldAndMessage() {
    assertThat(new ValidationError("timestamp", "required")).hasToString("timestamp: required");
    assertThat(new ValidationError("", "bad")).hasToString("bad");
  }

  @Test
  void overloadedExceptionCarriesARetryHint() {
    OverloadedException e = new OverloadedException("full", java.time.Duration.ofSeconds(1));

    assertThat(e.retryAfter()).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(e).isInstanceOf(MetricsPipelineException.class);
  }

  @Test
  void wireNamesParseCaseInsensitivelyAndListTheKnownOnes() {
    assertThat(ExportFormat.fromWireName("CSV")).isEqualTo(ExportFormat.CSV);
    assertThat(VisualizationType.fromWireName("Line")).isEqualTo(VisualizationType.LINE);
    assertThatThrownBy(() -> ExportFormat.fromWireName("pdf")).hasMessageContaining("known: json, csv");
  }

  @Test
  void dashboardSpecRefusesABlankName() {
    assertThatThrownBy(() -> DashboardSpec.named(" ")).hasMessage("name must not be blank");
  }
}
