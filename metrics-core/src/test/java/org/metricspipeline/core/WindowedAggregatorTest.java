package org.metricspipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.WindowedAggregator.WindowFunction;
import org.metricspipeline.core.WindowedAggregator.WindowResult;

class WindowedAggregatorTest {

  private static final Instant T0 = Instant.parse("2025-12-03T12:00:00Z");
  private final List<WindowResult> out = new ArrayList<>();

  private static MetricsData at(long seconds, double value, String... tags) {
    Map<String, String> t = new java.util.HashMap<>();
    for (int i = 0; i < tags.length; i += 2) {
      t.put(tags[i], tags[i + 1]);
    }
    return MetricsData.of(T0.plusSeconds(seconds), "page_view", List.of(Metric.of("event", value, t)));
  }

  private WindowedAggregator.Builder builder(WindowFunction f) {
    return WindowedAggregator.builder(f, "views").metricName("event").output(out::add);
  }

  @Test
  void tumblingWindowsEmitOnceTheWatermarkPassesTheirEnd() {
    WindowedAggregator w = builder(WindowFunction.COUNT).tumbling(Duration.ofMinutes(1)).build();
    w.accept(at(10, 1));
    w.accept(at(50, 1));
    assertThat(out).isEmpty();

    w.accept(at(60, 1));

    assertThat(out).singleElement().satisfies(r -> {
      assertThat(r.start()).isEqualTo(T0);
      assertThat(r.end()).isEqualTo(T0.plusSeconds(60));
      assertThat(r.value()).isEqualTo(2);
    });
  }

  @Test
  void slidingWindowsCountAnEventInEveryWindowHoldingIt() {
    WindowedAggregator w = builder(WindowFunction.SUM)
        .sliding(Duration.ofSeconds(60), Duration.ofSeconds(30)).build();
    w.accept(at(10, 1));
    w.accept(at(40, 2));
    w.accept(at(70, 4));

    w.flush();

    // windows starting -30, 0, 30, 60
    assertThat(out).extracting(r -> r.start().getEpochSecond() - T0.getEpochSecond() + ":" + r.value())
        .containsExactly("-30:1.0", "0:3.0", "30:6.0", "60:4.0");
  }

  @Test
  void tumblingAndSlidingAgreeWhenTheSlideEqualsTheSize() {
    List<WindowResult> tumbling = new ArrayList<>();
    WindowedAggregator a = WindowedAggregator.builder(WindowFunction.AVG, "v").metricName("event")
        .tumbling(Duration.ofSeconds(30)).output(tumbling::add).build();
    WindowedAggregator b = builder(WindowFunction.AVG).sliding(Duration.ofSeconds(30), Duration.ofSeconds(30)).build();
    for (int i = 0; i < 20; i++) {
      a.accept(at(i * 7, i));
      b.accept(at(i * 7, i));
    }
    a.flush();
    b.flush();

    assertThat(out).extracting(WindowResult::value).isEqualTo(tumbling.stream().map(WindowResult::value).toList());
  }

  @Test
  void groupsByTagsAndComputesEachFunction() {
    WindowedAggregator min = builder(WindowFunction.MIN).tumbling(Duration.ofMinutes(1)).groupBy("device").build();
    min.accept(at(1, 5, "device", "mobile"));
    min.accept(at(2, 3, "device", "mobile"));
    min.accept(at(3, 9, "device", "desktop"));

    min.flush();

    assertThat(out).extracting(r -> r.group().get("device") + "=" + r.value() + "/" + r.count())
        .containsExactly("desktop=9.0/1", "mobile=3.0/2");
  }

  @Test
  void countDistinctCountsDistinctTagValues() {
    WindowedAggregator w = builder(WindowFunction.COUNT_DISTINCT).distinctTag("user")
        .tumbling(Duration.ofMinutes(1)).build();
    w.accept(at(1, 1, "user", "a"));
    w.accept(at(2, 1, "user", "b"));
    w.accept(at(3, 1, "user", "a"));

    w.flush();

    assertThat(out).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(2));
  }

  @Test
  void eventsWithinTheAllowedLatenessAreCounted() {
    WindowedAggregator w = builder(WindowFunction.COUNT).tumbling(Duration.ofMinutes(1))
        .allowedLateness(Duration.ofSeconds(30)).build();
    w.accept(at(10, 1));
    w.accept(at(80, 1)); // watermark 50 s: window [0, 60) still open
    w.accept(at(20, 1)); // late but allowed

    w.accept(at(95, 1)); // watermark 65 s: [0, 60) emitted

    assertThat(out).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(2));
    assertThat(w.stats().lateDropped()).isZero();
  }

  @Test
  void eventsBeyondTheAllowedLatenessAreDroppedAndCounted() {
    WindowedAggregator w = builder(WindowFunction.COUNT).tumbling(Duration.ofMinutes(1))
        .allowedLateness(Duration.ofSeconds(30)).build();
    w.accept(at(10, 1));
    w.accept(at(100, 1)); // watermark 70 s: [0, 60) emitted

    w.accept(at(30, 1));

    assertThat(w.stats().lateDropped()).isEqualTo(1);
    assertThat(out).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(1));
  }

  @Test
  void stateBeyondMaxOpenWindowsIsRejectedAndCounted() {
    WindowedAggregator w = builder(WindowFunction.COUNT).tumbling(Duration.ofMinutes(1))
        .groupBy("user").maxOpenWindows(2).build();
    w.accept(at(1, 1, "user", "a"));
    w.accept(at(2, 1, "user", "b"));

    w.accept(at(3, 1, "user", "c"));

    assertThat(w.stats().rejected()).isEqualTo(1);
    assertThat(w.stats().openCells()).isEqualTo(2);
  }

  @Test
  void countDistinctWithoutADistinctTagIsRejectedAtBuild() {
    assertThatThrownBy(() -> builder(WindowFunction.COUNT_DISTINCT).tumbling(Duration.ofMinutes(1)).build())
        .hasMessage("count_distinct needs distinctTag(..)");
  }
}
