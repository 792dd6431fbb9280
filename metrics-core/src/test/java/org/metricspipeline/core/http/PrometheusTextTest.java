package org.metricspipeline.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.telemetry.Measurement;

class PrometheusTextTest {

  @Test
  void writesHelpAndTypeOncePerFamilyWithItsSamplesTogether() {
    String text = PrometheusText.write(List.of(
        new Measurement("a_total", Measurement.Kind.COUNTER, "As", Map.of("x", "1"), 1),
        Measurement.gauge("b", "Bs", 2.5),
        new Measurement("a_total", Measurement.Kind.COUNTER, "As", Map.of("x", "2"), 3)));
    assertThat(text).isEqualTo("""
        # HELP a_total As
        # TYPE a_total counter
        a_total{x="1"} 1
        a_total{x="2"} 3
        # HELP b Bs
        # TYPE b gauge
        b 2.5
        """);
  }

  @Test
  void escapesLabelValuesAndHelp() {
    String text = PrometheusText.write(List.of(new Measurement("c", Measurement.Kind.GAUGE,
        "line\\one\nline two", Map.of("path", "C:\\dir \"q\"\nnext"), 1)));
    assertThat(text).contains("# HELP c line\\\\one\\nline two\n")
        .contains("c{path=\"C:\\\\dir \\\"q\\\"\\nnext\"} 1\n");
  }

  @Test
  void aSumAndCountCounterPairIsOneSummaryFamily() {
    String text = PrometheusText.write(List.of(
        Measurement.counter("lat_seconds_sum", "Time spent", 1.5),
        Measurement.counter("lat_seconds_count", "Calls", 3)));
    assertThat(text).isEqualTo("""
        # HELP lat_seconds Time spent
        # TYPE lat_seconds summary
        lat_seconds_sum 1.5
        lat_seconds_count 3
        """);
  }

  @Test
  void writesSpecialValuesAsPrometheusSpellsThem() {
    assertThat(PrometheusText.number(Double.NaN)).isEqualTo("NaN");
    assertThat(PrometheusText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(PrometheusText.number(-3)).isEqualTo("-3");
    assertThat(PrometheusText.number(0.25)).isEqualTo("0.25");
  }
}
