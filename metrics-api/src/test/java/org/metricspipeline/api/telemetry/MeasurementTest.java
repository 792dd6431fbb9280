package org.metricspipeline.api.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeasurementTest {

  @Test
  void rejectsNamesPrometheusCannotParse() {
    assertThatThrownBy(() -> Measurement.counter("http.requests", "h", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name")
        .hasMessageContaining("http.requests");
  }

  @Test
  void rejectsReservedAndMalformedLabelNames() {
    assertThatThrownBy(() -> new Measurement("a", Measurement.Kind.GAUGE, "h", Map.of("__x", "v"), 1))
        .hasMessageContaining("labels.__x");
    assertThatThrownBy(() -> new Measurement("a", Measurement.Kind.GAUGE, "h", Map.of("1x", "v"), 1))
        .hasMessageContaining("labels.1x");
  }

  @Test
  void copiesLabelsSoLaterChangesDoNotLeakIn() {
    Map<String, String> labels = new HashMap<>(Map.of("path", "/a"));
    Measurement m = new Measurement("a_total", Measurement.Kind.COUNTER, "h", labels, 2);
    labels.put("path", "/b");
    assertThat(m.labels()).containsEntry("path", "/a");
  }
}
