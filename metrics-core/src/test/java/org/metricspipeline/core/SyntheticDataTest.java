package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.SyntheticData.Pattern;

class SyntheticDataTest {

  private static final Instant T0 = Instant.parse("2025-12-03T12:00:00Z");

  @Test
  void theSameSeedGivesTheSameSeries() {
    for (Pattern p : Pattern.values()) {
      assertThat(SyntheticData.series("cpu", p, T0, Duration.ofMinutes(5), Duration.ofSeconds(5), 7))
          .isEqualTo(SyntheticData.series("cpu", p, T0, Duration.ofMinutes(5), Duration.ofSeconds(5), 7));
    }
  }

  @Test
  void anotherSeedGivesOtherValues() {
    assertThat(SyntheticData.series("cpu", Pattern.NOISE, T0, Duration.ofMinutes(5), Duration.ofSeconds(5), 1))
        .isNotEqualTo(SyntheticData.series("cpu", Pattern.NOISE, T0, Duration.ofMinutes(5), Duration.ofSeconds(5), 2));
  }

  @Test
  void durationAndIntervalGiveThePointCountAndTimestamps() {
    List<MetricsData> s = SyntheticData.series("cpu", Pattern.SINE_WAVE, T0, Duration.ofSeconds(300),
        Duration.ofSeconds(5), 1);

    assertThat(s).hasSize(60);
    assertThat(s.get(1).timestamp()).isEqualTo(T0.plusSeconds(5));
    assertThat(s.get(59).timestamp()).isEqualTo(T0.plusSeconds(295));
  }

  @Test
  void linearTrendRises() {
    List<MetricsData> s = SyntheticData.series("x", Pattern.LINEAR_TREND, T0, Duration.ofMinutes(10),
        Duration.ofSeconds(1), 3);

    double first = s.get(0).metrics().get(0).value();
    double last = s.get(s.size() - 1).metrics().get(0).value();
    assertThat(last - first).isGreaterThan(50);
  }

  @Test
  void patternsHaveWireNames() {
    assertThat(Pattern.fromWireName("sine_wave")).isEqualTo(Pattern.SINE_WAVE);
  }

  @Test
  void sessionsAreDeterministicAndStartWithAPageView() {
    List<MetricsData> a = SyntheticData.userSessions(50, T0, 9);

    assertThat(a).isEqualTo(SyntheticData.userSessions(50, T0, 9));
    assertThat(a.get(0).metricType()).isEqualTo("page_view");
    assertThat(a).extracting(MetricsData::metricType).contains("add_to_cart", "purchase")
        .containsOnly("page_view", "add_to_cart", "purchase");
  }

  @Test
  void everyPurchaseFollowsAnAddToCartInItsSession() {
    List<MetricsData> events = SyntheticData.userSessions(200, T0, 11);
    String lastType = "";
    for (MetricsData e : events) {
      if (e.metricType().equals("purchase")) {
        assertThat(lastType).isEqualTo("add_to_cart");
      }
      lastType = e.metricType();
    }
  }
}
